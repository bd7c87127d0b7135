/**
 * A worker of the row pool (rowPool.ts): holds views of the shared arrays and runs its claims of each
 * task (a side's row draws, or a feature block's member statistics) from the shared cursor.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sideScratch } from './rowDraws.js';
import { claimRows, runTask, type PoolInit, type PoolTask } from './rowPool.js';

const init = workerData as PoolInit;
const scratch = sideScratch(init.k);
const gram = new Float64Array((init.k - 1) * (init.k - 1));

parentPort!.on('message', (task: PoolTask) => {
  try {
    claimRows(init.cursor, task.nRows, task.chunk, (from, to) => runTask(init, task, scratch, gram, from, to));
    parentPort!.postMessage({ done: true });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
