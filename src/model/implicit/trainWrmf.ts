/**
 * Weighted regularised matrix factorisation for implicit feedback (WRMF / implicit ALS): every training
 * row, rated or watched-but-unrated (-1), says "this person chose to watch this anime". Trained by
 * alternating least squares with the YᵀY trick and conjugate-gradient row solves (solveRows.ts).
 */
import { createRandom } from '../../random.js';
import { buildConfidence, type Csr } from './csr.js';
import { computeGramian } from '../linalg.js';
import type { ImplicitOptions } from './options.js';
import { solveRows } from './solveRows.js';
import { createAlsPool, type AlsPool } from './alsPool.js';
import { type Ratings } from '../../data/types.js';

export interface WrmfFactors {
  dim: number;
  nUsers: number;
  nItems: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  seconds: number;
  threads: number;
}

/** A Float32Array on shared memory when workers will read it, so nothing is copied per sweep. */
function allocate(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

function shareCsr(csr: Csr): Csr {
  const copy = <T extends Uint32Array | Int32Array | Float32Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
    const out = make(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    nRows: csr.nRows,
    indptr: copy(csr.indptr, (b) => new Uint32Array(b)),
    indices: copy(csr.indices, (b) => new Int32Array(b)),
    extra: copy(csr.extra, (b) => new Float32Array(b)),
  };
}

export async function trainWrmf(
  ratings: Ratings,
  rows: Uint32Array,
  nUsers: number,
  options: ImplicitOptions,
  log: (line: string) => void = () => {},
): Promise<WrmfFactors> {
  const started = performance.now();
  const k = options.dim;
  const nItems = ratings.nItems;
  const threads = options.threads;
  const shared = threads > 1;
  let { byUser, byItem } = buildConfidence(ratings, rows, nUsers, options);
  if (shared) {
    byUser = shareCsr(byUser);
    byItem = shareCsr(byItem);
  }
  const userFactors = allocate(nUsers * k, shared);
  const itemFactors = allocate(nItems * k, shared);
  const random = createRandom(options.seed);
  // Small random items; users start at 0 and are solved first.
  for (let j = 0; j < itemFactors.length; j++) itemFactors[j] = (random() - 0.5) * 0.02;

  let pool: AlsPool | undefined;
  if (shared) pool = await createAlsPool(threads, { byUser, byItem, userFactors, itemFactors, k, cgSteps: options.cgSteps });
  try {
    for (let it = 0; it < options.iterations; it++) {
      const t0 = performance.now();
      for (const side of ['users', 'items'] as const) {
        const other = side === 'users' ? itemFactors : userFactors;
        const nOther = side === 'users' ? nItems : nUsers;
        const gram = computeGramian(other, nOther, k);
        for (let a = 0; a < k; a++) gram[a * k + a]! += options.reg;
        const csr = side === 'users' ? byUser : byItem;
        const target = side === 'users' ? userFactors : itemFactors;
        if (pool) await pool.solve(side, gram, csr.nRows);
        else solveRows({ csr, other, gram, target, k, cgSteps: options.cgSteps, start: 0, end: csr.nRows });
      }
      log(`anirec: implicit iteration ${it + 1}/${options.iterations} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
  } finally {
    await pool?.close();
  }
  return { dim: k, nUsers, nItems, userFactors, itemFactors, seconds: (performance.now() - started) / 1000, threads: pool ? threads : 1 };
}
