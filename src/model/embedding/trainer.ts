/**
 * The fast trainer: explicit rows of splits.train, shuffled each epoch with a seeded PRNG, run through
 * the hand-written kernel. With threads > 1 it is Hogwild (Niu et al., 2011): every thread takes a slice
 * of the same shuffled order and updates the shared tables in place without locks; the main thread
 * works one slice itself. Collisions on a row are rare (73k users, 11k anime) and only lose an update,
 * so quality matches a single thread while throughput scales. threads: 1 is fully reproducible.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ModelFitError } from '../../errors.js';
import type { TrainingData } from '../recommender.js';
import { buildCorrection, runAdamSlice, runRowAdagradSlice, type KernelConfig, type TrainRows } from './kernel.js';
import { DEFAULT_TRAIN_OPTIONS, type Optimizer, type TrainOptions } from './options.js';
import {
  buildItemFeatures, copyTables, createRandom, initOptimiserState, initTables, restoreTables,
  type ItemFeatures, type ModelShape, type OptimiserState, type Tables,
} from './params.js';
import { createProgress, type EpochStats } from './progress.js';
import { computeEffectiveItems, computeRmse } from './scoring.js';

export interface TrainHooks {
  hybrid?: boolean;
  onEpoch?: (e: EpochStats) => void;
  quiet?: boolean;
}

export interface TrainResult {
  tables: Tables;
  shape: ModelShape;
  features: ItemFeatures;
  options: TrainOptions;
  curve: EpochStats[];
  /** 1-based epoch whose weights were kept (the best validation RMSE). */
  bestEpoch: number;
  bestValidationRmse: number;
  seconds: number;
  threads: number;
  /** Rating updates per second over the epochs (validation passes excluded). */
  updatesPerSecond: number;
  trainRows: number;
  /** Per userIx: number of explicit training rows (0 = never trained; serve bias-only). */
  userCounts: Int32Array;
}

/** What a worker is started with (all views of shared memory, except the config). */
export interface WorkerInit {
  tables: Tables;
  opt: OptimiserState;
  features: ItemFeatures;
  rows: TrainRows;
  perm: Uint32Array;
  cfg: KernelConfig;
  optimizer: Optimizer;
}

export interface WorkerTask {
  start: number;
  end: number;
  lr: number;
}

/** Explicit rows (score >= 1) of the given row numbers, compacted into shared typed arrays. */
export function selectExplicitRows(data: TrainingData, rowIx: Uint32Array, shared: boolean): TrainRows {
  const { ratings } = data;
  let n = 0;
  for (let k = 0; k < rowIx.length; k++) if (ratings.score[rowIx[k]!]! >= 1) n++;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(Math.max(4, bytes)) : new ArrayBuffer(bytes));
  const users = new Int32Array(alloc(n * 4), 0, n);
  const items = new Int32Array(alloc(n * 4), 0, n);
  const scores = new Float32Array(alloc(n * 4), 0, n);
  let j = 0;
  for (let k = 0; k < rowIx.length; k++) {
    const r = rowIx[k]!;
    const s = ratings.score[r]!;
    if (s < 1) continue;
    users[j] = ratings.userIx[r]!;
    items[j] = ratings.itemIx[r]!;
    scores[j] = s;
    j++;
  }
  return { users, items, scores };
}

/** Fisher-Yates with the trainer's PRNG: the epoch's visiting order. */
function shuffleInPlace(perm: Uint32Array, random: () => number): void {
  for (let k = perm.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    const t = perm[k]!;
    perm[k] = perm[j]!;
    perm[j] = t;
  }
}

function resolveWorkerUrl(): URL {
  const ext = extname(fileURLToPath(import.meta.url));
  return new URL('./trainWorker' + ext, import.meta.url);
}

function startWorker(init: WorkerInit): Worker {
  const url = resolveWorkerUrl();
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: init });
  // Sources run through tsx (dev, tests). On Node 20, execArgv ['--import', 'tsx'] does not reach a
  // worker's module loader ("Unknown file extension .ts"), so the worker registers tsx itself first.
  // The ESM build of tsx's API: its CommonJS twin resolves its own loader wrongly inside a worker.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

function runOnWorker(worker: Worker, task: WorkerTask): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { sse: number }): void => {
      worker.off('error', onError);
      resolve(msg.sse);
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(task);
  });
}

export function resolveThreads(threads: number): number {
  return threads > 0 ? Math.floor(threads) : Math.max(1, availableParallelism());
}

export async function trainTables(data: TrainingData, options: Partial<TrainOptions> = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const opts: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const hybrid = hooks.hybrid ?? false;
  const started = performance.now();
  const { catalogue, ratings, splits } = data;
  const nItems = ratings.nItems;
  const rows = selectExplicitRows(data, splits.train, true);
  const n = rows.users.length;
  if (n === 0) throw new ModelFitError('no explicit ratings in the training split: the embedding model needs scores 1-10');
  const validation = selectExplicitRows(data, splits.validation, false);

  let lo = Infinity, hi = -Infinity, sum = 0;
  for (let k = 0; k < n; k++) {
    const s = rows.scores[k]!;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
    sum += s;
  }
  if (hi - lo < 1) { lo -= 0.5; hi += 0.5; } // one distinct score: still a usable scale
  lo -= opts.scaleMargin;
  hi += opts.scaleMargin;
  // Keep the mean strictly inside the sigmoid's range.
  const meanOnScale = Math.min(0.99, Math.max(0.01, (sum / n - lo) / (hi - lo)));
  const shape: ModelShape = {
    nUsers: data.nUsers, nItems, dim: opts.dim, hybrid,
    nGenres: hybrid ? catalogue.genreNames.length : 0,
    nTypes: hybrid ? catalogue.typeNames.length : 0,
    lo, hi, mu: Math.log(meanOnScale / (1 - meanOnScale)),
  };
  const features = buildItemFeatures(catalogue.genreIx, catalogue.typeIx, nItems);
  const tables = initTables(shape, opts.initScale, opts.seed);
  const opt = initOptimiserState(shape, opts.optimizer);
  const userCounts = new Int32Array(data.nUsers);
  for (let k = 0; k < n; k++) userCounts[rows.users[k]!]!++;

  const perm = new Uint32Array(new SharedArrayBuffer(Math.max(4, n * 4)), 0, n);
  for (let k = 0; k < n; k++) perm[k] = k;
  const random = createRandom(opts.seed ^ 0x9e3779b9);
  const cfg: KernelConfig = {
    dim: opts.dim, hybrid, lo, span: hi - lo, mu: shape.mu, lr: opts.lr, reg: opts.reg, regBias: opts.regBias,
    regGenre: opts.regGenre, beta1: opts.beta1, beta2: opts.beta2,
  };
  const correction = buildCorrection(opts.beta1, opts.beta2);
  const scratch = new Float32Array(2 * opts.dim);
  // Asked-for threads are honoured; "one per core" skips threads on tiny sets, which gain nothing from them.
  const threads = Math.min(resolveThreads(opts.threads), opts.threads > 0 ? n : Math.max(1, Math.floor(n / 20_000)));
  const workers: Worker[] = [];
  for (let w = 1; w < threads; w++) workers.push(startWorker({ tables, opt, features, rows, perm, cfg, optimizer: opts.optimizer }));

  const progress = createProgress(opts.epochs, hybrid ? 'hybrid' : 'embedding', hooks.quiet ?? false);
  const curve: EpochStats[] = [];
  let best: Tables | null = null;
  let bestEpoch = 0;
  let bestRmse = Infinity;
  let sinceBest = 0;
  let trainSeconds = 0;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      shuffleInPlace(perm, random);
      const t0 = performance.now();
      const chunk = Math.ceil(n / threads);
      const pending = workers.map((worker, w) =>
        runOnWorker(worker, { start: Math.min(n, (w + 1) * chunk), end: Math.min(n, (w + 2) * chunk), lr: opts.lr }),
      );
      const own =
        opts.optimizer === 'adam'
          ? runAdamSlice(tables, opt, features, rows, perm, 0, Math.min(n, chunk), cfg, correction, scratch)
          : runRowAdagradSlice(tables, opt, features, rows, perm, 0, Math.min(n, chunk), cfg, scratch);
      const sse = own + (await Promise.all(pending)).reduce((a, b) => a + b, 0);
      trainSeconds += (performance.now() - t0) / 1000;

      const effective = computeEffectiveItems(tables, shape, features);
      const validationRmse = computeRmse(tables.P, tables.userBias, effective, shape, validation.users, validation.items, validation.scores);
      const stats: EpochStats = { epoch, trainLoss: sse / n, validationRmse, seconds: (performance.now() - started) / 1000 };
      curve.push(stats);
      hooks.onEpoch?.(stats);
      progress.update(stats);
      if (!Number.isFinite(stats.trainLoss)) throw new ModelFitError(`training diverged at epoch ${epoch} (lr ${opts.lr} too high?)`);
      if (Number.isNaN(validationRmse)) {
        bestEpoch = epoch; // no validation rows: keep the last epoch
        continue;
      }
      if (validationRmse < bestRmse) {
        bestRmse = validationRmse;
        bestEpoch = epoch;
        sinceBest = 0;
        if (best) restoreTables(best, tables);
        else best = copyTables(tables);
      } else if (++sinceBest >= opts.patience) {
        break;
      }
    }
  } finally {
    progress.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (best && bestEpoch < curve.length) restoreTables(tables, best);
  const epochsRun = curve.length;
  return {
    tables, shape, features, options: opts, curve, bestEpoch, bestValidationRmse: bestRmse,
    seconds: (performance.now() - started) / 1000, threads,
    updatesPerSecond: (n * epochsRun) / Math.max(1e-9, trainSeconds), trainRows: n, userCounts,
  };
}
