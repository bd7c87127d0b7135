/**
 * A worker of the row pool (rowPool.ts): holds views of both sides' shared arrays and draws the rows it
 * claims from the shared cursor, one side's task at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { drawRows, sideScratch } from './rowDraws.js';
import type { PoolInit, PoolTask } from './rowPool.js';
import { claimRows } from './rowPool.js';

const init = workerData as PoolInit;
let scratch = sideScratch(init.k);

parentPort!.on('message', (task: PoolTask) => {
  try {
    if (scratch.k !== task.task.k) scratch = sideScratch(task.task.k);
    const side = init.sides[task.side]!;
    claimRows(init.cursor, task.nRows, task.chunk, (from, to) => drawRows(side, task.task, from, to, scratch));
    parentPort!.postMessage({ done: true });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
