/**
 * Picks for a group. Each anime's group score is a soft minimum of the members' predicted scores,
 * -t * ln(mean(exp(-p / t))): equal to the plain mean when everyone agrees, and pulled towards the lowest
 * estimate as members disagree, so an anime one member would dislike sinks even when the others love it
 * (a softer form of "least misery", which alone ignores everyone but the unhappiest member).
 */
import { selectTopK } from '../../model/topK.js';

/** Softness in rating points: a member 3 points below the others costs the group about 2 of them. */
export const SOFT_MIN_T = 1;
export const PARTY_MIN = 2;
export const PARTY_MAX = 10;

export function groupScore(predictions: ArrayLike<number>, t = SOFT_MIN_T): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (let k = 0; k < predictions.length; k++) lowest = Math.min(lowest, predictions[k]!);
  let sum = 0;
  // Shifted by the lowest score so exp never overflows or underflows to nothing.
  for (let k = 0; k < predictions.length; k++) sum += Math.exp(-(predictions[k]! - lowest) / t);
  return lowest - t * Math.log(sum / predictions.length);
}

export interface GroupPick {
  itemIx: number;
  score: number;
  /** Each member's predicted score, in the order of the members given. */
  predicted: number[];
}

/**
 * The `count` best anime for the group over the whole catalogue. `predictions[m][itemIx]` is member m's
 * predicted score; `seen` holds what any member rated or watched (never picked).
 */
export function rankForGroup(predictions: readonly Float32Array[], seen: ReadonlySet<number>, count: number, t = SOFT_MIN_T): GroupPick[] {
  const m = predictions.length;
  if (m === 0) return [];
  const nItems = predictions[0]!.length;
  const scores = new Float32Array(nItems);
  const column = new Float64Array(m);
  for (let i = 0; i < nItems; i++) {
    if (seen.has(i)) {
      scores[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    for (let k = 0; k < m; k++) column[k] = predictions[k]![i]!;
    scores[i] = groupScore(column, t);
  }
  return Array.from(selectTopK(scores, count), (itemIx) => ({ itemIx, score: scores[itemIx]!, predicted: predictions.map((p) => p[itemIx]!) }));
}

/**
 * The same picks as rankForGroup, asking for far fewer predictions: member 0's are given in full
 * (`first`), the others' are asked per anime, and an anime is dropped as soon as it cannot reach the bar.
 * The bound: over the members asked so far, -t * ln(sum of exp(-p / t) / m) is at least the group score,
 * because the members not asked yet can only add to the sum. The bar is the `count`th best exact score
 * among a seed of member 0's favourites, so nothing that could make the list is ever dropped.
 */
export function rankForGroupPruned(
  first: Float32Array,
  predict: (member: number, itemIx: number) => number,
  members: number,
  seen: ReadonlySet<number>,
  count: number,
  t = SOFT_MIN_T,
): GroupPick[] {
  const nItems = first.length;
  const m = members;
  const exact = (i: number): number[] => {
    const p = [first[i]!];
    for (let k = 1; k < m; k++) p.push(predict(k, i));
    return p;
  };
  // Seed: member 0's best unseen anime, scored exactly; the count-th best of them is the bar.
  const open = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) open[i] = seen.has(i) ? Number.NEGATIVE_INFINITY : first[i]!;
  const seeds = selectTopK(open, Math.max(count * 5, 50));
  const known = new Map<number, number[]>();
  const seedScores: number[] = [];
  for (const i of seeds) {
    const p = exact(i);
    known.set(i, p);
    seedScores.push(groupScore(p, t));
  }
  seedScores.sort((a, b) => b - a);
  const bar = seedScores.length >= count ? seedScores[count - 1]! : Number.NEGATIVE_INFINITY;
  // sumExp[i] = sum over the members asked so far of exp(-(p - 10) / t), shifted by the top score to stay in range.
  const alive: number[] = [];
  const sumExp = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    if (seen.has(i) || known.has(i)) continue;
    sumExp[i] = Math.exp(-(first[i]! - 10) / t);
    if (10 - t * Math.log(sumExp[i]! / m) >= bar) alive.push(i);
  }
  const asked = new Map<number, number[]>();
  let current = alive;
  for (let k = 1; k < m && current.length > 0; k++) {
    const next: number[] = [];
    for (const i of current) {
      const p = predict(k, i);
      let row = asked.get(i);
      if (row === undefined) asked.set(i, (row = [first[i]!]));
      row.push(p);
      sumExp[i]! += Math.exp(-(p - 10) / t);
      if (10 - t * Math.log(sumExp[i]! / m) >= bar) next.push(i);
    }
    current = next;
  }
  for (const i of current) known.set(i, m === 1 ? [first[i]!] : asked.get(i)!);
  const scores = new Float32Array(nItems).fill(Number.NEGATIVE_INFINITY);
  for (const [i, p] of known) scores[i] = groupScore(p, t);
  return Array.from(selectTopK(scores, count), (itemIx) => ({ itemIx, score: scores[itemIx]!, predicted: known.get(itemIx)! }));
}
