/**
 * A Hogwild worker: holds views of the shared tables, optimiser state and ratings, and runs the
 * kernel over slices of the shuffled order it claims from the shared cursor. Only epoch boundaries
 * cross the thread as messages.
 * With the wasm kernel it instantiates the posted module over the posted shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildCorrection, runSlice, scratchLength } from './kernel.js';
import { claimSlices } from './claim.js';
import type { WorkerInit, WorkerTask } from './trainer.js';
import { instantiateKernel } from './wasm/wasmKernel.js';

const init = workerData as WorkerInit;
const correction = init.wasm?.correction ?? buildCorrection(init.cfg.beta1, init.cfg.beta2);
const scratch = new Float32Array(scratchLength(init.cfg.dim, init.tables.genreBias.length, init.tables.typeBias.length));
const wasmKernel = init.wasm ? instantiateKernel(init.wasm.module, init.wasm.memory) : undefined;

parentPort!.on('message', (task: WorkerTask) => {
  const cfg = { ...init.cfg, lr: task.lr };
  const sse = claimSlices(init.cursor, task.end, task.claimSize, (from, to) => wasmKernel
    ? wasmKernel.runSlice(task.optimizer, init.tables, init.opt, init.rows, init.regScales, init.perm, from, to, cfg, correction)
    : runSlice(task.optimizer, init.tables, init.opt, init.features, init.rows, init.regScales, init.perm, from, to, cfg, correction, scratch));
  parentPort!.postMessage({ sse });
});
// Loaded (and the wasm kernel instantiated): the trainer starts its first epoch once every worker says so.
parentPort!.postMessage({ ready: true });
