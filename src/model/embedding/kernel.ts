/**
 * The inner loops of the trainer: one pass over a slice of the shuffled training ratings, updating only
 * the rows each rating touches. Shared by the main thread (threads: 1) and the workers, so there is one
 * loop to trust. Hand-written over typed arrays: no closures or allocations per rating, one function per
 * optimiser so each stays monomorphic.
 *
 * Model: z = mu + b_u + b_i [+ genre/type biases] + p_u . q_i', pred = lo + span * sigmoid(z), where
 * q_i' = q_i [+ mean of the anime's genre rows W_g + its type row T_t] in the hybrid. Loss (pred - r)^2.
 */
import type { PhaseOptimizer } from './options.js';
import type { ItemFeatures, OptimiserState, Tables } from './params.js';

export interface KernelConfig {
  dim: number;
  hybrid: boolean;
  lo: number;
  span: number;
  /** Where served predictions are clipped (ModelShape.top): the validation pass scores what is served. */
  top: number;
  mu: number;
  lr: number;
  reg: number;
  regBias: number;
  regGenre: number;
  beta1: number;
  beta2: number;
}

/** The training ratings, compacted to explicit rows; perm is the epoch's shuffled order. */
export interface TrainRows {
  users: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

/** Per-row multipliers of the factor penalty: count^-regExponent (see TrainOptions.regExponent). */
export interface RegScales {
  user: Float32Array;
  item: Float32Array;
}

const EPS = 1e-8;
const STEPS_TABLE = 16384;

/** Adam's bias correction sqrt(1 - b2^t) / (1 - b1^t) for t = 0..STEPS_TABLE (1 beyond: it has converged). */
export function buildCorrection(beta1: number, beta2: number): Float32Array {
  const table = new Float32Array(STEPS_TABLE + 1);
  for (let t = 1; t <= STEPS_TABLE; t++) table[t] = Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
  table[0] = table[1]!;
  return table;
}

/**
 * Lazy Adam over perm[start..end). Each row keeps its own step count, so an anime rated once a month
 * gets the bias correction of its own history rather than the global step's. Returns the sum of
 * squared errors seen (before each update), for the epoch's train loss.
 */
export function runAdamSlice(
  tables: Tables, opt: OptimiserState, features: ItemFeatures, rows: TrainRows, regScales: RegScales, perm: Uint32Array,
  start: number, end: number, cfg: KernelConfig, correction: Float32Array, scratch: Float32Array,
): number {
  const { P, Q, userBias, itemBias, W, T, genreBias, typeBias } = tables;
  const { mP, vP, mQ, vQ, mUB, vUB, mIB, vIB, stepsU, stepsI } = opt;
  const { genreStart, genreList, typeIx } = features;
  const { users, items, scores } = rows;
  const regUser = regScales.user, regItem = regScales.item;
  const dim = cfg.dim | 0;
  const hybrid = cfg.hybrid;
  const lo = cfg.lo, span = cfg.span, mu = cfg.mu, lr = cfg.lr, reg = cfg.reg, regBias = cfg.regBias;
  const b1 = cfg.beta1, b2 = cfg.beta2, c1 = 1 - b1, c2 = 1 - b2;
  const maxStep = correction.length - 1;
  // scratch[0..dim) = effective anime vector q_i'; scratch[dim..2dim) = gradient reaching q_i';
  // then the genre/type layer's summed gradients (see applyGenreAdam).
  const eff = scratch;
  const nGenres = genreBias.length, nTypes = typeBias.length;
  const accW = scratch.subarray(2 * dim, 2 * dim + nGenres * dim);
  const accGB = scratch.subarray(2 * dim + nGenres * dim, 2 * dim + nGenres * (dim + 1));
  const accT = scratch.subarray(2 * dim + nGenres * (dim + 1), 2 * dim + nGenres * (dim + 1) + nTypes * dim);
  const accTB = scratch.subarray(2 * dim + nGenres * (dim + 1) + nTypes * dim, 2 * dim + (nGenres + nTypes) * (dim + 1));
  let batched = 0;
  let sse = 0;
  for (let k = start; k < end; k++) {
    const r = perm[k]!;
    const u = users[r]!;
    const i = items[r]!;
    const pu = u * dim;
    const qi = i * dim;
    const regU = reg * regUser[u]!, regI = reg * regItem[i]!;
    let z = mu + userBias[u]! + itemBias[i]!;
    let g0 = 0, g1 = 0, invG = 0, t = -1;
    if (hybrid) {
      g0 = genreStart[i]!; g1 = genreStart[i + 1]!;
      invG = g1 > g0 ? 1 / (g1 - g0) : 0;
      t = typeIx[i]!;
      for (let d = 0; d < dim; d++) eff[d] = Q[qi + d]!;
      for (let g = g0; g < g1; g++) {
        const gr = genreList[g]!;
        const wr = gr * dim;
        z += genreBias[gr]! * invG;
        for (let d = 0; d < dim; d++) eff[d] = eff[d]! + W[wr + d]! * invG;
      }
      if (t >= 0) {
        const tr = t * dim;
        z += typeBias[t]!;
        for (let d = 0; d < dim; d++) eff[d] = eff[d]! + T[tr + d]!;
      }
      for (let d = 0; d < dim; d++) z += P[pu + d]! * eff[d]!;
    } else {
      for (let d = 0; d < dim; d++) z += P[pu + d]! * Q[qi + d]!;
    }
    const s = 1 / (1 + Math.exp(-z));
    const e = lo + span * s - scores[r]!;
    sse += e * e;
    const gz = e * span * s * (1 - s);

    const su = stepsU[u]! + 1; stepsU[u] = su;
    const si = stepsI[i]! + 1; stepsI[i] = si;
    const lrU = lr * correction[su < maxStep ? su : maxStep]!;
    const lrI = lr * correction[si < maxStep ? si : maxStep]!;

    // Biases.
    let w = userBias[u]!;
    let grad = gz + regBias * w;
    let m = b1 * mUB[u]! + c1 * grad; let v = b2 * vUB[u]! + c2 * grad * grad;
    mUB[u] = m; vUB[u] = v; userBias[u] = w - lrU * m / (Math.sqrt(v) + EPS);
    w = itemBias[i]!;
    grad = gz + regBias * w;
    m = b1 * mIB[i]! + c1 * grad; v = b2 * vIB[i]! + c2 * grad * grad;
    mIB[i] = m; vIB[i] = v; itemBias[i] = w - lrI * m / (Math.sqrt(v) + EPS);

    // Factors: gradients from the values before this update. Two copies of the loop so the plain
    // model's carries no hybrid branch.
    if (!hybrid) {
      for (let d = 0; d < dim; d++) {
        const p = P[pu + d]!;
        const q = Q[qi + d]!;
        const gp = gz * q + regU * p;
        const gq = gz * p + regI * q;
        let mm = b1 * mP[pu + d]! + c1 * gp; let vv = b2 * vP[pu + d]! + c2 * gp * gp;
        mP[pu + d] = mm; vP[pu + d] = vv; P[pu + d] = p - lrU * mm / (Math.sqrt(vv) + EPS);
        mm = b1 * mQ[qi + d]! + c1 * gq; vv = b2 * vQ[qi + d]! + c2 * gq * gq;
        mQ[qi + d] = mm; vQ[qi + d] = vv; Q[qi + d] = q - lrI * mm / (Math.sqrt(vv) + EPS);
      }
    } else {
      for (let d = 0; d < dim; d++) {
        const p = P[pu + d]!;
        const q = Q[qi + d]!;
        const gp = gz * eff[d]! + regU * p;
        const gqe = gz * p;
        eff[dim + d] = gqe;
        const gq = gqe + regI * q;
        let mm = b1 * mP[pu + d]! + c1 * gp; let vv = b2 * vP[pu + d]! + c2 * gp * gp;
        mP[pu + d] = mm; vP[pu + d] = vv; P[pu + d] = p - lrU * mm / (Math.sqrt(vv) + EPS);
        mm = b1 * mQ[qi + d]! + c1 * gq; vv = b2 * vQ[qi + d]! + c2 * gq * gq;
        mQ[qi + d] = mm; vQ[qi + d] = vv; Q[qi + d] = q - lrI * mm / (Math.sqrt(vv) + EPS);
      }

      // The genre and type layer is shared by every rating: its gradients are summed here and applied
      // once per GENRE_BATCH ratings (a mini-batch for this small dense layer), which keeps both
      // threads from fighting over the same few rows on every rating.
      for (let g = g0; g < g1; g++) {
        const gr = genreList[g]!;
        accGB[gr] = accGB[gr]! + gz * invG;
        const wr = gr * dim;
        for (let d = 0; d < dim; d++) accW[wr + d] = accW[wr + d]! + eff[dim + d]! * invG;
      }
      if (t >= 0) {
        accTB[t] = accTB[t]! + gz;
        const tr = t * dim;
        for (let d = 0; d < dim; d++) accT[tr + d] = accT[tr + d]! + eff[dim + d]!;
      }
      if (++batched === GENRE_BATCH) {
        applyGenreAdam(tables, opt, cfg, correction, scratch, batched);
        batched = 0;
      }
    }
  }
  if (hybrid && batched > 0) applyGenreAdam(tables, opt, cfg, correction, scratch, batched);
  return sse;
}

/** Ratings whose genre/type gradients are summed before one Adam step of that layer. */
export const GENRE_BATCH = 256;

/** Scratch floats a kernel needs: effective vector and its gradient, plus the genre/type accumulators. */
export function scratchLength(dim: number, nGenres: number, nTypes: number): number {
  return 2 * dim + (nGenres + nTypes) * (dim + 1);
}

/** One Adam step of the genre and type layer from the summed gradients in scratch, which it clears. */
function applyGenreAdam(tables: Tables, opt: OptimiserState, cfg: KernelConfig, correction: Float32Array, scratch: Float32Array, count: number): void {
  const dim = cfg.dim;
  const { W, T, genreBias, typeBias } = tables;
  const nGenres = genreBias.length, nTypes = typeBias.length;
  const b1 = cfg.beta1, b2 = cfg.beta2, c1 = 1 - b1, c2 = 1 - b2, lr = cfg.lr, regGenre = cfg.regGenre;
  const maxStep = correction.length - 1;
  const inv = 1 / count;
  // Layout after the 2 * dim head: W sums, genre-bias sums, T sums, type-bias sums.
  const offW = 2 * dim, offGB = offW + nGenres * dim, offT = offGB + nGenres, offTB = offT + nTypes * dim;
  const sg = opt.stepsG.length > 0 ? (opt.stepsG[0] = opt.stepsG[0]! + 1) : 1;
  const lrStep = lr * correction[sg < maxStep ? sg : maxStep]!;
  const p = { b1, b2, c1, c2, lrStep, inv, regGenre };
  applyAdamRange(W, opt.mW, opt.vW, scratch, offW, nGenres * dim, p);
  applyAdamRange(genreBias, opt.mGB, opt.vGB, scratch, offGB, nGenres, p);
  applyAdamRange(T, opt.mT, opt.vT, scratch, offT, nTypes * dim, p);
  applyAdamRange(typeBias, opt.mTB, opt.vTB, scratch, offTB, nTypes, p);
}

interface DenseStep { b1: number; b2: number; c1: number; c2: number; lrStep: number; inv: number; regGenre: number }

/** Adam on w[0..n) from the summed gradients scratch[off..off+n), which it zeroes. */
function applyAdamRange(w: Float32Array, m: Float32Array, v: Float32Array, scratch: Float32Array, off: number, n: number, p: DenseStep): void {
  for (let k = 0; k < n; k++) {
    const x = w[k]!;
    const g = scratch[off + k]! * p.inv + p.regGenre * x;
    scratch[off + k] = 0;
    const mm = p.b1 * m[k]! + p.c1 * g;
    const vv = p.b2 * v[k]! + p.c2 * g * g;
    m[k] = mm; v[k] = vv; w[k] = x - p.lrStep * mm / (Math.sqrt(vv) + EPS);
  }
}

/**
 * LIBMF's row-wise adaptive rate (Chin et al., 2015): one accumulated mean squared gradient per row,
 * step lr / sqrt(G_row) taken with G before this update. A quarter of Adam's memory traffic.
 */
export function runRowAdagradSlice(
  tables: Tables, opt: OptimiserState, features: ItemFeatures, rows: TrainRows, regScales: RegScales, perm: Uint32Array,
  start: number, end: number, cfg: KernelConfig, scratch: Float32Array,
): number {
  const { P, Q, userBias, itemBias, W, T, genreBias, typeBias } = tables;
  const { gP, gQ, gUB, gIB, gW, gT, gGB, gTB } = opt;
  const { genreStart, genreList, typeIx } = features;
  const { users, items, scores } = rows;
  const regUser = regScales.user, regItem = regScales.item;
  const dim = cfg.dim | 0;
  const invDim = 1 / dim;
  const hybrid = cfg.hybrid;
  const lo = cfg.lo, span = cfg.span, mu = cfg.mu, lr = cfg.lr, reg = cfg.reg, regBias = cfg.regBias, regGenre = cfg.regGenre;
  const eff = scratch;
  let sse = 0;
  for (let k = start; k < end; k++) {
    const r = perm[k]!;
    const u = users[r]!;
    const i = items[r]!;
    const pu = u * dim;
    const qi = i * dim;
    const regU = reg * regUser[u]!, regI = reg * regItem[i]!;
    let z = mu + userBias[u]! + itemBias[i]!;
    let g0 = 0, g1 = 0, invG = 0, t = -1;
    if (hybrid) {
      g0 = genreStart[i]!; g1 = genreStart[i + 1]!;
      invG = g1 > g0 ? 1 / (g1 - g0) : 0;
      t = typeIx[i]!;
      for (let d = 0; d < dim; d++) eff[d] = Q[qi + d]!;
      for (let g = g0; g < g1; g++) {
        const gr = genreList[g]!;
        const wr = gr * dim;
        z += genreBias[gr]! * invG;
        for (let d = 0; d < dim; d++) eff[d] = eff[d]! + W[wr + d]! * invG;
      }
      if (t >= 0) {
        const tr = t * dim;
        z += typeBias[t]!;
        for (let d = 0; d < dim; d++) eff[d] = eff[d]! + T[tr + d]!;
      }
      for (let d = 0; d < dim; d++) z += P[pu + d]! * eff[d]!;
    } else {
      for (let d = 0; d < dim; d++) z += P[pu + d]! * Q[qi + d]!;
    }
    const s = 1 / (1 + Math.exp(-z));
    const e = lo + span * s - scores[r]!;
    sse += e * e;
    const gz = e * span * s * (1 - s);

    let w = userBias[u]!;
    let grad = gz + regBias * w;
    userBias[u] = w - lr * grad / Math.sqrt(gUB[u]!); gUB[u] = gUB[u]! + grad * grad;
    w = itemBias[i]!;
    grad = gz + regBias * w;
    itemBias[i] = w - lr * grad / Math.sqrt(gIB[i]!); gIB[i] = gIB[i]! + grad * grad;

    const stepU = lr / Math.sqrt(gP[u]!);
    const stepI = lr / Math.sqrt(gQ[i]!);
    let sumU = 0, sumI = 0;
    // Two copies of the loop so the plain model's carries no hybrid branch.
    if (!hybrid) {
      for (let d = 0; d < dim; d++) {
        const p = P[pu + d]!;
        const q = Q[qi + d]!;
        const gp = gz * q + regU * p;
        const gq = gz * p + regI * q;
        P[pu + d] = p - stepU * gp;
        Q[qi + d] = q - stepI * gq;
        sumU += gp * gp;
        sumI += gq * gq;
      }
    } else {
      for (let d = 0; d < dim; d++) {
        const p = P[pu + d]!;
        const q = Q[qi + d]!;
        const gp = gz * eff[d]! + regU * p;
        const gqe = gz * p;
        eff[dim + d] = gqe;
        const gq = gqe + regI * q;
        P[pu + d] = p - stepU * gp;
        Q[qi + d] = q - stepI * gq;
        sumU += gp * gp;
        sumI += gq * gq;
      }
    }
    gP[u] = gP[u]! + sumU * invDim;
    gQ[i] = gQ[i]! + sumI * invDim;

    if (hybrid) {
      for (let g = g0; g < g1; g++) {
        const gr = genreList[g]!;
        w = genreBias[gr]!;
        grad = gz * invG + regGenre * w;
        genreBias[gr] = w - lr * grad / Math.sqrt(gGB[gr]!); gGB[gr] = gGB[gr]! + grad * grad;
        const wr = gr * dim;
        const stepG = lr / Math.sqrt(gW[gr]!);
        let sumG = 0;
        for (let d = 0; d < dim; d++) {
          const x = W[wr + d]!;
          const gw = eff[dim + d]! * invG + regGenre * x;
          W[wr + d] = x - stepG * gw;
          sumG += gw * gw;
        }
        gW[gr] = gW[gr]! + sumG * invDim;
      }
      if (t >= 0) {
        w = typeBias[t]!;
        grad = gz + regGenre * w;
        typeBias[t] = w - lr * grad / Math.sqrt(gTB[t]!); gTB[t] = gTB[t]! + grad * grad;
        const tr = t * dim;
        const stepT = lr / Math.sqrt(gT[t]!);
        let sumT = 0;
        for (let d = 0; d < dim; d++) {
          const x = T[tr + d]!;
          const gt = eff[dim + d]! + regGenre * x;
          T[tr + d] = x - stepT * gt;
          sumT += gt * gt;
        }
        gT[t] = gT[t]! + sumT * invDim;
      }
    }
  }
  return sse;
}

/** Runs one optimiser's loop over perm[start..end); returns the sum of squared errors. */
export function runSlice(
  optimizer: PhaseOptimizer, tables: Tables, opt: OptimiserState, features: ItemFeatures, rows: TrainRows, regScales: RegScales,
  perm: Uint32Array, start: number, end: number, cfg: KernelConfig, correction: Float32Array, scratch: Float32Array,
): number {
  if (optimizer === 'adam') return runAdamSlice(tables, opt, features, rows, regScales, perm, start, end, cfg, correction, scratch);
  return runRowAdagradSlice(tables, opt, features, rows, regScales, perm, start, end, cfg, scratch);
}
