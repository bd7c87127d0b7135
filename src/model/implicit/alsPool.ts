/**
 * Runs ALS half-sweeps on worker threads over shared memory: each worker solves a slice of the rows
 * (balanced by non-zeros) with the same solveRows as the single-thread path, so results do not depend
 * on the thread count. The worker file is this folder's alsWorker with the same extension as this file
 * (`.ts` under tsx, `.js` once built).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Csr } from './csr.js';

export interface AlsShared {
  byUser: Csr;
  byItem: Csr;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  k: number;
  cgSteps: number;
}

export interface AlsPool {
  solve(side: 'users' | 'items', gram: Float64Array, nRows: number): Promise<void>;
  close(): Promise<void>;
}

/** Row boundaries splitting [0, nRows) into `parts` slices of about equal cost (rows + non-zeros). */
export function splitByCost(indptr: Uint32Array, nRows: number, parts: number): number[] {
  const total = indptr[nRows]! + nRows;
  const bounds = [0];
  let row = 0;
  for (let p = 1; p < parts; p++) {
    const goal = (total * p) / parts;
    while (row < nRows && indptr[row]! + row < goal) row++;
    bounds.push(row);
  }
  bounds.push(nRows);
  return bounds;
}

/**
 * Under tsx on Node 20, `execArgv: ['--import', 'tsx']` does not reach a worker's module loader
 * (nodejs/node#47747, privatenumber/tsx#354), so a .ts worker is started by a tiny bootstrap that
 * registers tsx's loader first and then imports the worker file.
 */
function startWorker(file: URL, isTs: boolean, shared: AlsShared): Worker {
  if (!isTs) return new Worker(file, { workerData: shared });
  // The ESM build of tsx's API (its CommonJS twin resolves its loader wrongly inside a worker); found by
  // createRequire because vitest does not provide import.meta.resolve.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true, workerData: shared });
}

export async function createAlsPool(threads: number, shared: AlsShared): Promise<AlsPool> {
  const here = fileURLToPath(import.meta.url);
  const isTs = here.endsWith('.ts');
  const workerFile = new URL(isTs ? './alsWorker.ts' : './alsWorker.js', import.meta.url);
  const workers: Worker[] = [];
  for (let t = 0; t < threads; t++) workers.push(startWorker(workerFile, isTs, shared));
  const run = (worker: Worker, message: unknown) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = () => {
        worker.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(message);
    });
  return {
    async solve(side, gram, nRows) {
      const sharedGram = new Float64Array(new SharedArrayBuffer(gram.byteLength));
      sharedGram.set(gram);
      const csr = side === 'users' ? shared.byUser : shared.byItem;
      const bounds = splitByCost(csr.indptr, nRows, workers.length);
      await Promise.all(workers.map((w, t) => run(w, { side, gram: sharedGram, start: bounds[t], end: bounds[t + 1] })));
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
