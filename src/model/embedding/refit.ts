/**
 * The refit after training: alternating sweeps that solve every user row, then every anime row, exactly
 * (Gauss-Newton through the sigmoid with the other side frozen: solveRow in foldIn.ts), starting from the
 * trained tables. Early-stopped SGD leaves each row short of its regularised optimum; the sweeps finish
 * the job (ALS-style), and users are pulled towards their taste prior (tastePrior.ts) instead of zero,
 * by the same rule fold-in applies to new people (solveUser), so known and new people are estimated alike.
 *
 * The prior is fitted once, on the trained users' vectors before the refit: refitting it after each
 * sweep fits vectors that were already pulled towards it, which feeds on itself (measured: validation
 * RMSE rose from the second sweep on). The sweep with the best validation RMSE is kept, and sweep 0
 * (no refit) counts: on the small real sample the refit does not help, and the trained tables stay.
 */
import type { Csr } from '../sparse.js';
import { BIAS_REG_SHARE, solveRow, solveUser, type UserPenalty } from './foldIn.js';
import type { FrozenSide } from './params.js';
import type { TrainRows } from './kernel.js';
import type { ModelShape, Tables } from './params.js';
import { computeRmse } from './scoring.js';
import { applyTastePrior, describeHistory, fitTastePrior, inputLength, zeroTastePrior, type TastePrior } from './tastePrior.js';

export interface RefitOptions {
  /** Most alternating sweeps (users, then anime). 0: no refit. */
  sweeps: number;
  /** Gauss-Newton steps per row per sweep (rows start from their last value, so few are needed). */
  steps: number;
  /** Users' penalty (see UserPenalty): also the fold-in's when the refit is kept. */
  user: UserPenalty;
  /** An anime's vector penalty is itemReg * sqrt(its scores) (its bias's a tenth of that, + itemFloor). */
  itemReg: number;
  /**
   * Added to an anime's bias penalty: without it an anime scored once or twice takes its bias from those
   * scores alone and tops every ranking. Measured on the synthetic set (the embedding alone, new people):
   * Hit@10 0.03 without it, 0.43 with 20 on the bias (RMSE 1.1801, as without); 20 on the vector too gave
   * Hit@10 0.44 but RMSE 1.1868.
   */
  itemFloor: number;
  /** Users with at least this many scores fit the taste prior. */
  priorMinRatings: number;
  /** The history length at which the taste prior counts half (TastePrior.shrink). */
  priorShrink: number;
  /**
   * Runs exactly this many sweeps and keeps them, without validation: the count a run with validation
   * kept (RefitResult.bestSweep), replayed when the served model is fitted on every row.
   */
  fixedSweeps?: number;
}

export interface RefitData {
  /** Explicit training ratings by user and by anime (scores 1-10). */
  byUser: Csr;
  byItem: Csr;
  /** Each user's history: every training row, watched (-1) included, by user. */
  history: Csr;
  validation: TrainRows;
}

export interface RefitResult {
  /** The taste prior to fold people in with (zero when the refit was not kept). */
  prior: TastePrior;
  /** Validation RMSE of the trained tables, then after each sweep run. */
  curve: number[];
  /** The sweep kept (0: the trained tables, unchanged). */
  bestSweep: number;
}

function snapshot(t: Tables): Float32Array[] {
  return [t.P.slice(), t.Q.slice(), t.userBias.slice(), t.itemBias.slice()];
}

function restore(t: Tables, s: Float32Array[]): void {
  t.P.set(s[0]!); t.Q.set(s[1]!); t.userBias.set(s[2]!); t.itemBias.set(s[3]!);
}

/** Per-user prior inputs (inputLength(dim) each) from their history against the current anime rows. */
function describeUsers(history: Csr, items: FrozenSide, dim: number): Float64Array {
  const nIn = inputLength(dim);
  const inputs = new Float64Array(history.nRows * nIn);
  for (let u = 0; u < history.nRows; u++) {
    describeHistory(items, dim, history.indices, history.indptr[u]!, history.indptr[u + 1]!, inputs.subarray(u * nIn, (u + 1) * nIn));
  }
  return inputs;
}

/** Refits the plain model's tables in place (never worse on validation than it found them). */
export function refitTables(
  tables: Tables, shape: ModelShape, data: RefitData, options: RefitOptions,
  onSweep?: (sweep: number, validationRmse: number, before: number, seconds: number) => void,
): RefitResult {
  const { dim } = shape;
  const { byUser, byItem, history, validation } = data;
  const items: FrozenSide = { factors: tables.Q, bias: tables.itemBias };
  const users: FrozenSide = { factors: tables.P, bias: tables.userBias };
  const rmse = (): number => computeRmse(tables.P, tables.userBias, items, shape, validation.users, validation.items, validation.scores);
  const fixed = options.fixedSweeps;
  const curve = [rmse()];
  const sweeps = fixed ?? options.sweeps;
  if (sweeps <= 0 || (fixed === undefined && validation.users.length === 0)) return { prior: zeroTastePrior(dim), curve, bestSweep: 0 };

  const nIn = inputLength(dim);
  const fitUsers: number[] = [];
  for (let u = 0; u < byUser.nRows; u++) if (byUser.indptr[u + 1]! - byUser.indptr[u]! >= options.priorMinRatings) fitUsers.push(u);
  let inputs = describeUsers(history, items, dim);
  const prior = fitTastePrior(inputs, tables.P, tables.userBias, dim, fitUsers, options.priorShrink);
  const x = new Float64Array(dim + 1);
  const priorMean = new Float64Array(dim + 1);
  const mean = new Float64Array(dim + 1);
  let best = snapshot(tables);
  let bestSweep = 0;
  for (let sweep = 1; sweep <= sweeps; sweep++) {
    const sweepStart = performance.now();
    if (sweep > 1) inputs = describeUsers(history, items, dim); // the anime rows moved in the last sweep
    for (let u = 0; u < byUser.nRows; u++) {
      const from = byUser.indptr[u]!, to = byUser.indptr[u + 1]!;
      if (to === from) continue;
      applyTastePrior(prior, inputs.subarray(u * nIn, (u + 1) * nIn), history.indptr[u + 1]! - history.indptr[u]!, priorMean);
      for (let d = 0; d < dim; d++) x[d] = tables.P[u * dim + d]!;
      x[dim] = tables.userBias[u]!;
      if (!solveUser(x, items, shape, byUser.indices, byUser.values, from, to, options.user, priorMean, options.steps, mean)) continue;
      for (let d = 0; d < dim; d++) tables.P[u * dim + d] = x[d]!;
      tables.userBias[u] = x[dim]!;
    }
    for (let i = 0; i < byItem.nRows; i++) {
      const from = byItem.indptr[i]!, to = byItem.indptr[i + 1]!;
      if (to === from) continue;
      for (let d = 0; d < dim; d++) x[d] = tables.Q[i * dim + d]!;
      x[dim] = tables.itemBias[i]!;
      const scaled = options.itemReg * Math.sqrt(to - from);
      const reg = { penalty: scaled, biasPenalty: scaled * BIAS_REG_SHARE + options.itemFloor };
      if (!solveRow(x, users, shape, byItem.indices, byItem.values, from, to, reg, options.steps)) continue;
      for (let d = 0; d < dim; d++) tables.Q[i * dim + d] = x[d]!;
      tables.itemBias[i] = x[dim]!;
    }
    const v = rmse();
    const before = Math.min(...curve);
    const improved = fixed !== undefined || v < before;
    curve.push(v);
    onSweep?.(sweep, v, before, (performance.now() - sweepStart) / 1000);
    if (improved) {
      best = snapshot(tables);
      bestSweep = sweep;
    } else {
      break; // each sweep starts from the last: once one fails to help, the next will not either
    }
  }
  restore(tables, best);
  return { prior: bestSweep > 0 ? prior : zeroTastePrior(dim), curve, bestSweep };
}
