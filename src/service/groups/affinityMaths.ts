/**
 * How close two members' tastes are. MyAnimeList's affinity where it applies: the Pearson correlation
 * of the scores both gave, x 100, from 11 shared scores up (the rule of MAL, the aniffinity library and
 * the andre bot; MAL does not document it). Below that, the model's estimate: the cosine of the two
 * members' taste vectors (tasteVector below), said to be an estimate.
 */
import { WATCHED } from '../../data/types.js';
import type { AnirecModel } from '../../model/anirecModel.js';
import type { FoldedUser, Profile } from '../../model/types.js';

/** MyAnimeList's minimum number of shared scores for an affinity figure. */
export const MAL_MIN_SHARED = 11;
/** A "loved" anime: both scored it at least this. */
export const LOVED_SCORE = 8;

/** A member's 1..10 scores (watched-only entries dropped), sorted by itemIx so two lists merge in one pass. */
export interface ScoredList {
  items: Int32Array;
  scores: Int8Array;
}

export function scoredList(profile: Profile): ScoredList {
  const order: number[] = [];
  for (let j = 0; j < profile.itemIx.length; j++) if (profile.score[j] !== WATCHED) order.push(j);
  order.sort((a, b) => profile.itemIx[a]! - profile.itemIx[b]!);
  return { items: Int32Array.from(order, (j) => profile.itemIx[j]!), scores: Int8Array.from(order, (j) => profile.score[j]!) };
}

export interface SharedStats {
  /** Anime both scored. */
  n: number;
  /** Pearson correlation of the shared scores; NaN when fewer than 2 or either member gave one score to all. */
  pearson: number;
}

/** Pearson over the anime both scored, in one merge of the sorted lists (no allocation: /twins runs it per member). */
export function sharedStats(a: ScoredList, b: ScoredList): SharedStats {
  const ai = a.items;
  const bi = b.items;
  let i = 0;
  let j = 0;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  while (i < ai.length && j < bi.length) {
    const x = ai[i]!;
    const y = bi[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      const u = a.scores[i++]!;
      const v = b.scores[j++]!;
      n++;
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
      sxy += u * v;
    }
  }
  return { n, pearson: pearsonFromSums(n, sx, sy, sxx, syy, sxy) };
}

/** Pearson from running sums; NaN when fewer than 2 pairs or either side never varies. */
export function pearsonFromSums(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number {
  // Integer sums stay exact in doubles; the centred form below is the textbook one.
  const cov = sxy - (sx * sy) / n;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  return n >= 2 && vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Number.NaN;
}

/** Many members' score lists end to end: member m's are at offsets[m]..offsets[m+1]. */
export interface PackedScores {
  items: Int32Array;
  scores: Int8Array;
  offsets: Int32Array;
}

export function packScores(lists: readonly ScoredList[]): PackedScores {
  const offsets = new Int32Array(lists.length + 1);
  for (let m = 0; m < lists.length; m++) offsets[m + 1] = offsets[m]! + lists[m]!.items.length;
  const items = new Int32Array(offsets[lists.length]!);
  const scores = new Int8Array(offsets[lists.length]!);
  lists.forEach((list, m) => {
    items.set(list.items, offsets[m]!);
    scores.set(list.scores, offsets[m]!);
  });
  return { items, scores, offsets };
}

/**
 * Many members' taste vectors in one Float32Array (row m at m * dim), so /twins reads them in order;
 * `has[m]` is 0 for a member the model does not know (no vector).
 */
export interface PackedTastes {
  dim: number;
  vectors: Float32Array;
  has: Uint8Array;
}

/**
 * The affinity figure of one member against many, without allocating per member: `mine` holds the
 * caller's score per itemIx (0 = not scored), so each other member costs one pass over their own scores
 * (and one dot product when there are too few shared scores for MAL's figure).
 * Writes value x 100 (NaN: no figure), and whether it is MAL's figure, per member.
 */
export function affinityAgainst(
  mine: Int8Array,
  myTaste: Float32Array | undefined,
  scored: PackedScores,
  tastes: PackedTastes,
  values: Float64Array,
  isMal: Uint8Array,
): void {
  const { dim, vectors, has } = tastes;
  const { items, scores, offsets } = scored;
  for (let m = 0; m + 1 < offsets.length; m++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    const end = offsets[m + 1]!;
    for (let j = offsets[m]!; j < end; j++) {
      const u = mine[items[j]!]!;
      if (u === 0) continue;
      const v = scores[j]!;
      n++;
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
      sxy += u * v;
    }
    const r = n >= MAL_MIN_SHARED ? pearsonFromSums(n, sx, sy, sxx, syy, sxy) : Number.NaN;
    if (r === r) {
      values[m] = 100 * r;
      isMal[m] = 1;
      continue;
    }
    isMal[m] = 0;
    if (myTaste === undefined || has[m] === 0) {
      values[m] = Number.NaN;
      continue;
    }
    let dot = 0;
    const at = m * dim;
    for (let d = 0; d < dim; d++) dot += myTaste[d]! * vectors[at + d]!;
    values[m] = 100 * Math.max(-1, Math.min(1, dot));
  }
}

/** Pairs of scores of the anime both scored: [itemIx, score of a, score of b]. */
export function sharedScores(a: ScoredList, b: ScoredList): [number, number, number][] {
  const out: [number, number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.items.length && j < b.items.length) {
    const x = a.items[i]!;
    const y = b.items[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else out.push([x, a.scores[i++]!, b.scores[j++]!]);
  }
  return out;
}

/** Anime both loved, best first (the lower of the two scores, then their sum). */
export function sharedLoves(shared: [number, number, number][], limit: number): number[] {
  return shared
    .filter(([, u, v]) => u >= LOVED_SCORE && v >= LOVED_SCORE)
    .sort((p, q) => Math.min(q[1], q[2]) - Math.min(p[1], p[2]) || q[1] + q[2] - (p[1] + p[2]) || p[0] - q[0])
    .slice(0, limit)
    .map(([itemIx]) => itemIx);
}

/** The shared anime the two scored furthest apart (undefined when they agree on everything). */
export function biggestDisagreement(shared: [number, number, number][]): [number, number, number] | undefined {
  let best: [number, number, number] | undefined;
  for (const s of shared) if (s[1] !== s[2] && (best === undefined || Math.abs(s[1] - s[2]) > Math.abs(best[1] - best[2]))) best = s;
  return best;
}

/** The anime both rated highest (the lower of the two scores first), for /twins' "shared favourite". */
export function sharedFavourite(a: ScoredList, b: ScoredList): number | undefined {
  const shared = sharedScores(a, b);
  let best: [number, number, number] | undefined;
  for (const s of shared) {
    if (best === undefined || Math.min(s[1], s[2]) > Math.min(best[1], best[2]) || (Math.min(s[1], s[2]) === Math.min(best[1], best[2]) && s[1] + s[2] > best[1] + best[2])) best = s;
  }
  return best !== undefined && Math.min(best[1], best[2]) >= LOVED_SCORE - 1 ? best[0] : undefined;
}

/** Anime whose predictions make up a taste vector: the most watched, where the model knows most. */
export const TASTE_ANCHORS = 128;

/**
 * Taste vectors through the model's public interface. A folded member is opaque (its layout belongs to
 * the model), so a member's vector is what their fold-in predicts: predicted score minus a neutral
 * member's (an empty profile) over the TASTE_ANCHORS most watched anime, centred and scaled to unit length.
 * For a factor model that is the folded factor vector seen through those anime's factors, and the cosine
 * of two such vectors is the Pearson correlation of the two members' predicted scores over them: the same
 * quantity MAL computes from real scores.
 */
export interface TasteSpace {
  anchors: Int32Array;
  vector(folded: FoldedUser): Float32Array | undefined;
}

export function createTasteSpace(model: AnirecModel): TasteSpace {
  const n = model.catalogue.anime.length;
  const anchors = Int32Array.from(
    Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => model.popularity[b]! - model.popularity[a]! || a - b)
      .slice(0, Math.min(TASTE_ANCHORS, n)),
  );
  // A model that refuses an empty profile leaves the anime's own pull in the vectors: still a usable estimate.
  let neutral = new Float64Array(anchors.length);
  try {
    const neutralUser = model.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) });
    neutral = Float64Array.from(anchors, (ix) => model.predictFolded(neutralUser, ix));
  } catch {
    // keep zeros
  }
  return {
    anchors,
    vector(folded) {
      const v = new Float64Array(anchors.length);
      let mean = 0;
      for (let k = 0; k < anchors.length; k++) {
        v[k] = model.predictFolded(folded, anchors[k]!) - neutral[k]!;
        mean += v[k]!;
      }
      mean /= anchors.length;
      let norm = 0;
      for (let k = 0; k < v.length; k++) {
        v[k]! -= mean;
        norm += v[k]! ** 2;
      }
      if (!(norm > 1e-12)) return undefined;
      const scale = 1 / Math.sqrt(norm);
      return Float32Array.from(v, (x) => x * scale);
    },
  };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
  return dot;
}

export type AffinityKind = 'mal' | 'estimate';

export interface AffinityFigure {
  /** Correlation x 100, from -100 to 100. */
  value: number;
  kind: AffinityKind;
  /** Anime both scored. */
  shared: number;
}

/** MAL's figure from 11 shared scores, else the model's estimate; undefined when neither exists. */
export function affinityFigure(
  stats: SharedStats,
  tasteA: Float32Array | undefined,
  tasteB: Float32Array | undefined,
): AffinityFigure | undefined {
  if (stats.n >= MAL_MIN_SHARED && Number.isFinite(stats.pearson)) return { value: 100 * stats.pearson, kind: 'mal', shared: stats.n };
  if (tasteA === undefined || tasteB === undefined) return undefined;
  return { value: 100 * Math.max(-1, Math.min(1, cosine(tasteA, tasteB))), kind: 'estimate', shared: stats.n };
}
