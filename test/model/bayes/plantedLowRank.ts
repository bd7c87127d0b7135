/**
 * A planted low-rank set for the sampler's tests, built straight into CSRs (continuous scores, so the
 * noise level is exactly what the test asks for): r = m + b_u + b_i + p_u·q_i + noise·N(0,1). Some
 * members are sparse (a handful of ratings): where a point estimate overfits and the posterior mean
 * should not. truth(u, i) is the noiseless value, test the held-out pairs.
 */
import { createRandom, gaussian } from '../../../src/random.js';
import type { Csr } from '../../../src/model/sparse.js';

export interface LowRank {
  byUser: Csr;
  byItem: Csr;
  globalMean: number;
  truth: (u: number, i: number) => number;
  test: { users: Int32Array; items: Int32Array; scores: Float32Array };
  sparseUsers: Set<number>;
  nUsers: number;
  nItems: number;
}

function toCsr(rows: number, cols: number, triplets: [number, number, number][]): Csr {
  const sorted = [...triplets].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const indptr = new Uint32Array(rows + 1);
  for (const [r] of sorted) indptr[r + 1]!++;
  for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
  return { nRows: rows, nCols: cols, indptr, indices: Int32Array.from(sorted, (t) => t[1]), values: Float32Array.from(sorted, (t) => t[2]) };
}

export function makeLowRank(options: { users?: number; items?: number; dim?: number; noise?: number; dense?: number; sparse?: number; sparseShare?: number; seed?: number } = {}): LowRank {
  const nUsers = options.users ?? 300, nItems = options.items ?? 120, dim = options.dim ?? 3;
  const noise = options.noise ?? 0.5;
  const random = createRandom(options.seed ?? 5);
  const p = Float64Array.from({ length: nUsers * dim }, () => gaussian(random));
  const q = Float64Array.from({ length: nItems * dim }, () => gaussian(random) * 0.7);
  const bu = Float64Array.from({ length: nUsers }, () => gaussian(random) * 0.5);
  const bi = Float64Array.from({ length: nItems }, () => gaussian(random) * 0.5);
  const m = 6;
  const truth = (u: number, i: number) => {
    let z = m + bu[u]! + bi[i]!;
    for (let d = 0; d < dim; d++) z += p[u * dim + d]! * q[i * dim + d]!;
    return z;
  };
  const train: [number, number, number][] = [];
  const test: [number, number, number][] = [];
  const sparseUsers = new Set<number>();
  for (let u = 0; u < nUsers; u++) {
    const sparse = random() < (options.sparseShare ?? 0.4);
    if (sparse) sparseUsers.add(u);
    const count = sparse ? (options.sparse ?? 4) : (options.dense ?? 40);
    const seen = new Set<number>();
    while (seen.size < count + 5) seen.add(Math.floor(random() * nItems));
    let k = 0;
    for (const i of seen) {
      const row: [number, number, number] = [u, i, truth(u, i) + noise * gaussian(random)];
      (k++ < count ? train : test).push(row);
    }
  }
  const byUser = toCsr(nUsers, nItems, train);
  const byItem = toCsr(nItems, nUsers, train.map(([u, i, s]) => [i, u, s]));
  const globalMean = train.reduce((a, t) => a + t[2], 0) / train.length;
  return {
    byUser, byItem, globalMean, truth, sparseUsers, nUsers, nItems,
    test: { users: Int32Array.from(test, (t) => t[0]), items: Int32Array.from(test, (t) => t[1]), scores: Float32Array.from(test, (t) => t[2]) },
  };
}
