/**
 * The composite's serving tables, built once at load so a request is a tight pass over contiguous typed
 * arrays: both parts' anime vectors side by side, unit vectors for cosines, genre masks, and the bounds
 * the pruned top-k needs.
 */
import type { Catalogue } from '../../data/types.js';
import type { ExplicitLink, ExplicitPart } from './explicitPart.js';
import type { ImplicitModel } from '../implicit/index.js';
import { easeColumns, type EaseState } from '../itemItem/ease.js';
import { buildGenreMasks, type GenreMasks } from './genreMask.js';

export interface ServingTables {
  nItems: number;
  /** The explicit model's mu (globalOffset) and the range [lo, hi] its link maps onto. */
  mu: number;
  /** The explicit model's link: the ranking's rating term and recommend's bounds follow it. */
  link: ExplicitLink;
  lo: number;
  hi: number;
  /** Implicit and explicit vector lengths. */
  di: number;
  de: number;
  /** Per itemIx, one row of `stride`: implicit factors, explicit factors, explicit bias (scoring reads memory in order). */
  rows: Float32Array;
  stride: number;
  /** Anime vectors scaled to unit length (zero rows stay zero). */
  explicitUnit: Float32Array;
  implicitUnit: Float32Array;
  genreMasks: GenreMasks;
  /** Per itemIx, training count of watchers: the preference of a person with no known anime. */
  itemCount: Float32Array;
  /** Per itemIx, the explicit model's rating for a person with a zero vector and bias (a guess to seed recommend). */
  priorRating: Float32Array;
  /** Per itemIx, |q_i| of the explicit vectors (nudged up) and b_i, float64, for recommend's bounds. */
  explicitNorms: Float64Array;
  explicitBias: Float64Array;
  /** 1 where the anime's explicit / implicit vector is not all zeros. */
  hasExplicitVector: Uint8Array;
  hasImplicitVector: Uint8Array;
  /** The item-item part, with each itemIx's column in it (-1 for none); absent in models saved without one. */
  ease?: { state: EaseState; column: Int32Array };
}

/** Rows scaled to unit length (a zero row stays zero, so its cosine with anything is 0). */
export function unitRows(factors: Float32Array, n: number, dim: number): Float32Array {
  const unit = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += factors[i * dim + d]! ** 2;
    const norm = Math.sqrt(s);
    if (!(norm > 0)) continue;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = factors[i * dim + d]! / norm;
  }
  return unit;
}

/** What the serving tables are made of: the parts' anime tables as served. */
export interface ServingParts {
  nItems: number;
  di: number;
  de: number;
  /** nItems x di / nItems x de anime vectors, and b_i per anime. */
  implicitFactors: Float32Array;
  explicitFactors: Float32Array;
  explicitBias: Float32Array;
  itemCount: Float32Array;
  genreIx: readonly ArrayLike<number>[];
  mu: number;
  lo: number;
  hi: number;
  /** Default 'sigmoid'. */
  link?: ExplicitLink;
  /** The explicit model's served rating of a logit (clipped at the top score). */
  activate: (z: number) => number;
}

export function buildServingTables(catalogue: Catalogue, explicit: ExplicitPart, implicit: ImplicitModel, ease?: EaseState): ServingTables {
  const implicitState = implicit.exportState();
  const { lo, hi } = explicit.scale;
  const tables = servingTablesFrom({
    nItems: catalogue.anime.length,
    di: implicit.dim,
    de: explicit.dim,
    implicitFactors: implicitState.itemFactors,
    explicitFactors: explicit.itemFactors,
    explicitBias: explicit.itemBias,
    itemCount: implicitState.itemCount,
    genreIx: catalogue.genreIx,
    mu: explicit.globalOffset,
    lo,
    hi,
    link: explicit.link,
    activate: (z) => explicit.activate(z),
  });
  return ease === undefined ? tables : { ...tables, ease: { state: ease, column: easeColumns(ease) } };
}

export function servingTablesFrom(parts: ServingParts): ServingTables {
  const { nItems: n, di, de, implicitFactors, explicitFactors, explicitBias, mu, lo, hi } = parts;
  const stride = di + de + 1;
  const rows = new Float32Array(n * stride);
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    rows.set(implicitFactors.subarray(i * di, (i + 1) * di), o);
    rows.set(explicitFactors.subarray(i * de, (i + 1) * de), o + di);
    rows[o + di + de] = explicitBias[i]!;
  }
  const priorRating = new Float32Array(n);
  for (let i = 0; i < n; i++) priorRating[i] = parts.activate(mu + explicitBias[i]!);
  const explicitNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let d = 0; d < de; d++) sum += explicitFactors[i * de + d]! ** 2;
    // Nudged up so float rounding can never make the bound smaller than the true |q_i|.
    explicitNorms[i] = Math.sqrt(sum) * (1 + 1e-9);
  }
  const hasImplicitVector = new Uint8Array(n);
  for (let i = 0; i < n * di; i++) if (implicitFactors[i] !== 0) hasImplicitVector[Math.floor(i / di)] = 1;
  return {
    nItems: n,
    mu,
    link: parts.link ?? 'sigmoid',
    lo,
    hi,
    di,
    de,
    rows,
    stride,
    explicitUnit: unitRows(explicitFactors, n, de),
    implicitUnit: unitRows(implicitFactors, n, di),
    genreMasks: buildGenreMasks(parts.genreIx, n),
    itemCount: parts.itemCount,
    priorRating,
    explicitNorms,
    explicitBias: Float64Array.from(explicitBias.subarray(0, n)),
    hasExplicitVector: Uint8Array.from(explicitNorms, (norm) => (norm > 0 ? 1 : 0)),
    hasImplicitVector,
  };
}
