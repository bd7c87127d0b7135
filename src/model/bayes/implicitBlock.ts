/**
 * The "watched" rows as features of the member, SVD++-style (Koren 2008), sampled the way myFM's
 * relation blocks make it cheap: a member's effective vector is p_u + s_u, s_u = |N(u)|^-1/2 Σ_{j∈N(u)} y_j
 * over every anime in their history (watched or scored). y_j's conditional is Gaussian:
 *   precision Λ_Y + α Σ_{u∋j} c_u² G_u,   mean·precision = Λ_Y μ_Y + α Σ_{u∋j} c_u (g_u + c_u G_u y_j),
 * with c_u = |N(u)|^-1/2, G_u = Σ_{i∈R(u)} q_i q_iᵀ and g_u = Σ_{i∈R(u)} q_i e_ui (e: the residual), both
 * computed once a sweep and kept current as each y_j moves (s_u += c_u Δ, g_u -= c_u G_u Δ). So a sweep
 * of the block costs O(history rows x dim²), not O(history x ratings).
 */
import { gaussian } from '../../random.js';
import type { Csr } from '../sparse.js';
import { choleskyInPlace, solveLower, solveUpper } from './dense.js';
import type { Hyper } from './wishart.js';

export interface ImplicitState {
  dim: number;
  /** History by member (all their training rows) and its transpose (members of each anime). */
  history: Csr;
  members: Csr;
  /** c_u = |N(u)|^-1/2 (0 without history). */
  c: Float64Array;
  /** nItems x dim. */
  y: Float64Array;
  /** nUsers x dim: c_u Σ y_j. */
  s: Float64Array;
  /**
   * Per member, G_u's lower triangle packed row by row (dim(dim+1)/2, element (p, q ≤ p) at
   * p(p+1)/2 + q) in float32, and g_u (dim). The y_j draws read every member's G_u twice; packed, that
   * is 9 cache lines a member instead of 16 at dim 16, and the block is bound by those reads.
   */
  gram: Float32Array;
  grad: Float64Array;
  /**
   * Per y_j, Σ_{u∋j} c_u² G_u (packed like gram): fixed while the block runs (G moves only with the
   * anime rows), so it is summed before the sequential draws, on every thread (gramSumRows).
   */
  sums: Float64Array;
}

/** Entries of a packed lower triangle of a dim x dim matrix. */
export function packedSize(dim: number): number {
  return (dim * (dim + 1)) / 2;
}

export function createImplicitState(history: Csr, members: Csr, dim: number): ImplicitState {
  const nUsers = history.nRows, nItems = members.nRows;
  const c = new Float64Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    const n = history.indptr[u + 1]! - history.indptr[u]!;
    c[u] = n > 0 ? 1 / Math.sqrt(n) : 0;
  }
  return { dim, history, members, c, y: new Float64Array(nItems * dim), s: new Float64Array(nUsers * dim), gram: new Float32Array(nUsers * packedSize(dim)), grad: new Float64Array(nUsers * dim), sums: new Float64Array(nItems * packedSize(dim)) };
}

/** s_u from y (after y was set from elsewhere). */
export function recomputeShift(st: ImplicitState): void {
  const { dim, history, c, y, s } = st;
  s.fill(0);
  for (let u = 0; u < history.nRows; u++) {
    const so = u * dim;
    for (let e = history.indptr[u]!; e < history.indptr[u + 1]!; e++) {
      const jo = history.indices[e]! * dim;
      for (let d = 0; d < dim; d++) s[so + d] = s[so + d]! + y[jo + d]!;
    }
    for (let d = 0; d < dim; d++) s[so + d] = s[so + d]! * c[u]!;
  }
}

/** What the per-member statistics read and write (shared memory when threads > 1: see rowPool.ts). */
export interface StatsArrays {
  dim: number;
  /** Explicit rows by member (CSR). */
  indptr: Uint32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Effective members (k wide, p + s already added) and the anime rows (k wide). */
  effUsers: Float64Array;
  items: Float64Array;
  gram: Float32Array;
  grad: Float64Array;
}

export function statsArrays(st: ImplicitState, byUser: Csr, effUsers: Float64Array, items: Float64Array): StatsArrays {
  return { dim: st.dim, indptr: byUser.indptr, indices: byUser.indices, values: byUser.values, effUsers, items, gram: st.gram, grad: st.grad };
}

/**
 * G_u and g_u from the current anime rows (k wide: factors, then bias) and the effective members
 * (k wide, p + s already added), over the explicit rows byUser.
 */
export function refreshMemberStats(st: ImplicitState, byUser: Csr, effUsers: Float64Array, items: Float64Array, k: number, globalMean: number): void {
  memberStatsRows(statsArrays(st, byUser, effUsers, items), k, globalMean, 0, byUser.nRows, new Float64Array(st.dim * st.dim));
}

/** G_u and g_u of members [from, to): each member's own, so any thread may compute any of them. g: dim² scratch. */
export function memberStatsRows(a: StatsArrays, k: number, globalMean: number, from: number, to: number, g: Float64Array): void {
  const { dim, indptr, indices, values, effUsers, items, gram, grad } = a;
  const tri = packedSize(dim);
  for (let u = from; u < to; u++) {
    g.fill(0);
    const go = u * dim;
    for (let d = 0; d < dim; d++) grad[go + d] = 0;
    const uo = u * k;
    for (let e = indptr[u]!; e < indptr[u + 1]!; e++) {
      const io = indices[e]! * k;
      let z = globalMean + effUsers[uo + dim]! + items[io + dim]!;
      for (let d = 0; d < dim; d++) z += effUsers[uo + d]! * items[io + d]!;
      const residual = values[e]! - z;
      for (let a2 = 0; a2 < dim; a2++) {
        const qa = items[io + a2]!;
        grad[go + a2] = grad[go + a2]! + qa * residual;
        const row = a2 * dim;
        for (let b = 0; b <= a2; b++) g[row + b] = g[row + b]! + qa * items[io + b]!;
      }
    }
    const o = u * tri;
    for (let a2 = 0; a2 < dim; a2++) {
      const pr = o + (a2 * (a2 + 1)) / 2;
      for (let b = 0; b <= a2; b++) gram[pr + b] = g[a2 * dim + b]!;
    }
  }
}

/** What gramSumRows reads and writes (shared memory when threads > 1). */
export interface GramSums {
  dim: number;
  /** Members of each y_j (CSR), c_u, the members' packed G_u, and the packed sums out. */
  indptr: Uint32Array;
  indices: Int32Array;
  c: Float64Array;
  gram: Float32Array;
  sums: Float64Array;
}

export function gramSums(st: ImplicitState): GramSums {
  return { dim: st.dim, indptr: st.members.indptr, indices: st.members.indices, c: st.c, gram: st.gram, sums: st.sums };
}

/** Σ_{u∋j} c_u² G_u for j in [from, to), members in order (the sum sampleImplicit used to accumulate itself). */
export function gramSumRows(g: GramSums, from: number, to: number): void {
  const { dim, indptr, indices, c, gram, sums } = g;
  const tri = packedSize(dim);
  for (let j = from; j < to; j++) {
    const out = j * tri;
    sums.fill(0, out, out + tri);
    for (let e = indptr[j]!; e < indptr[j + 1]!; e++) {
      const u = indices[e]!;
      const c2 = c[u]! * c[u]!;
      const o = u * tri;
      for (let t = 0; t < tri; t++) sums[out + t] = sums[out + t]! + c2 * gram[o + t]!;
    }
  }
}

/**
 * Samples every y_j in turn (hyper: dim wide), keeping s and g current; random null: conditional means
 * (warm-up). summed: st.sums already holds Σ c_u² G_u (gramSumRows, done by the caller's threads).
 */
export function sampleImplicit(st: ImplicitState, alpha: number, hyper: Hyper, random: (() => number) | null, summed = false): void {
  if (!summed) gramSumRows(gramSums(st), 0, st.members.nRows);
  const { dim, members, c, y, s, gram, grad, sums } = st;
  const dd = dim * dim;
  const tri = packedSize(dim);
  const a = new Float64Array(dd);
  const b = new Float64Array(dim);
  const delta = new Float64Array(dim);
  for (let j = 0; j < members.nRows; j++) {
    const from = members.indptr[j]!, to = members.indptr[j + 1]!;
    const jo = j * dim;
    if (from === to) {
      // Nobody has it in their history: y_j never reaches a prediction; keep it at the prior mean.
      for (let d = 0; d < dim; d++) y[jo + d] = hyper.mu[d]!;
      continue;
    }
    a.fill(0);
    b.fill(0);
    // Σ c_u² G_u y_j is (Σ c_u² G_u) y_j, and that sum is fixed through the block (st.sums).
    for (let p = 0; p < dim; p++) {
      const pr = j * tri + (p * (p + 1)) / 2;
      for (let q = 0; q <= p; q++) a[p * dim + q] = sums[pr + q]!;
    }
    for (let e = from; e < to; e++) {
      const u = members.indices[e]!;
      const cu = c[u]!;
      const go = u * dim;
      for (let p = 0; p < dim; p++) b[p] = b[p]! + cu * grad[go + p]!;
    }
    for (let p = 0; p < dim; p++) {
      let ay = 0;
      for (let q = 0; q < dim; q++) ay += (q <= p ? a[p * dim + q]! : a[q * dim + p]!) * y[jo + q]!;
      b[p] = b[p]! + ay;
    }
    for (let p = 0; p < dim; p++) {
      const row = p * dim;
      for (let q = 0; q <= p; q++) a[row + q] = alpha * a[row + q]! + hyper.lambda[row + q]!;
      b[p] = alpha * b[p]! + hyper.lambdaMu[p]!;
    }
    if (!choleskyInPlace(a, dim)) throw new Error(`the conditional of y_${j} is not positive definite`);
    solveLower(a, b, dim);
    if (random) for (let p = 0; p < dim; p++) b[p] = b[p]! + gaussian(random);
    solveUpper(a, b, dim);
    for (let d = 0; d < dim; d++) {
      delta[d] = b[d]! - y[jo + d]!;
      y[jo + d] = b[d]!;
    }
    for (let e = from; e < to; e++) {
      const u = members.indices[e]!;
      const cu = c[u]!;
      const o = u * tri, go = u * dim, so = u * dim;
      for (let p = 0; p < dim; p++) {
        s[so + p] = s[so + p]! + cu * delta[p]!;
        // (G Δ)_p in the order q = 0..dim-1: row p of the triangle up to the diagonal, then column p below it.
        const pr = o + (p * (p + 1)) / 2;
        let gd = 0;
        for (let q = 0; q <= p; q++) gd += gram[pr + q]! * delta[q]!;
        let at = o + ((p + 1) * (p + 2)) / 2 + p;
        for (let q = p + 1; q < dim; q++) {
          gd += gram[at]! * delta[q]!;
          at += q + 1;
        }
        grad[go + p] = grad[go + p]! - cu * gd;
      }
    }
  }
}
