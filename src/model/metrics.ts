/**
 * Metrics, kept apart from the models (implicit's evaluation module): rating error over parallel arrays of
 * predictions and truths, and ranking quality of one ranked list against a set of relevant anime.
 */

import type { Ratings } from '../data/types.js';

function checkLengths(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (prediction.length !== truth.length) throw new RangeError(`prediction has ${prediction.length} values but truth has ${truth.length}`);
  return prediction.length;
}

/** Mean squared error; NaN for no values. */
export function mse(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = checkLengths(prediction, truth);
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (prediction[i]! - truth[i]!) ** 2;
  return n === 0 ? Number.NaN : sse / n;
}

export function rmse(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  return Math.sqrt(mse(prediction, truth));
}

/** RMSE of predict(userIx, itemIx) over the explicit ratings among ratings[rows] (watched rows skipped); NaN for none. */
export function rmseOnRows(predict: (userIx: number, itemIx: number) => number, ratings: Ratings, rows: Uint32Array): number {
  let sse = 0;
  let n = 0;
  for (const row of rows) {
    const s = ratings.score[row]!;
    if (s < 1) continue;
    const e = predict(ratings.userIx[row]!, ratings.itemIx[row]!) - s;
    sse += e * e;
    n++;
  }
  return n > 0 ? Math.sqrt(sse / n) : Number.NaN;
}

export function mae(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = checkLengths(prediction, truth);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(prediction[i]! - truth[i]!);
  return n === 0 ? Number.NaN : sum / n;
}

/** Coefficient of determination: 1 - SSE / SST around the truths' own mean (0 for predicting that mean). */
export function r2(prediction: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = checkLengths(prediction, truth);
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (prediction[i]! - truth[i]!) ** 2;
    sst += (truth[i]! - mean) ** 2;
  }
  return sst === 0 ? Number.NaN : 1 - sse / sst;
}

/** 1 when any of the first k ranked anime is relevant, else 0. */
export function hitAt(k: number, ranked: ArrayLike<number>, relevant: ReadonlySet<number>): number {
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) return 1;
  return 0;
}

/** Share of the relevant anime found in the first k (over min(k, |relevant|), so a perfect list scores 1). */
export function recallAt(k: number, ranked: ArrayLike<number>, relevant: ReadonlySet<number>): number {
  if (relevant.size === 0) return Number.NaN;
  const n = Math.min(k, ranked.length);
  let found = 0;
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) found++;
  return found / Math.min(k, relevant.size);
}

/** Normalised discounted cumulative gain with binary relevance: DCG / ideal DCG over the first k. */
export function ndcgAt(k: number, ranked: ArrayLike<number>, relevant: ReadonlySet<number>): number {
  if (relevant.size === 0) return Number.NaN;
  const n = Math.min(k, ranked.length);
  let dcg = 0;
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Share of the catalogue (nItems anime) that appears in at least one of the lists. */
export function catalogueCoverage(lists: Iterable<ArrayLike<number>>, nItems: number): number {
  const seen = new Uint8Array(nItems);
  let count = 0;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const ix = list[i]!;
      if (ix >= 0 && ix < nItems && !seen[ix]) {
        seen[ix] = 1;
        count++;
      }
    }
  }
  return nItems === 0 ? Number.NaN : count / nItems;
}
