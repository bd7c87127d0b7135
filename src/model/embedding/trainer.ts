/**
 * The fast trainer: explicit rows of splits.train, visited in a seeded shuffled order each epoch, run
 * through a hand-written kernel: WebAssembly SIMD (wasm/) for the plain model where it can run, else the
 * typed-array loops of kernel.ts (see TrainOptions.kernel). With threads > 1 it is Hogwild (Niu et al.,
 * 2011) over shared tables (a SharedArrayBuffer per array, or one shared WebAssembly.Memory for the wasm
 * kernel): the threads claim contiguous slices of the same epoch order from an atomic cursor and update
 * the shared tables in place without locks; the main thread claims slices too. With the default
 * user-grouped order a user's ratings sit together, so threads share a user row only where a claim
 * splits a user; they share anime rows, where a rare collision only loses an update. threads: 1 is
 * fully reproducible.
 * (LIBMF's block scheduling, where threads running together share no anime row either, was tried:
 * on the synthetic set, 2 threads, 6 epochs of rowAdagrad, it ran no faster here (5.2-5.3 vs 5.6-5.7 M
 * updates/s in back-to-back runs) and converged slower (test RMSE 1.226 vs 1.219), so it was dropped.)
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ModelFitError } from '../../errors.js';
import { createRandom } from '../../random.js';
import type { TrainingData } from '../types.js';
import { chooseClaimSize, claimSlices } from './claim.js';
import { buildCorrection, runSlice, scratchLength, type KernelConfig, type RegScales, type TrainRows } from './kernel.js';
import { DEFAULT_TRAIN_OPTIONS, resolveOptimizer, type EpochOrder, type PhaseOptimizer, type TrainOptions } from './options.js';
import {
  buildItemFeatures, copyTables, initOptimiserState, initTables, restoreTables, sharedAllocator,
  type Allocator, type ItemFeatures, type ModelShape, type OptimiserState, type Tables,
} from './params.js';
import { createProgress, type EpochStats } from './progress.js';
import { computeEffectiveItems, computeRmse } from './scoring.js';
import { createArena } from './wasm/arena.js';
import { compileKernelModule } from './wasm/compile.js';
import type { WasmMemory, WasmModule } from './wasm/runtime.js';
import { estimateArenaBytes, instantiateKernel, resolveKernel, type UserGroups } from './wasm/wasmKernel.js';

export interface TrainHooks {
  hybrid?: boolean;
  onEpoch?: (e: EpochStats) => void;
  quiet?: boolean;
  /**
   * Epochs per optimiser phase, run exactly, with no early stopping: the schedule a run with validation
   * chose (TrainResult.schedule), replayed on every row (the served model is fitted on all the data).
   */
  schedule?: readonly number[];
}

export interface TrainResult {
  tables: Tables;
  shape: ModelShape;
  features: ItemFeatures;
  options: TrainOptions;
  curve: EpochStats[];
  /** 1-based epoch whose weights were kept (the best validation RMSE). */
  bestEpoch: number;
  /**
   * Epochs per optimiser phase up to the kept weights ([AdaGrad, Adam] for the two-phase schedule, else
   * one entry): replaying it with TrainHooks.schedule reproduces the kept model's training length.
   */
  schedule: number[];
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
  regScales: RegScales;
  perm: Uint32Array;
  cfg: KernelConfig;
  /** The epoch's next unclaimed position in perm, shared by all threads (see claimSlices). */
  cursor: Int32Array;
  /** Set when the wasm kernel runs: its module, the arena's memory, Adam's correction table in it. */
  wasm?: { module: WasmModule; memory: WasmMemory; correction: Float32Array };
}

/** One epoch's work for a worker: claim slices of perm[0..end), claimSize at a time, until none are left. */
export interface WorkerTask {
  end: number;
  claimSize: number;
  lr: number;
  optimizer: PhaseOptimizer;
}

const localAllocator: Allocator = { f32: (k) => new Float32Array(k), i32: (k) => new Int32Array(k), u32: (k) => new Uint32Array(k) };

function countExplicitRows(data: TrainingData, rowIx: Uint32Array): number {
  let n = 0;
  for (let k = 0; k < rowIx.length; k++) if (data.ratings.score[rowIx[k]!]! >= 1) n++;
  return n;
}

/**
 * Explicit rows (score >= 1) of the given row numbers, compacted into typed arrays: shared (true, or
 * from the allocator given, e.g. the wasm arena) when workers read them, else ordinary memory.
 */
export function selectExplicitRows(data: TrainingData, rowIx: Uint32Array, shared: boolean | Allocator): TrainRows {
  const { ratings } = data;
  const n = countExplicitRows(data, rowIx);
  const alloc = shared === true ? sharedAllocator : shared === false ? localAllocator : shared;
  const users = alloc.i32(n);
  const items = alloc.i32(n);
  const scores = alloc.f32(n);
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

/** Fisher-Yates over perm[start..end) with the trainer's PRNG. */
function shuffleRange(perm: Uint32Array, start: number, end: number, random: () => number): void {
  for (let k = end - 1; k > start; k--) {
    const j = start + Math.floor(random() * (k - start + 1));
    const t = perm[k]!;
    perm[k] = perm[j]!;
    perm[j] = t;
  }
}

/** Training rows grouped by user (counting sort), for the user-grouped epoch order. */
type RowsByUser = UserGroups;

function groupRowsByUser(rows: TrainRows, nUsers: number, alloc: Allocator): RowsByUser {
  const counts = alloc.u32(nUsers + 1);
  for (let k = 0; k < rows.users.length; k++) counts[rows.users[k]! + 1]!++;
  for (let u = 0; u < nUsers; u++) counts[u + 1] = counts[u + 1]! + counts[u]!;
  const at = counts.slice(0, nUsers);
  const grouped = alloc.u32(rows.users.length);
  for (let k = 0; k < rows.users.length; k++) grouped[at[rows.users[k]!]!++] = k;
  const withRows = Uint32Array.from({ length: nUsers }, (_, u) => u).filter((u) => counts[u + 1]! > counts[u]!);
  const users = alloc.u32(withRows.length);
  users.set(withRows);
  return { users, start: counts, rows: grouped };
}

/**
 * The epoch's visiting order. 'ratings': a uniform shuffle of all ratings. 'users': users in a shuffled
 * order, each user's ratings shuffled and visited together: the user's row and its optimiser state stay
 * in L1 across their ratings, only the (small) anime table is hit at random, and Hogwild threads, which
 * take contiguous slices, then never share a user row.
 */
function fillEpochOrder(perm: Uint32Array, order: EpochOrder, byUser: RowsByUser, random: () => number): void {
  if (order === 'ratings') {
    shuffleRange(perm, 0, perm.length, random);
    return;
  }
  const users = byUser.users;
  shuffleRange(users, 0, users.length, random);
  let k = 0;
  for (let j = 0; j < users.length; j++) {
    const u = users[j]!;
    const from = byUser.start[u]!, to = byUser.start[u + 1]!;
    const begin = k;
    for (let r = from; r < to; r++) perm[k++] = byUser.rows[r]!;
    shuffleRange(perm, begin, k, random);
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

/** The worker's next message (its error, if it fails first). */
function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: T): void => {
      worker.off('error', onError);
      resolve(msg);
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

function runOnWorker(worker: Worker, task: WorkerTask): Promise<number> {
  const reply = nextMessage<{ sse: number }>(worker);
  worker.postMessage(task);
  return reply.then((msg) => msg.sse);
}

/** count^-exponent per row, in shared memory (workers read it). */
function computeRegScales(counts: Int32Array, exponent: number, alloc: Allocator): Float32Array {
  const scales = alloc.f32(counts.length);
  for (let k = 0; k < counts.length; k++) scales[k] = counts[k]! > 0 ? counts[k]! ** -exponent : 1;
  return scales;
}

/** threads: 0 ("one per core") runs one thread on training sets smaller than this. */
export const THREADED_MIN_ROWS = 500_000;

export function resolveThreads(threads: number): number {
  return threads > 0 ? Math.floor(threads) : Math.max(1, availableParallelism());
}

export async function trainTables(data: TrainingData, options: Partial<TrainOptions> = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const asked: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const hybrid = hooks.hybrid ?? false;
  const started = performance.now();
  const { catalogue, ratings, splits } = data;
  const nItems = ratings.nItems;
  const n = countExplicitRows(data, splits.train);
  if (n === 0) throw new ModelFitError('no explicit ratings in the training split: the embedding model needs scores 1-10');
  const arenaBytes = estimateArenaBytes(n, countExplicitRows(data, splits.validation), data.nUsers, nItems, asked.dim);
  const wanted = resolveKernel(asked.kernel, hybrid, asked.dim, arenaBytes);
  // 'auto' falls back to the JS loops if the module cannot be built here (e.g. wabt missing); 'wasm' fails.
  const wasmModule = wanted === 'wasm'
    ? await compileKernelModule().catch((error: unknown) => { if (asked.kernel === 'wasm') throw error; return undefined; })
    : undefined;
  const kernel = wasmModule ? 'wasm' : 'js';
  // The options the model records: 'auto' resolved to the optimiser and the kernel that ran.
  const optimizer = resolveOptimizer(asked.optimizer, n);
  // 'auto' on a small set: Adam, and the small sets' penalty unless the caller set reg (TrainOptions.regSmall).
  const reg = options.reg === undefined && asked.optimizer === 'auto' && optimizer === 'adam' ? asked.regSmall : asked.reg;
  const opts: TrainOptions = { ...asked, optimizer, kernel, reg };
  // The wasm kernel addresses everything it touches inside one shared memory; the JS loops take a
  // SharedArrayBuffer per array.
  const arena = wasmModule ? createArena(arenaBytes) : undefined;
  const alloc: Allocator = arena ?? sharedAllocator;
  const rows = selectExplicitRows(data, splits.train, alloc);
  const validation = selectExplicitRows(data, splits.validation, arena ?? false);

  let lo = Infinity, hi = -Infinity, sum = 0;
  for (let k = 0; k < n; k++) {
    const s = rows.scores[k]!;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
    sum += s;
  }
  if (hi - lo < 1) { lo -= 0.5; hi += 0.5; } // one distinct score: still a usable scale
  const top = hi;
  hi += opts.topMargin;
  // Keep the mean strictly inside the sigmoid's range.
  const meanOnScale = Math.min(0.99, Math.max(0.01, (sum / n - lo) / (hi - lo)));
  const shape: ModelShape = {
    nUsers: data.nUsers, nItems, dim: opts.dim, hybrid,
    nGenres: hybrid ? catalogue.genreNames.length : 0,
    nTypes: hybrid ? catalogue.typeNames.length : 0,
    lo, hi, top, mu: Math.log(meanOnScale / (1 - meanOnScale)),
  };
  const features = buildItemFeatures(catalogue.genreIx, catalogue.typeIx, nItems);
  const tables = initTables(shape, opts.initScale, opts.seed, alloc);
  const opt = initOptimiserState(shape, opts.optimizer, alloc);
  const userCounts = new Int32Array(data.nUsers);
  const itemCounts = new Int32Array(nItems);
  for (let k = 0; k < n; k++) {
    userCounts[rows.users[k]!]!++;
    itemCounts[rows.items[k]!]!++;
  }
  const regScales: RegScales = { user: computeRegScales(userCounts, opts.regExponent, alloc), item: computeRegScales(itemCounts, opts.regExponent, alloc) };

  const perm = alloc.u32(n);
  for (let k = 0; k < n; k++) perm[k] = k;
  // Read by the main thread only: in the arena when the wasm kernel draws the orders, else local.
  const byUser = groupRowsByUser(rows, data.nUsers, arena ?? localAllocator);
  const orderSeed = opts.seed ^ 0x9e3779b9;
  const random = createRandom(orderSeed);
  const cfg: KernelConfig = {
    dim: opts.dim, hybrid, lo, span: hi - lo, top, mu: shape.mu, lr: opts.lr, reg: opts.reg, regBias: opts.regBias,
    regGenre: opts.regGenre, beta1: opts.beta1, beta2: opts.beta2,
  };
  const built = buildCorrection(opts.beta1, opts.beta2);
  const correction = arena ? arena.f32(built.length) : built;
  correction.set(built);
  const wasm = arena && wasmModule ? { module: wasmModule, memory: arena.memory, correction } : undefined;
  const wasmKernel = wasm ? instantiateKernel(wasm.module, wasm.memory) : undefined;
  wasmKernel?.seedOrder(orderSeed);
  const scratch = new Float32Array(scratchLength(opts.dim, shape.nGenres, shape.nTypes));
  // Asked-for threads are honoured; "one per core" stays on one thread below THREADED_MIN_ROWS, where
  // threads save under a second and a run then repeats exactly (the eval table on the real sample too).
  const threads = Math.min(resolveThreads(opts.threads), opts.threads > 0 ? n : n < THREADED_MIN_ROWS ? 1 : n);
  const workers: Worker[] = [];
  // Its own SharedArrayBuffer: every claim writes it, so it shares no cache line with the tables.
  const cursor = new Int32Array(new SharedArrayBuffer(64), 0, 1);
  const claimSize = chooseClaimSize(n, threads);
  for (let w = 1; w < threads; w++) workers.push(startWorker({ tables, opt, features, rows, regScales, perm, cfg, cursor, ...(wasm ? { wasm } : {}) }));

  const progress = createProgress(opts.epochs, hybrid ? 'hybrid' : 'embedding', hooks.quiet ?? false);
  const curve: EpochStats[] = [];
  let best: Tables | null = null;
  let bestEpoch = 0;
  let bestRmse = Infinity;
  let sinceBest = 0;
  let trainSeconds = 0;
  // The schedule's AdaGrad phase first; phaseEpochs counts this phase's epochs against opts.epochs.
  const twoPhase = opts.optimizer === 'rowAdagradThenAdam';
  let current: PhaseOptimizer = opts.optimizer === 'adam' ? 'adam' : 'rowAdagrad';
  let phaseEpochs = 0;
  const fixed = hooks.schedule;
  const phaseLimit = (): number => (fixed ? (fixed[twoPhase && current === 'adam' ? 1 : 0] ?? 0) : opts.epochs);
  // Epochs the AdaGrad phase ran, and the epoch it handed to Adam (its best), for TrainResult.schedule.
  let firstPhaseEpochs = 0;
  let handedOver = 0;
  const switchToAdam = (): void => {
    firstPhaseEpochs = curve.length;
    handedOver = bestEpoch > 0 ? bestEpoch : curve.length;
    current = 'adam';
  };
  try {
    // Each worker says when it can take claims. Loading one takes a second or two under tsx; epochs
    // started before would run on the main thread alone, and short runs would measure that.
    await Promise.all(workers.map((worker) => nextMessage(worker)));
    for (let epoch = 1; ; epoch++) {
      if (++phaseEpochs > phaseLimit()) {
        if (!twoPhase || current === 'adam') break;
        switchToAdam();
        phaseEpochs = 1;
        sinceBest = 0;
        if (best && bestEpoch < curve.length) restoreTables(tables, best);
        if (phaseEpochs > phaseLimit()) break;
      }
      const lr = twoPhase && current === 'rowAdagrad' ? opts.warmLr : opts.lr;
      const kernelCfg = lr === cfg.lr ? cfg : { ...cfg, lr };
      if (wasmKernel) wasmKernel.fillOrder(perm, opts.order, byUser);
      else fillEpochOrder(perm, opts.order, byUser, random);
      const t0 = performance.now();
      const runOwn = (from: number, to: number): number => wasmKernel
        ? wasmKernel.runSlice(current, tables, opt, rows, regScales, perm, from, to, kernelCfg, correction)
        : runSlice(current, tables, opt, features, rows, regScales, perm, from, to, kernelCfg, correction, scratch);
      Atomics.store(cursor, 0, 0);
      const pending = workers.map((worker) => runOnWorker(worker, { end: n, claimSize, lr, optimizer: current }));
      // One thread: the whole epoch in one pass (the same order either way; this keeps the loss sum's too).
      const own = threads === 1 ? runOwn(0, n) : claimSlices(cursor, n, claimSize, runOwn);
      const sse = own + (await Promise.all(pending)).reduce((a, b) => a + b, 0);
      trainSeconds += (performance.now() - t0) / 1000;

      // The validation pass runs between epochs on the main thread alone: in wasm it costs a few ms.
      const validationRmse = wasmKernel
        ? wasmKernel.computeRmse(tables, validation, cfg)
        : computeRmse(tables.P, tables.userBias, computeEffectiveItems(tables, shape, features), shape, validation.users, validation.items, validation.scores);
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
        if (!twoPhase || current === 'adam') break;
        // AdaGrad has stopped improving: fine-tune its best epoch with Adam.
        switchToAdam();
        phaseEpochs = 0;
        sinceBest = 0;
        if (best) restoreTables(tables, best);
      }
    }
  } finally {
    progress.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (best && bestEpoch < curve.length) restoreTables(tables, best);
  const epochsRun = curve.length;
  // Without validation every epoch is kept (bestEpoch is the last one).
  const schedule = !twoPhase ? [bestEpoch]
    : firstPhaseEpochs === 0 || bestEpoch <= firstPhaseEpochs ? [Math.min(bestEpoch, handedOver || bestEpoch), 0]
    : [handedOver, bestEpoch - firstPhaseEpochs];
  return {
    schedule,
    // Copied out of the arena, so the model does not pin the whole training memory.
    tables: arena ? copyTables(tables) : tables, shape, features, options: opts, curve, bestEpoch, bestValidationRmse: bestRmse,
    seconds: (performance.now() - started) / 1000, threads,
    updatesPerSecond: (n * epochsRun) / Math.max(1e-9, trainSeconds), trainRows: n, userCounts,
  };
}
