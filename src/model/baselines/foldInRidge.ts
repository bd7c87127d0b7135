/**
 * Fold-in for the SGD factor models (funk-svd, svd++, libmf): a new person's bias and factor vector solved
 * in closed form by ridge least squares against the frozen anime factors,
 *   min over (b, p) of Σ_j (t_j - b - q_j·p)² + λ (b² + |p|²),
 * where t_j is the person's rating minus everything the model fixes (mu + b_j, and svd++'s implicit term).
 * SGD's per-rating penalty has no fold-in counterpart worth copying (λ·n overfits 100 factors from a
 * dozen ratings), so λ is chosen on validation: known users are re-folded from their training rows and
 * judged on their validation rows.
 */
import { solveCholesky } from '../linalg.js';
import type { TrainingData } from '../types.js';
import { trainCsr, type Csr } from '../sparse.js';
import { clampRating } from './baseline.js';

export interface RidgeFold {
  bu: number;
  p: Float32Array;
}

/** Accumulates the (k+1)x(k+1) normal equations of one person over features [1, q_j], then solves for any λ. */
export class BiasedRidge {
  private readonly gram: Float64Array;
  private readonly rhs: Float64Array;
  private readonly a: Float64Array;
  private readonly x: Float64Array;
  private readonly n: number;
  private count = 0;

  constructor(readonly k: number) {
    this.n = k + 1;
    this.gram = new Float64Array(this.n * this.n);
    this.rhs = new Float64Array(this.n);
    this.a = new Float64Array(this.n * this.n);
    this.x = new Float64Array(this.n);
  }

  /** Normal equations over items[t], targets[t] (q is nItems x k, row-major). */
  accumulate(items: ArrayLike<number>, targets: ArrayLike<number>, q: Float32Array): void {
    const { k, n, gram, rhs } = this;
    gram.fill(0);
    rhs.fill(0);
    this.count = items.length;
    for (let t = 0; t < items.length; t++) {
      const o = items[t]! * k;
      const y = targets[t]!;
      // Feature 0 is the bias (constant 1); features 1..k are q_j.
      rhs[0]! += y;
      gram[0]! += 1;
      for (let a = 0; a < k; a++) {
        const qa = q[o + a]!;
        rhs[a + 1]! += qa * y;
        gram[a + 1]! += qa;
        const row = (a + 1) * n;
        for (let b = a; b < k; b++) gram[row + b + 1]! += qa * q[o + b]!;
      }
    }
  }

  /** (b, p) for penalty lambda into out; zeros when nothing was accumulated. */
  solve(lambda: number, out: RidgeFold): RidgeFold {
    const { k, n, gram, a, x } = this;
    if (this.count === 0) {
      out.bu = 0;
      out.p.fill(0);
      return out;
    }
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) a[r * n + c] = r <= c ? gram[r * n + c]! : gram[c * n + r]!;
      a[r * n + r]! += lambda + 1e-9;
    }
    x.set(this.rhs);
    if (!solveCholesky(a, x, n)) x.fill(0);
    out.bu = x[0]!;
    for (let c = 0; c < k; c++) out.p[c] = x[c + 1]!;
    return out;
  }
}

/** Everything a model predicts for (userIx, itemIx) besides the fold-in's b and q·p (mu + b_i, svd++'s implicit term...). */
export type FoldOffset = (userIx: number, itemIx: number) => number;

/** A user's explicit rows of a CSR by user as fold-in targets (rating minus the offset), or undefined when none. */
export function foldTargets(byUser: Csr, u: number, offset: FoldOffset): { items: Int32Array; targets: Float64Array } | undefined {
  const from = byUser.indptr[u]!;
  const to = byUser.indptr[u + 1]!;
  if (to === from) return undefined;
  const targets = new Float64Array(to - from);
  for (let e = from; e < to; e++) targets[e - from] = byUser.values[e]! - offset(u, byUser.indices[e]!);
  return { items: byUser.indices.subarray(from, to), targets };
}

export const FOLD_IN_LAMBDAS = [0.3, 1, 3, 10, 30, 100] as const;

/**
 * The λ with the lowest validation RMSE when known users (every stride-th user, at most maxUsers of them)
 * are folded in from their training rows; the first grid value when there is no validation row.
 */
export function tuneFoldInLambda(data: TrainingData, q: Float32Array, k: number, offset: FoldOffset, maxUsers = 800): { lambda: number; rmse: number } {
  const { userIx, itemIx, score } = data.ratings;
  const byUser = trainCsr(data, 'user', true);
  const rows = Array.from(data.splits.validation).filter((r) => score[r]! > 0);
  const users = new Set(rows.map((r) => userIx[r]!));
  const stride = Math.max(1, Math.ceil(users.size / maxUsers));
  const chosen = rows.filter((r) => userIx[r]! % stride === 0).sort((x, y) => userIx[x]! - userIx[y]! || x - y);
  const ridge = new BiasedRidge(k);
  const fold: RidgeFold = { bu: 0, p: new Float32Array(k) };
  const sse = new Float64Array(FOLD_IN_LAMBDAS.length);
  let n = 0;
  for (let start = 0; start < chosen.length; ) {
    const u = userIx[chosen[start]!]!;
    let end = start;
    while (end < chosen.length && userIx[chosen[end]!] === u) end++;
    const own = foldTargets(byUser, u, offset);
    if (own) {
      ridge.accumulate(own.items, own.targets, q);
      FOLD_IN_LAMBDAS.forEach((lambda, g) => {
        ridge.solve(lambda, fold);
        for (let t = start; t < end; t++) {
          const r = chosen[t]!;
          sse[g]! += (score[r]! - clampRating(offset(u, itemIx[r]!) + fold.bu + dot(fold.p, 0, q, itemIx[r]! * k, k))) ** 2;
        }
      });
      n += end - start;
    }
    start = end;
  }
  let best = 0;
  for (let g = 1; g < sse.length; g++) if (sse[g]! < sse[best]!) best = g;
  return { lambda: FOLD_IN_LAMBDAS[best]!, rmse: n > 0 ? Math.sqrt(sse[best]! / n) : Number.NaN };
}

/** a[ao..ao+k) · b[bo..bo+k). */
export function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, k: number): number {
  let s = 0;
  for (let c = 0; c < k; c++) s += a[ao + c]! * b[bo + c]!;
  return s;
}
