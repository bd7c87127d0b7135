/**
 * Truncated SVD of the baseline residuals (r - mu - b_u - b_i) of the sparse user x anime matrix
 * (randomized SVD over the CSR, src/model/randomizedSvd.ts). Missing entries start at 0 (no evidence beyond
 * the biases) and are then refilled a few times with the current low-rank estimate before decomposing
 * again (hard impute, Mazumder et al. 2010), so "not rated" stops pulling every factor towards zero.
 * Prediction = baseline + p_u · v_i, where p_u is the user's observed residuals projected onto the top-k
 * right singular vectors by ridge least squares over the anime they rated: p = (V_Ωᵀ V_Ω + λ s_k I)⁻¹ V_Ωᵀ z,
 * where s_k is the mean of v_ic² per training rating, so lambda counts in pseudo-ratings (as in ALS).
 * For a person who rated everything and lambda = 0 this is
 * the plain projection z V; over only the rated anime it does not mistake "not rated" for "average".
 * Fold-in is the same projection, so the model never changes. The rank k (a prefix of the decomposition)
 * and lambda are chosen on validation rows of a seeded subset of users.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { randomizedSvd, sparseOperator, sparsePlusLowRank, type LinearOperator } from '../randomizedSvd.js';
import { trainCsr, type Csr } from '../sparse.js';
import { baselineEstimate, clampRating, fitTunedBiases, foldInUserBias, type Biases } from './baseline.js';

export interface SvdModelOptions {
  /** Largest rank computed; validation picks a prefix among rankGrid. Default 48. */
  maxRank?: number;
  rankGrid?: number[];
  powerIterations?: number;
  seed?: number;
  /** Rounds of hard impute (missing residuals filled by the last rank-imputeRank estimate). Default 8. */
  imputeIterations?: number;
  imputeRank?: number;
}

interface SvdUser extends FoldedUser {
  bu: number;
  p: Float32Array;
}

export class Svd implements Recommender {
  readonly name = 'svd';
  biases: Biases | undefined;
  k = 0;
  lambda = 0;
  /** lambda in the scale of the factors (see ridgeScale). */
  ridge = 0;
  /** Item factors, nItems x k (row-major). */
  v = new Float32Array(0);
  /** User projections, nUsers x k. */
  p = new Float32Array(0);
  sigma = new Float64Array(0);

  constructor(private readonly options: SvdModelOptions = {}) {}

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const biases = fitTunedBiases(data);
    this.biases = biases;
    const a = trainCsr(data, 'user', true);
    const z = new Float32Array(a.values.length);
    for (let u = 0; u < a.nRows; u++) {
      for (let e = a.indptr[u]!; e < a.indptr[u + 1]!; e++) z[e] = a.values[e]! - biases.mu - biases.bu[u]! - biases.bi[a.indices[e]!]!;
    }
    const maxRank = this.options.maxRank ?? 48;
    const svdOptions = { powerIterations: this.options.powerIterations ?? 2, seed: this.options.seed ?? 3 };
    // Hard impute: refill the missing residuals with the current rank-r estimate and decompose again.
    const imputeRank = Math.min(this.options.imputeRank ?? 16, maxRank);
    const imputeIterations = this.options.imputeIterations ?? 8;
    let op: LinearOperator = sparseOperator(a, z);
    let svd = randomizedSvd(op, { ...svdOptions, k: imputeIterations > 0 ? imputeRank : maxRank });
    for (let it = 0; it < imputeIterations; it++) {
      const r = svd.k;
      const pr = op.multiply(svd.v, r);
      const w = new Float32Array(z.length);
      for (let u = 0; u < a.nRows; u++) {
        for (let e = a.indptr[u]!; e < a.indptr[u + 1]!; e++) {
          let dot = 0;
          const vo = a.indices[e]! * r;
          for (let c = 0; c < r; c++) dot += pr[u * r + c]! * svd.v[vo + c]!;
          w[e] = z[e]! - dot;
        }
      }
      op = sparsePlusLowRank(a, w, pr, svd.v, r);
      // Warm start from the last vectors: one power iteration is then enough between refills.
      svd = randomizedSvd(op, { ...svdOptions, powerIterations: 1, start: svd.v, startWidth: r, k: it === imputeIterations - 1 ? maxRank : imputeRank });
    }
    const K = svd.k;
    const { k, lambda, rmse } = chooseRank(data, biases, a, z, svd.v, K, this.options.rankGrid ?? [8, 16, 32, 48]);
    this.k = k;
    this.lambda = lambda;
    this.ridge = lambda * ridgeScale(a, svd.v, K, k);
    this.sigma = svd.sigma.slice(0, k);
    this.v = new Float32Array(a.nCols * k);
    for (let i = 0; i < a.nCols; i++) for (let c = 0; c < k; c++) this.v[i * k + c] = svd.v[i * K + c]!;
    this.p = new Float32Array(a.nRows * k);
    const solver = new RidgeSolver(k);
    for (let u = 0; u < a.nRows; u++) {
      const from = a.indptr[u]!;
      const to = a.indptr[u + 1]!;
      if (to === from) continue;
      solver.gram(a.indices, z, from, to, this.v, k);
      solver.solve(k, this.ridge, this.p.subarray(u * k, (u + 1) * k));
    }
    return {
      seconds: (performance.now() - start) / 1000,
      notes: { rank: k, lambda, imputeIterations, imputeRank, validationRmse: Number(rmse.toFixed(4)), sigma1: Number(svd.sigma[0]!.toFixed(2)) },
    };
  }

  private get fitted(): Biases {
    if (!this.biases) throw new ModelFitError('svd is not fitted yet; call fit first');
    return this.biases;
  }

  private estimate(bu: number, p: Float32Array, po: number, itemIx: number): number {
    const b = this.fitted;
    if (itemIx >= b.bi.length) return clampRating(b.mu + bu);
    let dot = 0;
    const vo = itemIx * this.k;
    for (let c = 0; c < this.k; c++) dot += p[po + c]! * this.v[vo + c]!;
    return clampRating(b.mu + bu + b.bi[itemIx]! + dot);
  }

  /** Unknown user: p_u = 0 and b_u = 0, so the anime's baseline; unknown anime: v_i = 0, b_i = 0. */
  predict(userIx: number, itemIx: number): number {
    const b = this.fitted;
    if (userIx >= b.bu.length) return baselineEstimate(b, 0, itemIx);
    return this.estimate(b.bu[userIx]!, this.p, userIx * this.k, itemIx);
  }

  foldIn(profile: Profile): SvdUser {
    const b = this.fitted;
    const { bu, rated } = foldInUserBias(b, profile);
    const items: number[] = [];
    const z: number[] = [];
    for (let j = 0; j < profile.itemIx.length; j++) {
      const s = profile.score[j]!;
      const i = profile.itemIx[j]!;
      if (s <= 0 || i < 0 || i >= b.bi.length) continue;
      items.push(i);
      z.push(s - b.mu - bu - b.bi[i]!);
    }
    const p = new Float32Array(this.k);
    if (items.length > 0) {
      const solver = new RidgeSolver(this.k);
      solver.gram(items, z, 0, items.length, this.v, this.k);
      solver.solve(this.k, this.ridge, p);
    }
    return rated === 0 ? { model: this.name, bu, p, fallback: 'no explicit ratings in the profile: anime biases only' } : { model: this.name, bu, p };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const u = user as SvdUser;
    return this.estimate(u.bu, u.p, 0, itemIx);
  }

  /** Ranks by predicted rating. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const u = user as SvdUser;
    for (let i = 0; i < out.length; i++) out[i] = this.estimate(u.bu, u.p, 0, i);
  }

  /** Cosine between anime in the latent space (factors scaled by the singular values). */
  similar(itemIx: number, k: number): Neighbour[] {
    this.fitted;
    const n = this.v.length / Math.max(this.k, 1);
    const scaled = (i: number, c: number) => this.v[i * this.k + c]! * this.sigma[c]!;
    let normQ = 0;
    for (let c = 0; c < this.k; c++) normQ += scaled(itemIx, c) ** 2;
    if (normQ === 0) return [];
    const out: Neighbour[] = [];
    for (let i = 0; i < n; i++) {
      if (i === itemIx) continue;
      let dot = 0;
      let norm = 0;
      for (let c = 0; c < this.k; c++) {
        const x = scaled(i, c);
        dot += x * scaled(itemIx, c);
        norm += x * x;
      }
      if (norm > 0) out.push({ itemIx: i, score: dot / Math.sqrt(norm * normQ) });
    }
    return out.sort((x, y) => y.score - x.score || x.itemIx - y.itemIx).slice(0, k);
  }
}

/**
 * Ridge projection workspace: accumulates G = V_Ωᵀ V_Ω and r = V_Ωᵀ z for one person over the first `width`
 * columns of V, then solves (G_k + λ_u I) p = r_k for any prefix k <= width (the Gram of a prefix is the
 * top-left block, so one accumulation serves every rank).
 */
class RidgeSolver {
  readonly g: Float64Array;
  readonly r: Float64Array;
  private readonly l: Float64Array;
  private readonly y: Float64Array;

  constructor(private readonly width: number) {
    this.g = new Float64Array(width * width);
    this.r = new Float64Array(width);
    this.l = new Float64Array(width * width);
    this.y = new Float64Array(width);
  }

  /** Accumulates over entries from..to-1 of (items, z); v is row-major with `stride` columns. */
  gram(items: ArrayLike<number>, z: ArrayLike<number>, from: number, to: number, v: ArrayLike<number>, stride: number): void {
    const w = this.width;
    const { g, r } = this;
    g.fill(0);
    r.fill(0);
    for (let e = from; e < to; e++) {
      const o = items[e]! * stride;
      const ze = z[e]!;
      for (let a = 0; a < w; a++) {
        const va = v[o + a]!;
        r[a]! += va * ze;
        for (let b = a; b < w; b++) g[a * w + b]! += va * v[o + b]!;
      }
    }
  }

  /** Solves (G_k + ridge I) p = r_k into out (Cholesky); leaves out at 0 when G is empty. */
  solve(k: number, ridge: number, out: { [i: number]: number; length: number }): void {
    const w = this.width;
    const { g, r, l, y } = this;
    let trace = 0;
    for (let a = 0; a < k; a++) trace += g[a * w + a]!;
    if (!(trace > 0)) {
      for (let a = 0; a < k; a++) out[a] = 0;
      return;
    }
    ridge += 1e-9 * trace;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        let s = g[b * w + a]! + (a === b ? ridge : 0);
        for (let c = 0; c < b; c++) s -= l[a * w + c]! * l[b * w + c]!;
        l[a * w + b] = a === b ? Math.sqrt(Math.max(s, 1e-300)) : s / l[b * w + b]!;
      }
    }
    for (let a = 0; a < k; a++) {
      let s = r[a]!;
      for (let c = 0; c < a; c++) s -= l[a * w + c]! * y[c]!;
      y[a] = s / l[a * w + a]!;
    }
    for (let a = k - 1; a >= 0; a--) {
      let s = y[a]!;
      for (let c = a + 1; c < k; c++) s -= l[c * w + a]! * y[c]!;
      y[a] = s / l[a * w + a]!;
    }
    for (let a = 0; a < k; a++) out[a] = y[a]!;
  }
}

const scaleCache = new WeakMap<Float64Array, Map<number, number>>();

/** Mean of v_ic² over training ratings and the first k columns: one pseudo-rating's worth of Gram diagonal. */
function ridgeScale(a: Csr, v: Float64Array, K: number, k: number): number {
  let byK = scaleCache.get(v);
  if (!byK) scaleCache.set(v, (byK = new Map()));
  const known = byK.get(k);
  if (known !== undefined) return known;
  const counts = new Float64Array(a.nCols);
  for (let e = 0; e < a.indices.length; e++) counts[a.indices[e]!]!++;
  let sum = 0;
  for (let i = 0; i < a.nCols; i++) {
    if (counts[i] === 0) continue;
    let norm = 0;
    for (let c = 0; c < k; c++) norm += v[i * K + c]! ** 2;
    sum += counts[i]! * norm;
  }
  const scale = a.indices.length > 0 ? sum / (a.indices.length * k) : 0;
  byK.set(k, scale);
  return scale;
}

/**
 * Picks the rank prefix k and ridge lambda with the lowest validation RMSE, over the validation rows of a
 * seeded subset of at most 3,000 users (every rank and lambda share one Gram per user).
 */
function chooseRank(
  data: TrainingData,
  b: Biases,
  a: Csr,
  z: Float32Array,
  v: Float64Array,
  K: number,
  grid: number[],
): { k: number; lambda: number; rmse: number } {
  const ranks = [...new Set(grid.map((k) => Math.min(k, K)))].sort((x, y) => x - y);
  const lambdas = [3, 10, 30, 100, 300, 1000, 3000];
  const { userIx, itemIx, score } = data.ratings;
  const rows = Array.from(data.splits.validation).filter((r) => score[r]! > 0);
  const users = new Set(rows.map((r) => userIx[r]!));
  const stride = Math.max(1, Math.ceil(users.size / 3000));
  const chosen = rows.filter((r) => userIx[r]! % stride === 0).sort((x, y) => userIx[x]! - userIx[y]! || x - y);
  const width = ranks[ranks.length - 1]!;
  const solver = new RidgeSolver(width);
  const sse = new Float64Array(ranks.length * lambdas.length);
  const p = new Float64Array(width);
  let n = 0;
  for (let start = 0; start < chosen.length; ) {
    const u = userIx[chosen[start]!]!;
    let end = start;
    while (end < chosen.length && userIx[chosen[end]!] === u) end++;
    solver.gram(a.indices, z, a.indptr[u]!, a.indptr[u + 1]!, v, K);
    ranks.forEach((k, g) => {
      lambdas.forEach((lambda, h) => {
        solver.solve(k, lambda * ridgeScale(a, v, K, k), p);
        for (let t = start; t < end; t++) {
          const r = chosen[t]!;
          const i = itemIx[r]!;
          let dot = 0;
          for (let c = 0; c < k; c++) dot += p[c]! * v[i * K + c]!;
          sse[g * lambdas.length + h]! += (score[r]! - clampRating(b.mu + b.bu[u]! + b.bi[i]! + dot)) ** 2;
        }
      });
    });
    n += end - start;
    start = end;
  }
  let best = 0;
  for (let t = 1; t < sse.length; t++) if (sse[t]! < sse[best]!) best = t;
  return {
    k: ranks[Math.floor(best / lambdas.length)]!,
    lambda: lambdas[best % lambdas.length]!,
    rmse: n > 0 ? Math.sqrt(sse[best]! / n) : Number.NaN,
  };
}
