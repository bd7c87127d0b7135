import { describe, expect, it } from 'vitest';
import { createImplicitState, recomputeShift, refreshMemberStats, sampleImplicit } from '../../../src/model/bayes/implicitBlock.js';
import { initialHyper } from '../../../src/model/bayes/wishart.js';
import { createRandom, gaussian } from '../../../src/random.js';
import type { Csr } from '../../../src/model/sparse.js';

function csr(rows: number, cols: number, entries: [number, number, number][]): Csr {
  const sorted = [...entries].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const indptr = new Uint32Array(rows + 1);
  for (const [r] of sorted) indptr[r + 1]!++;
  for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
  return { nRows: rows, nCols: cols, indptr, indices: Int32Array.from(sorted, (e) => e[1]), values: Float32Array.from(sorted, (e) => e[2]) };
}

/** Penalised squared error of the whole model as a function of the y table (everything else fixed). */
function objective(y: Float64Array, setup: ReturnType<typeof makeSetup>, lambda: number, alpha: number): number {
  const { dim, k, history, byUser, users, items, mu } = setup;
  let total = 0;
  for (let u = 0; u < byUser.nRows; u++) {
    const n = history.indptr[u + 1]! - history.indptr[u]!;
    const s = new Float64Array(dim);
    for (let e = history.indptr[u]!; e < history.indptr[u + 1]!; e++) for (let d = 0; d < dim; d++) s[d] = s[d]! + y[history.indices[e]! * dim + d]! / Math.sqrt(n);
    for (let e = byUser.indptr[u]!; e < byUser.indptr[u + 1]!; e++) {
      const i = byUser.indices[e]!;
      let z = mu + users[u * k + dim]! + items[i * k + dim]!;
      for (let d = 0; d < dim; d++) z += (users[u * k + d]! + s[d]!) * items[i * k + d]!;
      total += alpha * (byUser.values[e]! - z) ** 2;
    }
  }
  for (const v of y) total += lambda * v * v;
  return total / 2;
}

function makeSetup() {
  const random = createRandom(9);
  const nUsers = 6, nItems = 5, dim = 2, k = 3;
  const rated: [number, number, number][] = [];
  const seen: [number, number, number][] = [];
  for (let u = 0; u < nUsers; u++) for (let i = 0; i < nItems; i++) {
    if (random() < 0.6) rated.push([u, i, 5 + 2 * gaussian(random)]);
    else if (random() < 0.5) seen.push([u, i, -1]);
  }
  const byUser = csr(nUsers, nItems, rated);
  const history = csr(nUsers, nItems, [...rated, ...seen]);
  const members = csr(nItems, nUsers, [...rated, ...seen].map(([u, i, s]) => [i, u, s]));
  const users = Float64Array.from({ length: nUsers * k }, () => gaussian(random));
  const items = Float64Array.from({ length: nItems * k }, () => gaussian(random));
  return { nUsers, nItems, dim, k, byUser, history, members, users, items, mu: 5 };
}

describe('the implicit block', () => {
  it('takes each y_j to its exact conditional mean: a sweep of conditional means never raises the objective, and repeated sweeps reach the minimum', () => {
    const setup = makeSetup();
    const { dim, k, users, history, members, byUser, items, mu } = setup;
    const state = createImplicitState(history, members, dim);
    const random = createRandom(1);
    for (let e = 0; e < state.y.length; e++) state.y[e] = gaussian(random);
    recomputeShift(state);
    const lambda = 0.5, alpha = 2;
    const hyper = initialHyper(dim, lambda);
    const eff = new Float64Array(users.length);
    const effective = () => {
      eff.set(users);
      for (let u = 0; u < setup.nUsers; u++) for (let d = 0; d < dim; d++) eff[u * k + d] = eff[u * k + d]! + state.s[u * dim + d]!;
    };
    let before = objective(state.y, setup, lambda, alpha);
    for (let sweep = 0; sweep < 200; sweep++) {
      effective();
      refreshMemberStats(state, byUser, eff, items, k, mu);
      sampleImplicit(state, alpha, hyper, null);
      const after = objective(state.y, setup, lambda, alpha);
      expect(after).toBeLessThanOrEqual(before + 1e-9);
      before = after;
    }
    // s stays what it says it is.
    const s = Float64Array.from(state.s);
    recomputeShift(state);
    for (let e = 0; e < s.length; e++) expect(s[e]).toBeCloseTo(state.s[e]!, 9);
    // At the minimum the gradient is zero: nudging any y entry raises the objective.
    const eps = 1e-4;
    for (let e = 0; e < state.y.length; e++) {
      const y = Float64Array.from(state.y);
      y[e] = y[e]! + eps;
      const up = objective(y, setup, lambda, alpha);
      y[e] = y[e]! - 2 * eps;
      const down = objective(y, setup, lambda, alpha);
      expect(Math.abs(up - down) / (2 * eps)).toBeLessThan(1e-3);
    }
  });
});
