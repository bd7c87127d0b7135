/**
 * Picks for a group. Each anime's group score is a soft minimum of the members' predicted scores,
 * -t * ln(mean(exp(-p / t))): equal to the plain mean when everyone agrees, and pulled towards the lowest
 * estimate as members disagree, so an anime one member would dislike sinks even when the others love it
 * (a softer form of "least misery", which alone ignores everyone but the unhappiest member).
 */
import { selectTopK } from '../model/topK.js';

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
