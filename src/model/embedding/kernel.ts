/**
 * The inner loops of the trainer: one pass over a slice of the shuffled training ratings, updating only
 * the rows each rating touches. Shared by the main thread (threads: 1) and the workers, so there is one
 * loop to trust. Hand-written over typed arrays: no closures or allocations per rating, one function per
 * optimiser so each stays monomorphic.
 *
 * Model: z = mu + b_u + b_i [+ genre/type biases] + p_u . q_i', pred = lo + span * sigmoid(z), where
 * q_i' = q_i [+ mean of the anime's genre rows W_g + its type row T_t] in the hybrid. Loss (pred - r)^2.
 */
import type { ItemFeatures, OptimiserState, Tables } from './params.js';

export interface KernelConfig {
  dim: number;
  hybrid: boolean;
  lo: number;
  span: number;
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
  tables: Tables, opt: OptimiserState, features: ItemFeatures, rows: TrainRows, perm: Uint32Array,
  start: number, end: number, cfg: KernelConfig, correction: Float32Array, scratch: Float32Array,
): number {
  const { P, Q, userBias, itemBias, W, T, genreBias, typeBias } = tables;
  const { mP, vP, mQ, vQ, mUB, vUB, mIB, vIB, mW, vW, mT, vT, mGB, vGB, mTB, vTB, stepsU, stepsI, stepsG, stepsT } = opt;
  const { genreStart, genreList, typeIx } = features;
  const { users, items, scores } = rows;
  const dim = cfg.dim | 0;
  const hybrid = cfg.hybrid;
  const lo = cfg.lo, span = cfg.span, mu = cfg.mu, lr = cfg.lr, reg = cfg.reg, regBias = cfg.regBias, regGenre = cfg.regGenre;
  const b1 = cfg.beta1, b2 = cfg.beta2, c1 = 1 - b1, c2 = 1 - b2;
  const maxStep = correction.length - 1;
  // scratch[0..dim) = effective anime vector q_i'; scratch[dim..2dim) = gradient reaching q_i'.
  const eff = scratch;
  let sse = 0;
  for (let k = start; k < end; k++) {
    const r = perm[k]!;
    const u = users[r]!;
    const i = items[r]!;
    const pu = u * dim;
    const qi = i * dim;
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
        const gp = gz * q + reg * p;
        const gq = gz * p + reg * q;
        let mm = b1 * mP[pu + d]! + c1 * gp; let vv = b2 * vP[pu + d]! + c2 * gp * gp;
        mP[pu + d] = mm; vP[pu + d] = vv; P[pu + d] = p - lrU * mm / (Math.sqrt(vv) + EPS);
        mm = b1 * mQ[qi + d]! + c1 * gq; vv = b2 * vQ[qi + d]! + c2 * gq * gq;
        mQ[qi + d] = mm; vQ[qi + d] = vv; Q[qi + d] = q - lrI * mm / (Math.sqrt(vv) + EPS);
      }
    } else {
      for (let d = 0; d < dim; d++) {
        const p = P[pu + d]!;
        const q = Q[qi + d]!;
        const gp = gz * eff[d]! + reg * p;
        const gqe = gz * p;
        eff[dim + d] = gqe;
        const gq = gqe + reg * q;
        let mm = b1 * mP[pu + d]! + c1 * gp; let vv = b2 * vP[pu + d]! + c2 * gp * gp;
        mP[pu + d] = mm; vP[pu + d] = vv; P[pu + d] = p - lrU * mm / (Math.sqrt(vv) + EPS);
        mm = b1 * mQ[qi + d]! + c1 * gq; vv = b2 * vQ[qi + d]! + c2 * gq * gq;
        mQ[qi + d] = mm; vQ[qi + d] = vv; Q[qi + d] = q - lrI * mm / (Math.sqrt(vv) + EPS);
      }

      for (let g = g0; g < g1; g++) {
        const gr = genreList[g]!;
        const sg = stepsG[gr]! + 1; stepsG[gr] = sg;
        const lrG = lr * correction[sg < maxStep ? sg : maxStep]!;
        w = genreBias[gr]!;
        grad = gz * invG + regGenre * w;
        m = b1 * mGB[gr]! + c1 * grad; v = b2 * vGB[gr]! + c2 * grad * grad;
        mGB[gr] = m; vGB[gr] = v; genreBias[gr] = w - lrG * m / (Math.sqrt(v) + EPS);
        const wr = gr * dim;
        for (let d = 0; d < dim; d++) {
          const x = W[wr + d]!;
          const gw = eff[dim + d]! * invG + regGenre * x;
          const mm = b1 * mW[wr + d]! + c1 * gw; const vv = b2 * vW[wr + d]! + c2 * gw * gw;
          mW[wr + d] = mm; vW[wr + d] = vv; W[wr + d] = x - lrG * mm / (Math.sqrt(vv) + EPS);
        }
      }
      if (t >= 0) {
        const st = stepsT[t]! + 1; stepsT[t] = st;
        const lrT = lr * correction[st < maxStep ? st : maxStep]!;
        w = typeBias[t]!;
        grad = gz + regGenre * w;
        m = b1 * mTB[t]! + c1 * grad; v = b2 * vTB[t]! + c2 * grad * grad;
        mTB[t] = m; vTB[t] = v; typeBias[t] = w - lrT * m / (Math.sqrt(v) + EPS);
        const tr = t * dim;
        for (let d = 0; d < dim; d++) {
          const x = T[tr + d]!;
          const gt = eff[dim + d]! + regGenre * x;
          const mm = b1 * mT[tr + d]! + c1 * gt; const vv = b2 * vT[tr + d]! + c2 * gt * gt;
          mT[tr + d] = mm; vT[tr + d] = vv; T[tr + d] = x - lrT * mm / (Math.sqrt(vv) + EPS);
        }
      }
    }
  }
  return sse;
}

/**
 * LIBMF's row-wise adaptive rate (Chin et al., 2015): one accumulated mean squared gradient per row,
 * step lr / sqrt(G_row) taken with G before this update. A quarter of Adam's memory traffic.
 */
export function runRowAdagradSlice(
  tables: Tables, opt: OptimiserState, features: ItemFeatures, rows: TrainRows, perm: Uint32Array,
  start: number, end: number, cfg: KernelConfig, scratch: Float32Array,
): number {
  const { P, Q, userBias, itemBias, W, T, genreBias, typeBias } = tables;
  const { gP, gQ, gUB, gIB, gW, gT, gGB, gTB } = opt;
  const { genreStart, genreList, typeIx } = features;
  const { users, items, scores } = rows;
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
    for (let d = 0; d < dim; d++) {
      const p = P[pu + d]!;
      const q = Q[qi + d]!;
      const qe = hybrid ? eff[d]! : q;
      const gp = gz * qe + reg * p;
      const gqe = gz * p;
      if (hybrid) eff[dim + d] = gqe;
      const gq = gqe + reg * q;
      P[pu + d] = p - stepU * gp;
      Q[qi + d] = q - stepI * gq;
      sumU += gp * gp;
      sumI += gq * gq;
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
