/**
 * Serving-side arithmetic: the hybrid's genre and type layer folded into one effective vector and bias
 * per anime, so serving, fold-in and the composite model see a plain biased MF; and the one scoring rule
 * of the explicit model (logit, then the sigmoid onto lo..hi, clipped at the top score where served),
 * which the model, its validation RMSE and the composite's ranking all call.
 */
import type { ItemFeatures, ModelShape, Tables } from './params.js';

export interface EffectiveItems {
  /** nItems x dim: q_i' = q_i [+ mean genre row + type row]. */
  factors: Float32Array;
  /** b_i [+ mean genre bias + type bias]. */
  bias: Float32Array;
}

export function computeEffectiveItems(tables: Tables, shape: ModelShape, features: ItemFeatures): EffectiveItems {
  const { nItems, dim } = shape;
  const factors = new Float32Array(nItems * dim);
  factors.set(tables.Q.subarray(0, nItems * dim));
  const bias = new Float32Array(nItems);
  bias.set(tables.itemBias.subarray(0, nItems));
  if (!shape.hybrid) return { factors, bias };
  const { genreStart, genreList, typeIx } = features;
  for (let i = 0; i < nItems; i++) {
    const g0 = genreStart[i]!, g1 = genreStart[i + 1]!;
    const invG = g1 > g0 ? 1 / (g1 - g0) : 0;
    const qi = i * dim;
    for (let g = g0; g < g1; g++) {
      const gr = genreList[g]!;
      bias[i] = bias[i]! + tables.genreBias[gr]! * invG;
      for (let d = 0; d < dim; d++) factors[qi + d] = factors[qi + d]! + tables.W[gr * dim + d]! * invG;
    }
    const t = typeIx[i]!;
    if (t >= 0) {
      bias[i] = bias[i]! + tables.typeBias[t]!;
      for (let d = 0; d < dim; d++) factors[qi + d] = factors[qi + d]! + tables.T[t * dim + d]!;
    }
  }
  return { factors, bias };
}

/**
 * start + a[ao..ao+dim) · b[bo..bo+dim): the explicit model's logit with start = mu + the person's bias +
 * b_i (and the composite's other dot products). Unrolled by 4 with one running sum: fewer loop checks and
 * the summation order of a plain loop, so every caller gets bit-identical scores. (Four separate sums
 * measured no faster here.)
 */
export function dotFrom(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number, start = 0): number {
  let sum = start;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    sum += a[ao + d]! * b[bo + d]!;
    sum += a[ao + d + 1]! * b[bo + d + 1]!;
    sum += a[ao + d + 2]! * b[bo + d + 2]!;
    sum += a[ao + d + 3]! * b[bo + d + 3]!;
  }
  for (; d < dim; d++) sum += a[ao + d]! * b[bo + d]!;
  return sum;
}

/** lo + span * sigmoid(z), unclipped: the ranking keeps the order of anime predicted past the top score. */
export function sigmoidRating(z: number, lo: number, span: number): number {
  return lo + span / (1 + Math.exp(-z));
}

/** The rating as served: the sigmoid onto [lo, hi], no higher than the top training score. */
export function servedRating(z: number, lo: number, hi: number, top: number): number {
  return Math.min(top, sigmoidRating(z, lo, hi - lo));
}

/** RMSE of the model over the given rows (validation), predictions clipped at the top score as served. */
export function computeRmse(
  P: Float32Array, userBias: Float32Array, items: EffectiveItems, shape: ModelShape,
  users: Int32Array, itemIxs: Int32Array, scores: ArrayLike<number>,
): number {
  const { dim, mu, lo, hi, top = hi } = shape;
  const Q = items.factors;
  const b = items.bias;
  let sse = 0;
  const n = users.length;
  for (let k = 0; k < n; k++) {
    const u = users[k]!, i = itemIxs[k]!;
    const z = dotFrom(P, u * dim, Q, i * dim, dim, mu + userBias[u]! + b[i]!);
    const e = servedRating(z, lo, hi, top) - scores[k]!;
    sse += e * e;
  }
  return n > 0 ? Math.sqrt(sse / n) : NaN;
}
