/**
 * "Because you liked ...": the liked anime behind a pick are those the person scored highest (8+, else at
 * least their mean, else merely watched), ranked by how alike they are to the pick in both the watching and
 * the rating space. Only the EXPLAIN_CANDIDATES best scored are compared (a big imported list would
 * otherwise cost a cosine per liked anime for every pick); they are the likeliest reasons anyway.
 */
import { WATCHED } from '../../data/types.js';
import type { Profile } from '../types.js';
import type { ServingTables } from './servingTables.js';
import { genreWeight, likeness, unitCosine, type Confidence } from './similarity.js';

/** explain() compares a pick with at most this many liked anime (the best scored). */
export const EXPLAIN_CANDIDATES = 200;

/** The profile's anime that could explain recommending itemIx: its liked ones, at most EXPLAIN_CANDIDATES, best scored first when cut. */
export function likedCandidates(profile: Profile, itemIx: number, nItems: number): { ix: number; score: number }[] {
  const rows: { ix: number; score: number }[] = [];
  for (let j = 0; j < profile.itemIx.length; j++) {
    const ix = profile.itemIx[j]!;
    if (ix >= 0 && ix < nItems && ix !== itemIx) rows.push({ ix, score: profile.score[j]! });
  }
  const rated = rows.filter((r) => r.score !== WATCHED);
  const mean = rated.length > 0 ? rated.reduce((s, r) => s + r.score, 0) / rated.length : 0;
  let liked = rated.filter((r) => r.score >= 8);
  if (liked.length === 0) liked = rated.filter((r) => r.score >= mean);
  if (liked.length === 0) liked = rows;
  if (liked.length > EXPLAIN_CANDIDATES) liked = [...liked].sort((a, b) => b.score - a.score).slice(0, EXPLAIN_CANDIDATES);
  return liked;
}

/** itemIx of the liked anime that most explain recommending itemIx, best first, at most limit. */
export function explainPick(t: ServingTables, c: Confidence, profile: Profile, itemIx: number, limit: number): number[] {
  const seen = new Set<number>();
  const ranked: { ix: number; s: number }[] = [];
  for (const r of likedCandidates(profile, itemIx, t.nItems)) {
    if (seen.has(r.ix)) continue;
    seen.add(r.ix);
    const s = unitCosine(t.implicitUnit, t.di, r.ix, itemIx) + likeness(t, c, r.ix, genreWeight(c, r.ix), itemIx);
    ranked.push({ ix: r.ix, s });
  }
  ranked.sort((a, b) => b.s - a.s || a.ix - b.ix);
  return ranked.slice(0, Math.max(0, limit)).map((r) => r.ix);
}
