/** Serving tables of random anime (no training): what the composite's unit tests rank over. */
import { servedRating } from '../../../src/model/embedding/scoring.js';
import { servingTablesFrom, type ServingTables } from '../../../src/model/composite/servingTables.js';
import type { AnirecUser } from '../../../src/model/composite/types.js';
import { mulberry32 } from '../../../support/planted.js';

export const LO = 1;
export const HI = 10.4;
export const TOP = 10;
export const MU = 0.3;

export interface RandomTablesOptions {
  nItems: number;
  di: number;
  de: number;
  /** Share of anime with an all-zero implicit / explicit vector. */
  zeroShare?: number;
  /** Share of anime that copy an earlier anime's rows exactly (ties in every score). */
  copyShare?: number;
  /** Spread of the vectors (large values saturate the sigmoid). */
  spread?: number;
  /** The explicit part's link (default sigmoid); linear tables centre the logit on LINEAR_MU. */
  link?: 'sigmoid' | 'linear';
}

/** mu of linear tables: a rating scale's middle, so some anime land past 10 and below 1. */
export const LINEAR_MU = 6;

export function randomTables(seed: number, o: RandomTablesOptions): ServingTables {
  const rand = mulberry32(seed);
  const { nItems: n, di, de } = o;
  const spread = o.spread ?? 1;
  const implicitFactors = new Float32Array(n * di);
  const explicitFactors = new Float32Array(n * de);
  const explicitBias = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const copy = i > 0 && rand() < (o.copyShare ?? 0) ? Math.floor(rand() * i) : -1;
    for (let d = 0; d < di; d++) implicitFactors[i * di + d] = copy >= 0 ? implicitFactors[copy * di + d]! : (rand() - 0.4) * spread;
    for (let d = 0; d < de; d++) explicitFactors[i * de + d] = copy >= 0 ? explicitFactors[copy * de + d]! : (rand() - 0.5) * spread;
    explicitBias[i] = copy >= 0 ? explicitBias[copy]! : rand() - 0.5;
    if (rand() < (o.zeroShare ?? 0)) implicitFactors.fill(0, i * di, (i + 1) * di);
    if (rand() < (o.zeroShare ?? 0)) explicitFactors.fill(0, i * de, (i + 1) * de);
  }
  return servingTablesFrom({
    nItems: n, di, de, implicitFactors, explicitFactors, explicitBias,
    itemCount: Float32Array.from({ length: n }, () => Math.floor(rand() * 50)),
    genreIx: Array.from({ length: n }, () => Uint16Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * 40))),
    ...(o.link === 'linear'
      ? { mu: LINEAR_MU, lo: 1, hi: 10, link: 'linear' as const, activate: (z: number) => Math.min(10, Math.max(1, z)) }
      : { mu: MU, lo: LO, hi: HI, activate: (z: number) => servedRating(z, LO, HI, TOP) }),
  });
}

export function randomUser(rand: () => number, t: ServingTables, fallback = false): AnirecUser {
  return {
    model: 'anirec',
    explicit: { model: 'embedding', vector: Float32Array.from({ length: t.de }, () => (rand() - 0.5) * 2), bias: Math.fround(rand() - 0.5) },
    implicit: { model: 'implicit', vector: Float32Array.from({ length: t.di }, () => rand() - 0.3), ...(fallback ? { fallback: 'nobody' } : {}) },
    mean: Math.fround(4 + rand() * 5),
    ...(fallback ? { fallback: 'nobody' } : {}),
  };
}
