/**
 * One row's Gaussian conditional, the heart of a Gibbs sweep. A member's row x = [p_u, b_u] given the
 * anime rows they rated is Gaussian (the model is linear in x):
 *   precision A = Λ + α Σ f fᵀ,  A mean = Λ μ + α Σ t f,  f = [q_i, 1], t = r - μ_global - b_i,
 * and the same with the roles swapped for an anime. A draw is mean + L⁻ᵀ z (A = L Lᵀ, z standard
 * normal), done as one forward and one backward solve: O(n k²) to accumulate, O(k³/3) to factor.
 */
import { gaussian } from '../../random.js';
import { choleskyInPlace, solveLower, solveUpper } from './dense.js';
import type { Hyper } from './wishart.js';

/** Scratch of one k-wide solve, reused across rows (the sampler is single-threaded). */
export interface RowScratch {
  k: number;
  a: Float64Array;
  b: Float64Array;
  f: Float64Array;
}

export function rowScratch(k: number): RowScratch {
  return { k, a: new Float64Array(k * k), b: new Float64Array(k), f: new Float64Array(k) };
}

/**
 * The conditional of the row whose entries are cols[from..to) with scores[from..to) against `other`
 * (rows of k: factors, then bias). Writes into out[outAt..outAt+k): a draw when random is given, the
 * conditional mean (the MAP solve fold-in uses) when it is null. shift (dim numbers at shiftAt): a fixed
 * vector added to this row's factors in every prediction (the member's implicit part). False if A was
 * not positive definite.
 */
export function sampleRow(
  other: Float64Array, cols: Int32Array, scores: Float32Array, from: number, to: number,
  globalMean: number, alpha: number, hyper: Hyper, s: RowScratch, out: Float64Array, outAt: number, random: (() => number) | null,
  shift?: Float64Array, shiftAt = 0,
): boolean {
  const { k, a, b, f } = s;
  const dim = k - 1;
  a.fill(0);
  b.fill(0);
  f[dim] = 1;
  for (let e = from; e < to; e++) {
    const o = cols[e]! * k;
    let t = scores[e]! - globalMean - other[o + dim]!;
    for (let d = 0; d < dim; d++) f[d] = other[o + d]!;
    // A member's implicit part s_u is fixed while their own row is drawn: it moves the target.
    if (shift) for (let d = 0; d < dim; d++) t -= shift[shiftAt + d]! * f[d]!;
    for (let p = 0; p < k; p++) {
      const fp = f[p]!;
      b[p] = b[p]! + t * fp;
      const row = p * k;
      // Lower triangle only: the Cholesky reads nothing else.
      for (let q = 0; q <= p; q++) a[row + q] = a[row + q]! + fp * f[q]!;
    }
  }
  const lambda = hyper.lambda;
  for (let p = 0; p < k; p++) {
    const row = p * k;
    for (let q = 0; q <= p; q++) a[row + q] = alpha * a[row + q]! + lambda[row + q]!;
    b[p] = alpha * b[p]! + hyper.lambdaMu[p]!;
  }
  if (!choleskyInPlace(a, k)) return false;
  solveLower(a, b, k);
  if (random) for (let p = 0; p < k; p++) b[p] = b[p]! + gaussian(random);
  solveUpper(a, b, k);
  for (let p = 0; p < k; p++) out[outAt + p] = b[p]!;
  return true;
}
