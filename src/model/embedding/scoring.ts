/**
 * Serving-side arithmetic: the hybrid's genre and type layer folded into one effective vector and bias
 * per anime, so serving, fold-in and the composite model see a plain biased MF.
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

/** RMSE of the model over the given rows (validation), predictions clipped at the top score as served. */
export function computeRmse(
  P: Float32Array, userBias: Float32Array, items: EffectiveItems, shape: ModelShape,
  users: Int32Array, itemIxs: Int32Array, scores: ArrayLike<number>,
): number {
  const { dim, mu, lo, hi, top = hi } = shape;
  const span = hi - lo;
  const Q = items.factors;
  const b = items.bias;
  let sse = 0;
  const n = users.length;
  for (let k = 0; k < n; k++) {
    const u = users[k]!, i = itemIxs[k]!;
    const pu = u * dim, qi = i * dim;
    let z = mu + userBias[u]! + b[i]!;
    for (let d = 0; d < dim; d++) z += P[pu + d]! * Q[qi + d]!;
    const e = Math.min(top, lo + span / (1 + Math.exp(-z))) - scores[k]!;
    sse += e * e;
  }
  return n > 0 ? Math.sqrt(sse / n) : NaN;
}
