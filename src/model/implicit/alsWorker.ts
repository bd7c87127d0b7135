/** Worker side of alsPool: solves the rows it is told to, on the shared factors, then says done. */
import { parentPort, workerData } from 'node:worker_threads';
import type { AlsShared } from './alsPool.js';
import { solveRows } from './solveRows.js';

const shared = workerData as AlsShared;

parentPort!.on('message', (job: { side: 'users' | 'items'; gram: Float64Array; start: number; end: number }) => {
  const users = job.side === 'users';
  solveRows({
    csr: users ? shared.byUser : shared.byItem,
    other: users ? shared.itemFactors : shared.userFactors,
    target: users ? shared.userFactors : shared.itemFactors,
    gram: job.gram,
    k: shared.k,
    cgSteps: shared.cgSteps,
    start: job.start,
    end: job.end,
  });
  parentPort!.postMessage('done');
});
