/**
 * Draws the rows of one side on `threads` threads: the main thread and threads - 1 workers claim chunks
 * of rows from one atomic cursor over the same shared arrays (SharedArrayBuffers), as the embedding
 * trainer's Hogwild threads claim slices; unlike Hogwild nothing is shared between rows, so the result
 * does not depend on who drew what (rowDraws.ts). The feature blocks' per-member statistics
 * (implicitBlock.ts, memberStatsRows) are split the same way. One thread: no workers, the same code in order.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gramSumRows, memberStatsRows, type GramSums, type StatsArrays } from './implicitBlock.js';
import { drawRows, sideScratch, type SideArrays, type SideTask } from './rowDraws.js';

/** What a worker starts with: views of both sides' arrays and the claim cursor. */
export interface PoolInit {
  k: number;
  sides: SideArrays[];
  /** The feature blocks' statistics (0, 1 or 2 of them), and their y_j's Gram sums. */
  stats: StatsArrays[];
  sums: GramSums[];
  cursor: Int32Array;
}

/** Draw the rows of sides[side], compute the member statistics of stats[side], or the Gram sums of sums[side]. */
export interface PoolTask {
  kind: 'rows' | 'stats' | 'sums';
  side: number;
  nRows: number;
  chunk: number;
  task?: SideTask;
  globalMean: number;
}

/** Runs a task's share of rows [from, to) on the calling thread. */
export function runTask(init: PoolInit, t: PoolTask, scratch: ReturnType<typeof sideScratch>, gram: Float64Array, from: number, to: number): void {
  if (t.kind === 'rows') drawRows(init.sides[t.side]!, t.task!, from, to, scratch);
  else if (t.kind === 'stats') memberStatsRows(init.stats[t.side]!, init.k, t.globalMean, from, to, gram);
  else gramSumRows(init.sums[t.side]!, from, to);
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
  private readonly gram: Float64Array;

  private constructor(private readonly init: PoolInit, private readonly workers: Worker[]) {
    this.scratch = sideScratch(init.k);
    this.gram = new Float64Array((init.k - 1) * (init.k - 1));
  }

  /** sides, stats: every array in shared memory when threads > 1 (see shared). */
  static async start(threads: number, k: number, sides: SideArrays[], stats: StatsArrays[] = [], sums: GramSums[] = []): Promise<RowPool> {
    const init: PoolInit = { k, sides, stats, sums, cursor: new Int32Array(new SharedArrayBuffer(4)) };
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
  run(side: number, nRows: number, task: SideTask): Promise<void> {
    return this.split({ kind: 'rows', side, nRows, chunk: CHUNK, task, globalMean: task.globalMean });
  }

  /** Computes the statistics of stats[block] for its nRows members on every thread. */
  memberStats(block: number, nRows: number, globalMean: number): Promise<void> {
    return this.split({ kind: 'stats', side: block, nRows, chunk: CHUNK, globalMean });
  }

  /** Computes the y_j Gram sums of sums[block] for its nRows rows on every thread. */
  gramSums(block: number, nRows: number): Promise<void> {
    return this.split({ kind: 'sums', side: block, nRows, chunk: CHUNK, globalMean: 0 });
  }

  private async split(message: PoolTask): Promise<void> {
    const { nRows } = message;
    if (this.workers.length === 0) {
      runTask(this.init, message, this.scratch, this.gram, 0, nRows);
      return;
    }
    Atomics.store(this.init.cursor, 0, 0);
    const replies = this.workers.map((worker) => {
      const reply = nextMessage(worker);
      worker.postMessage(message);
      return reply;
    });
    let failure: unknown;
    try {
      claimRows(this.init.cursor, nRows, CHUNK, (from, to) => runTask(this.init, message, this.scratch, this.gram, from, to));
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
