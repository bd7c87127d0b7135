/**
 * The composite's ranking score over the serving tables:
 *   score_i = p_i + beta * (predicted rating_i - the person's mean)
 *   p_i = (1 - w) * pref_i / max_j pref_j + w * ease_i / max_j ease_j
 * pref from the implicit (WRMF) part, ease from the item-item part when the model has one (w = easeWeight),
 * the rating by the explicit model's own scoring (embedding/scoring.ts).
 */
import { dotFrom, sigmoidRating } from '../embedding/scoring.js';
import { easeScores } from '../itemItem/ease.js';
import type { ServingTables } from './servingTables.js';
import type { AnirecUser, RecommendOptions } from './types.js';

/** Scratch arrays of nItems: every serving call is synchronous, so one set per model is never shared by two calls. */
export interface RankingScratch {
  preference: Float32Array;
  rating: Float32Array;
  scores: Float32Array;
  /** The item-item part's scores. */
  ease: Float32Array;
}

export function rankingScratch(nItems: number): RankingScratch {
  return { preference: new Float32Array(nItems), rating: new Float32Array(nItems), scores: new Float32Array(nItems), ease: new Float32Array(nItems) };
}

/** What the explicit rating of any anime needs for one person: the logit's start before b_i, and the link's range. */
export interface PersonScale {
  vector: Float32Array;
  /** mu + the person's bias. */
  base: number;
  lo: number;
  hi: number;
  span: number;
  /** The link is linear: the rating is the logit itself. */
  linear: boolean;
}

export function personScale(t: ServingTables, user: AnirecUser): PersonScale {
  return { vector: user.explicit.vector, base: t.mu + user.explicit.bias, lo: t.lo, hi: t.hi, span: t.hi - t.lo, linear: t.link === 'linear' };
}

/**
 * The explicit model's predicted rating of anime i, unclipped (anime predicted past the top score keep
 * their order instead of tying): the same function as its own scoreItems, so scores are bit-identical.
 * A linear link's rating is the logit itself (unbounded: recommend's bounds know it).
 */
export function predictRating(t: ServingTables, s: PersonScale, i: number): number {
  const oq = i * t.stride + t.di;
  const z = dotFrom(s.vector, 0, t.rows, oq, t.de, s.base + t.rows[oq + t.de]!);
  return s.linear ? z : sigmoidRating(z, s.lo, s.span);
}

/**
 * Preference x·y_i per anime (float32, as the implicit model's own scoreItems) into preference[0..n);
 * returns its maximum (0 when nothing is positive). A person with no known anime gets the watch counts.
 */
export function fillPreference(t: ServingTables, user: AnirecUser, preference: Float32Array, n: number): number {
  const { rows, stride, di, hasImplicitVector } = t;
  const x = user.implicit.vector;
  const fallbackPreference = user.implicit.fallback !== undefined ? t.itemCount : undefined;
  let max = 0;
  for (let i = 0; i < n; i++) {
    let pref = 0;
    if (fallbackPreference !== undefined) pref = fallbackPreference[i]!;
    // (An anime without implicit factors, e.g. one nobody watched in training, has preference exactly 0.)
    else if (hasImplicitVector[i] === 1) pref = dotFrom(x, 0, rows, i * stride, di);
    preference[i] = pref;
    const p = preference[i]!;
    if (p > max) max = p;
  }
  return max;
}

/** Scales preference[0..n) by 1 / max (to 0 when max is not positive), in place. */
export function normalisePreference(preference: Float32Array, n: number, max: number): void {
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < n; i++) preference[i] = preference[i]! * scale;
}

/**
 * The watch preference p_i into preference[0..n): WRMF preference over its maximum, blended with the
 * item-item scores over theirs when the model has an item-item part, the person named their anime
 * (user.items) and easeWeight > 0. easeScratch holds the item-item scores afterwards.
 */
export function fillWatchPreference(t: ServingTables, user: AnirecUser, easeWeight: number, preference: Float32Array, easeScratch: Float32Array, n: number): void {
  normalisePreference(preference, n, fillPreference(t, user, preference, n));
  const { ease } = t;
  if (ease === undefined || user.items === undefined || user.fallback !== undefined || !(easeWeight > 0)) return;
  easeScores(ease.state, ease.column, user.items, easeScratch);
  let max = 0;
  for (let i = 0; i < n; i++) if (easeScratch[i]! > max) max = easeScratch[i]!;
  const scale = max > 0 ? easeWeight / max : 0;
  const keep = 1 - easeWeight;
  for (let i = 0; i < n; i++) preference[i] = keep * preference[i]! + scale * easeScratch[i]!;
}

/**
 * The two parts of the ranking score for a person: watch preference (fillWatchPreference: 1 is the
 * person's most likely watch) and predicted rating minus their mean.
 */
export function fillParts(t: ServingTables, user: AnirecUser, easeWeight: number, preference: Float32Array, rating: Float32Array, easeScratch: Float32Array): void {
  const n = Math.min(t.nItems, preference.length, rating.length);
  fillWatchPreference(t, user, easeWeight, preference, easeScratch, n);
  const scale = personScale(t, user);
  for (let i = 0; i < n; i++) rating[i] = predictRating(t, scale, i);
  const mean = user.mean;
  for (let i = 0; i < n; i++) rating[i] = rating[i]! - mean;
}

/** The composite ranking score into out; a person with no known anime gets popularity. */
export function scoreAll(t: ServingTables, user: AnirecUser, beta: number, easeWeight: number, popularity: Float32Array, scratch: RankingScratch, out: Float32Array): void {
  const n = Math.min(out.length, t.nItems);
  if (user.fallback !== undefined) {
    out.set(popularity.subarray(0, n));
    return;
  }
  const { preference, rating } = scratch;
  fillParts(t, user, easeWeight, preference, rating, scratch.ease);
  for (let i = 0; i < n; i++) out[i] = preference[i]! + beta * rating[i]!;
}

/** NaN (never selected) for excluded anime and those the filter rejects. */
export function blockItems(scores: Float32Array, nItems: number, { exclude, filter }: RecommendOptions): void {
  if (exclude !== undefined) for (const itemIx of exclude) if (itemIx >= 0 && itemIx < nItems) scores[itemIx] = Number.NaN;
  if (filter !== undefined) for (let i = 0; i < nItems; i++) if (!filter(i)) scores[i] = Number.NaN;
}
