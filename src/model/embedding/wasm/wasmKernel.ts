/**
 * The wasm kernel's JS face: instantiates the compiled module over the arena's memory and runs one
 * optimiser's loop over perm[start..end), like runSlice in ../kernel.ts for the plain model. Every
 * array passed must be a view into that memory (allocated from the arena): the kernel is given their
 * byte offsets.
 */
import { InvalidOptionError } from '../../../errors.js';
import type { KernelConfig, RegScales, TrainRows } from '../kernel.js';
import type { EpochOrder, Kernel, PhaseOptimizer } from '../options.js';
import type { OptimiserState, Tables } from '../params.js';
import { getWasmApi, isWasmSimdAvailable, MAX_PAGES, PAGE_BYTES, type WasmMemory, type WasmModule } from './runtime.js';

/** Both exports take byte offsets, counts and scalars, and return the slice's sum of squared errors. */
type SliceExport = (...args: number[]) => number;

export interface WasmKernel {
  /** Sum of squared errors over the slice, before each update. */
  runSlice(
    optimizer: PhaseOptimizer, tables: Tables, opt: OptimiserState, rows: TrainRows, regScales: RegScales, perm: Uint32Array,
    start: number, end: number, cfg: KernelConfig, correction: Float32Array,
  ): number;
  /** RMSE of the plain model on the rows (NaN for none): computeRmse of ../scoring.ts, in wasm. */
  computeRmse(tables: Tables, rows: TrainRows, cfg: KernelConfig): number;
  /** Seeds the epoch orders' PRNG (mulberry32, as createRandom(seed)). */
  seedOrder(seed: number): void;
  /** The epoch's order into perm, draw for draw as the JS trainer's (see fillEpochOrder in ../trainer.ts). */
  fillOrder(perm: Uint32Array, order: EpochOrder, byUser: UserGroups): void;
}

/** Training rows grouped by user: users with rows, and rows[start[u]..start[u+1]) per user. */
export interface UserGroups {
  users: Uint32Array;
  start: Uint32Array;
  rows: Uint32Array;
}

/** Whether the wasm kernel can run this model: the plain model, with rows a whole number of f32x4 lanes. */
export function fitsWasmKernel(hybrid: boolean, dim: number): boolean {
  return !hybrid && dim > 0 && dim % 4 === 0;
}

/**
 * Bytes the arena holds for a run (training and validation rows, the epoch order and the rows grouped
 * by user it is drawn from, tables, both optimisers' state, per-row reg scales, Adam's correction
 * table), with room for alignment: sizes the memory up front (it grows if this falls short).
 */
export function estimateArenaBytes(trainRows: number, validationRows: number, nUsers: number, nItems: number, dim: number): number {
  const rowsBytes = trainRows * 20 + validationRows * 12;
  const perRow = (dim + 1) * 4 + 2 * 4 + (2 * dim + 3) * 4 + 4;
  return rowsBytes + (nUsers + nItems) * perRow + nUsers * 8 + 16_385 * 4 + 64 * 64;
}

/**
 * The kernel a run uses: 'auto' is wasm when the runtime has SIMD and shared memory, the model is plain
 * with dim % 4 === 0, and the tables fit a 4 GiB memory; else js. 'wasm' where it cannot run is an error.
 */
export function resolveKernel(kernel: Kernel, hybrid: boolean, dim: number, arenaBytes: number): Exclude<Kernel, 'auto'> {
  if (kernel === 'js') return 'js';
  const problem = !isWasmSimdAvailable() ? 'this runtime has no WebAssembly SIMD with shared memory'
    : hybrid ? 'it runs the plain model only, not the hybrid'
    : !fitsWasmKernel(hybrid, dim) ? `it needs dim to be a multiple of 4 (got ${dim})`
    : arenaBytes > (MAX_PAGES - 16) * PAGE_BYTES ? 'the tables do not fit its 4 GiB memory'
    : undefined;
  if (problem === undefined) return 'wasm';
  if (kernel === 'wasm') throw new InvalidOptionError('kernel', `wasm cannot run here: ${problem}; use 'auto' or 'js'`);
  return 'js';
}

/** Ratings per call into wasm (about 5 ms of work). */
const CALL_CHUNK = 1 << 16;

export function instantiateKernel(module: WasmModule, memory: WasmMemory): WasmKernel {
  const { exports } = new (getWasmApi().Instance)(module, { env: { memory } });
  const rowAdagrad = exports.rowAdagrad as SliceExport;
  const adam = exports.adam as SliceExport;
  const sse = exports.sse as SliceExport;
  const seedOrder = exports.seedOrder as (seed: number) => void;
  const fillRatingOrder = exports.fillRatingOrder as (perm: number, n: number) => void;
  const fillUserOrder = exports.fillUserOrder as (perm: number, users: number, nUsers: number, start: number, rows: number) => void;
  return {
    seedOrder,
    fillOrder(perm, order, byUser) {
      if (order === 'ratings') fillRatingOrder(perm.byteOffset, perm.length);
      else fillUserOrder(perm.byteOffset, byUser.users.byteOffset, byUser.users.length, byUser.start.byteOffset, byUser.rows.byteOffset);
    },
    computeRmse(tables, rows, cfg) {
      const n = rows.users.length;
      if (n === 0) return NaN;
      let sum = 0;
      for (let from = 0; from < n; from += CALL_CHUNK) {
        sum += sse(
          rows.users.byteOffset, rows.items.byteOffset, rows.scores.byteOffset,
          tables.P.byteOffset, tables.Q.byteOffset, tables.userBias.byteOffset, tables.itemBias.byteOffset,
          from, Math.min(n, from + CALL_CHUNK), cfg.dim, cfg.lo, cfg.span, cfg.top, cfg.mu,
        );
      }
      return Math.sqrt(sum / n);
    },
    runSlice(optimizer, tables, opt, rows, regScales, perm, start, end, cfg, correction) {
      // A programming error, not a user's: resolveKernel keeps these models on the JS loops.
      if (!fitsWasmKernel(cfg.hybrid, cfg.dim)) throw new Error(`the wasm kernel runs the plain model with dim % 4 === 0 (got dim ${cfg.dim}${cfg.hybrid ? ', hybrid' : ''})`);
      const head = [
        perm.byteOffset, rows.users.byteOffset, rows.items.byteOffset, rows.scores.byteOffset,
        tables.P.byteOffset, tables.Q.byteOffset, tables.userBias.byteOffset, tables.itemBias.byteOffset,
      ];
      const scalars = [cfg.lo, cfg.span, cfg.mu, cfg.lr, cfg.reg, cfg.regBias];
      const run = optimizer === 'rowAdagrad'
        ? (from: number, to: number): number => rowAdagrad(
          ...head, opt.gP.byteOffset, opt.gQ.byteOffset, opt.gUB.byteOffset, opt.gIB.byteOffset,
          regScales.user.byteOffset, regScales.item.byteOffset, from, to, cfg.dim, ...scalars,
        )
        : (from: number, to: number): number => adam(
          ...head,
          opt.mP.byteOffset, opt.vP.byteOffset, opt.mQ.byteOffset, opt.vQ.byteOffset,
          opt.mUB.byteOffset, opt.vUB.byteOffset, opt.mIB.byteOffset, opt.vIB.byteOffset,
          opt.stepsU.byteOffset, opt.stepsI.byteOffset, correction.byteOffset, correction.length - 1,
          regScales.user.byteOffset, regScales.item.byteOffset, from, to, cfg.dim, ...scalars, cfg.beta1, cfg.beta2,
        );
      // In chunks: V8 first runs wasm from its baseline compiler and swaps in the optimised code only
      // between calls, so one call per slice would run a whole first epoch at about half speed.
      let sse = 0;
      for (let from = start; from < end; from += CALL_CHUNK) sse += run(from, Math.min(end, from + CALL_CHUNK));
      return sse;
    },
  };
}
