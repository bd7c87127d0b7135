/**
 * A Hogwild worker: holds views of the shared tables, optimiser state and ratings, and runs the
 * kernel over the slice of the shuffled order it is told. Only epoch boundaries cross the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildCorrection, runSlice, scratchLength } from './kernel.js';
import type { WorkerInit, WorkerTask } from './trainer.js';

const init = workerData as WorkerInit;
const correction = buildCorrection(init.cfg.beta1, init.cfg.beta2);
const scratch = new Float32Array(scratchLength(init.cfg.dim, init.tables.genreBias.length, init.tables.typeBias.length));

parentPort!.on('message', (task: WorkerTask) => {
  const cfg = { ...init.cfg, lr: task.lr };
  const sse = runSlice(task.optimizer, init.tables, init.opt, init.features, init.rows, init.regScales, init.perm, task.start, task.end, cfg, correction, scratch);
  parentPort!.postMessage({ sse });
});
