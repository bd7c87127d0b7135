/**
 * Draws the rows of one side on `threads` threads: the main thread and threads - 1 workers claim chunks
 * of rows from one atomic cursor over the same shared arrays (SharedArrayBuffers), as the embedding
 * trainer's Hogwild threads claim slices; unlike Hogwild nothing is shared between rows, so the result
 * does not depend on who drew what (rowDraws.ts). One thread: no workers, the same code in order.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { drawRows, sideScratch, type SideArrays, type SideTask } from './rowDraws.js';

/** What a worker starts with: views of both sides' arrays and the claim cursor. */
export interface PoolInit {
  k: number;
  sides: SideArrays[];
  cursor: Int32Array;
}

export interface PoolTask {
  side: number;
  nRows: number;
  chunk: number;
  task: SideTask;
}

/** Rows per claim: enough to amortise the atomic, few enough to even out heavy members at the end. */
const CHUNK = 64;

/** Claims [from, to) chunks of [0, n) from the shared cursor until none is left. */
export function claimRows(cursor: Int32Array, n: number, chunk: number, run: (from: number, to: number) => void): void {
  for (;;) {
    const from = Atomics.add(cursor, 0, chunk);
    if (from >= n) return;
    run(from, Math.min(n, from + chunk));
  }
}

/** A copy of a typed array in shared memory (what workers can see). */
export function shared<T extends Float64Array | Float32Array | Int32Array | Uint32Array>(array: T): T {
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(array.byteLength));
  out.set(array as never);
  return out;
}

function startWorker(init: PoolInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL('./rowWorker' + ext, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: init });
  // Under tsx (dev, tests) the worker registers tsx itself first, as embedding/trainer.ts explains.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

function nextMessage(worker: Worker): Promise<{ ready?: boolean; done?: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { error?: string }): void => {
      worker.off('error', onError);
      if (msg.error !== undefined) reject(new Error(msg.error));
      else resolve(msg);
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

export class RowPool {
  private readonly scratch;

  private constructor(private readonly init: PoolInit, private readonly workers: Worker[]) {
    this.scratch = sideScratch(init.k);
  }

  /** sides: every array in shared memory when threads > 1 (see shared). */
  static async start(threads: number, k: number, sides: SideArrays[]): Promise<RowPool> {
    const init: PoolInit = { k, sides, cursor: new Int32Array(new SharedArrayBuffer(4)) };
    const workers: Worker[] = [];
    try {
      for (let w = 1; w < threads; w++) workers.push(startWorker(init));
      await Promise.all(workers.map((worker) => nextMessage(worker)));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new RowPool(init, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Draws every row of side `side` (nRows of them) on every thread. */
  async run(side: number, nRows: number, task: SideTask): Promise<void> {
    const arrays = this.init.sides[side]!;
    if (this.workers.length === 0) {
      drawRows(arrays, task, 0, nRows, this.scratch);
      return;
    }
    Atomics.store(this.init.cursor, 0, 0);
    const message: PoolTask = { side, nRows, chunk: CHUNK, task };
    const replies = this.workers.map((worker) => {
      const reply = nextMessage(worker);
      worker.postMessage(message);
      return reply;
    });
    let failure: unknown;
    try {
      claimRows(this.init.cursor, nRows, CHUNK, (from, to) => drawRows(arrays, task, from, to, this.scratch));
    } catch (error) {
      failure = error;
    }
    await Promise.all(replies);
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
