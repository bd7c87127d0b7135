/**
 * The Normal-Wishart hyperprior of one side (members or anime), resampled every sweep as in BPMF
 * (Salakhutdinov and Mnih, 2008): given the current rows x_1..x_N (k numbers each: factors, then bias),
 *   Λ ~ Wishart(W*, ν0 + N),  μ ~ N(μ*, (β* Λ)⁻¹),
 *   β* = β0 + N,  μ* = (β0 μ0 + N x̄) / β*,
 *   W*⁻¹ = W0⁻¹ + N S + β0 N / β* (x̄ - μ0)(x̄ - μ0)ᵀ   (S: the rows' covariance).
 * This is how the model learns its own regularisation: Λ is the penalty every row is pulled with, and
 * it is read from the spread of the rows themselves instead of tuned.
 * The Wishart draw is Bartlett's: with W* = B Bᵀ and A lower triangular (A_ii² ~ χ²(ν - i), A_ij ~ N(0,1)),
 * Λ = B A Aᵀ Bᵀ. B = C⁻ᵀ where W*⁻¹ = C Cᵀ, so W* itself is never formed.
 * (The implicit block's y_j hold their mean at zero, as SVD++ pulls them: a common shift of every y_j
 * moves each member's s_u along with their own mean μ_U, so a free mean there is barely identified.)
 */
import { gaussian } from '../../random.js';
import { choleskyInPlace, solveUpper, symmetrize } from './dense.js';
import { sampleChiSquare } from './distributions.js';

export interface NormalWishartPrior {
  /** Prior strength of the mean (β0). */
  beta0: number;
  /** Degrees of freedom beyond k - 1 (ν0 = k + extraDof). */
  extraDof: number;
  /** W0 = I / w0Scale: a larger value asks for larger precisions a priori. */
  w0Scale: number;
}

/** A side's hyperparameters: the mean every row is pulled to, and the precision it is pulled with. */
export interface Hyper {
  k: number;
  mu: Float64Array;
  /** k x k precision, row-major, symmetric. */
  lambda: Float64Array;
  /** Λ μ, which every row's solve adds to its right-hand side. */
  lambdaMu: Float64Array;
}

export function initialHyper(k: number, precision: number): Hyper {
  const lambda = new Float64Array(k * k);
  for (let a = 0; a < k; a++) lambda[a * k + a] = precision;
  return { k, mu: new Float64Array(k), lambda, lambdaMu: new Float64Array(k) };
}

/**
 * Draws (μ, Λ) given the rows table[r*k .. r*k+k) for r in 0..n-1 where include(r) (rows nobody rated
 * are their prior draws and say nothing about it). Writes into hyper.
 */
export function resampleHyper(
  hyper: Hyper, table: Float32Array | Float64Array, n: number, include: (r: number) => boolean, prior: NormalWishartPrior, random: () => number,
  zeroMean = false,
): void {
  const { k } = hyper;
  const mean = new Float64Array(k);
  let count = 0;
  for (let r = 0; r < n; r++) {
    if (!include(r)) continue;
    count++;
    const o = r * k;
    for (let a = 0; a < k; a++) mean[a] = mean[a]! + table[o + a]!;
  }
  if (count > 0) for (let a = 0; a < k; a++) mean[a] = mean[a]! / count;
  // zeroMean: μ is held at 0 and only Λ is drawn (a Wishart about the origin).
  if (zeroMean) mean.fill(0);
  // scatter = N S, lower triangle, about the rows' mean.
  const m = new Float64Array(k * k);
  const dev = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    if (!include(r)) continue;
    const o = r * k;
    for (let a = 0; a < k; a++) dev[a] = table[o + a]! - mean[a]!;
    for (let a = 0; a < k; a++) {
      const da = dev[a]!;
      const ra = a * k;
      for (let b = 0; b <= a; b++) m[ra + b] = m[ra + b]! + da * dev[b]!;
    }
  }
  const betaStar = prior.beta0 + count;
  // μ0 = 0: the mean's prior pulls it towards no offset at all.
  const shrink = zeroMean ? 0 : (prior.beta0 * count) / betaStar;
  for (let a = 0; a < k; a++) {
    const ra = a * k;
    for (let b = 0; b <= a; b++) m[ra + b] = m[ra + b]! + shrink * mean[a]! * mean[b]!;
    m[ra + a] = m[ra + a]! + prior.w0Scale;
  }
  symmetrize(m, k);
  const nu = k + prior.extraDof + count;
  // W*⁻¹ = C Cᵀ; Λ = C⁻ᵀ A Aᵀ C⁻¹ = T Tᵀ with Cᵀ T = A.
  if (!choleskyInPlace(m, k)) throw new Error('the Wishart scale is not positive definite');
  const t = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    // Column c of A: sqrt(χ²(ν - c)) on the diagonal, N(0,1) below it.
    col.fill(0);
    col[c] = Math.sqrt(sampleChiSquare(nu - c, random));
    for (let r = c + 1; r < k; r++) col[r] = gaussian(random);
    solveUpper(m, col, k);
    for (let r = 0; r < k; r++) t[r * k + c] = col[r]!;
  }
  const lambda = hyper.lambda;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += t[a * k + c]! * t[b * k + c]!;
      lambda[a * k + b] = s;
      lambda[b * k + a] = s;
    }
  }
  // μ ~ N(μ*, (β* Λ)⁻¹): μ* + R⁻ᵀ z / sqrt(β*), Λ = R Rᵀ.
  const r = Float64Array.from(lambda);
  if (!choleskyInPlace(r, k)) throw new Error('the sampled precision is not positive definite');
  const z = new Float64Array(k);
  for (let a = 0; a < k; a++) z[a] = gaussian(random) / Math.sqrt(betaStar);
  solveUpper(r, z, k);
  const muStar = count / betaStar;
  for (let a = 0; a < k; a++) hyper.mu[a] = zeroMean ? 0 : muStar * mean[a]! + z[a]!;
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += lambda[a * k + b]! * hyper.mu[b]!;
    hyper.lambdaMu[a] = s;
  }
}
