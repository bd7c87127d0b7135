/**
 * `anirec eval --holdout P`: the check a user can run on their own folder. A seeded random P% of known
 * users' explicit rows is taken out of the data before anything else sees it; the served pipeline runs on
 * the rest exactly as `anirec train` runs it (selection on splits, then the fit on every row, saved to a
 * model folder and loaded back), and its predictions for the removed rows are scored beside peers fitted on
 * the same rest. Nothing chosen here looks at the removed rows: they are scored once, at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSplits } from '../data/splits.js';
import { WATCHED, type Dataset, type Ratings } from '../data/types.js';
import { InvalidOptionError, isAnirecError } from '../errors.js';
import { createRandom, shuffleInPlace } from '../random.js';
import { allRowsSplits, subsetRows, loadAnirecModel, saveAnirecModel, trainAnirecModel, DEFAULT_SPLIT_SEED, type TrainAnirecOptions } from './anirecModel.js';
import { mae, rmse } from './metrics.js';
import type { TrainingData } from './types.js';
import { MODEL_NAMES, createModel } from './registry.js';

/**
 * The peers of the holdout table, in this order, where the registry has them: biases only, item-kNN on
 * baseline residuals (Surprise's KNNBaseline), Funk SVD and SVD++ (Surprise's SVD, SVDpp), LIBMF, and the
 * Gibbs-sampled Bayesian factor model (bayes/), which chooses its burn-in on the same validation tenth.
 */
export const HOLDOUT_PEERS = ['global-mean', 'baseline', 'knn-baseline', 'item-knn', 'funk-svd', 'svdpp', 'libmf', 'bayes'] as const;

/**
 * Peers with fixed settings (Surprise's defaults) need no validation rows: they are fitted on every row of
 * the rest. The others choose settings (or stop early) on a validation tenth of it.
 */
const FIXED_SETTINGS = new Set(['global-mean', 'funk-svd', 'svdpp', 'knn-baseline']);

/** Below this many explicit rows left after the holdout, no split can choose anything. */
export const HOLDOUT_MIN_ROWS = 200;

export interface HoldoutOptions {
  /** Percent of known users' explicit rows to remove, strictly between 0 and 100. */
  percent: number;
  /** Seed of the removal (the model's own seeds are its defaults). */
  seed?: number;
  /** Peer names (default: HOLDOUT_PEERS present in the registry). */
  peers?: readonly string[];
  /** What `anirec train` would be given (threads, seed...). */
  train?: Omit<TrainAnirecOptions, 'log' | 'quiet' | 'splits' | 'fitOnAllRows'>;
  log?: (line: string) => void;
}

export interface HoldoutRow {
  model: string;
  rmse: number | null;
  mae: number | null;
  trainSeconds: number;
  /** Why the model could not be scored, when it could not. */
  skipped?: string;
  /** RMSE on the removed rows of users the served model's selection split holds out whole, and of the others. */
  groups?: { heldOutUsers: number | null; others: number | null };
}

export interface HoldoutTable {
  dataDir: string;
  percent: number;
  seed: number;
  removedRows: number;
  restRows: number;
  rows: HoldoutRow[];
  /**
   * The served model on the removed rows of users that the selection splits hold out whole (never trained
   * on before the full fit) against everyone else's: the full fit serves both from their own rows.
   */
  servedSplit: { heldOutUsers: { rows: number; rmse: number | null }; others: { rows: number; rmse: number | null } };
}

export interface Holdout {
  /** The data without the removed rows (same user and anime indices as the original). */
  rest: Ratings;
  /** Row numbers of the original ratings that were removed. */
  removed: Uint32Array;
}

/** A one-line error for a --holdout value that is not a share strictly between 0 and 100. */
export function checkHoldoutPercent(percent: number): number {
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
    throw new InvalidOptionError('--holdout', `${percent} is not a percentage strictly between 0 and 100`);
  }
  return percent;
}

/**
 * Removes a seeded random `percent`% of the explicit rows, never a user's last explicit one (a user whose
 * every score was removed would be judged on nothing of their own). Watched rows all stay.
 */
export function removeHoldout(ratings: Ratings, percent: number, seed: number): Holdout {
  checkHoldoutPercent(percent);
  const explicitRows: number[] = [];
  const left = new Int32Array(ratings.userIds.length);
  for (let r = 0; r < ratings.count; r++) {
    if (ratings.score[r] === WATCHED) continue;
    explicitRows.push(r);
    left[ratings.userIx[r]!]!++;
  }
  const order = shuffleInPlace(Uint32Array.from(explicitRows), createRandom(seed));
  const wanted = Math.round((percent / 100) * explicitRows.length);
  const removedMark = new Uint8Array(ratings.count);
  let removed = 0;
  for (let k = 0; k < order.length && removed < wanted; k++) {
    const r = order[k]!;
    const u = ratings.userIx[r]!;
    if (left[u]! <= 1) continue;
    left[u]!--;
    removedMark[r] = 1;
    removed++;
  }
  const removedRows = new Uint32Array(removed);
  const keep = new Uint32Array(ratings.count - removed);
  let a = 0, b = 0;
  for (let r = 0; r < ratings.count; r++) {
    if (removedMark[r] === 1) removedRows[a++] = r;
    else keep[b++] = r;
  }
  return { rest: subsetRows(ratings, keep), removed: removedRows };
}

function score(predictions: Float32Array, truth: Float32Array): { rmse: number | null; mae: number | null } {
  return predictions.length > 0 ? { rmse: rmse(predictions, truth), mae: mae(predictions, truth) } : { rmse: null, mae: null };
}

export async function evaluateHoldout(dataset: Dataset, options: HoldoutOptions): Promise<HoldoutTable> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const { ratings, catalogue } = dataset;
  const { rest, removed } = removeHoldout(ratings, options.percent, seed);
  let restExplicit = 0;
  for (let r = 0; r < rest.count; r++) if (rest.score[r] !== WATCHED) restExplicit++;
  if (removed.length === 0 || restExplicit < HOLDOUT_MIN_ROWS) {
    throw new InvalidOptionError('--holdout', `the folder is too small to hold out ${options.percent}%: ${removed.length} rows removed, ${restExplicit} explicit rows left (at least ${HOLDOUT_MIN_ROWS} needed)`);
  }
  const truth = Float32Array.from(removed, (r) => ratings.score[r]!);
  const restDataset: Dataset = { ...dataset, ratings: rest, fingerprint: `${dataset.fingerprint} minus ${options.percent}% (seed ${seed})` };
  log(`holdout: ${removed.length.toLocaleString('en')} explicit rows removed, ${rest.count.toLocaleString('en')} rows left`);
  const rows: HoldoutRow[] = [];
  // The users the served model's selection split holds out whole (trained on only in the full fit).
  const heldOut = new Set(makeSplits(rest, { seed: DEFAULT_SPLIT_SEED }).heldOutUsers);
  const inHeldOut = Uint8Array.from(removed, (r) => (heldOut.has(ratings.userIx[r]!) ? 1 : 0));
  const groupOf = (predictions: Float32Array, inside: boolean) => {
    const idx = [...inHeldOut.keys()].filter((k) => (inHeldOut[k] === 1) === inside);
    return { rows: idx.length, rmse: score(Float32Array.from(idx, (k) => predictions[k]!), Float32Array.from(idx, (k) => truth[k]!)).rmse };
  };
  const groups = (predictions: Float32Array) => ({ heldOutUsers: groupOf(predictions, true).rmse, others: groupOf(predictions, false).rmse });

  // Ours, the way a user gets it: train (selection + full fit), save, load, predict by MyAnimeList ids.
  const t0 = performance.now();
  const ours = await predictServed(restDataset, ratings, removed, options.train ?? {}, log);
  rows.push({ model: 'anirec', ...score(ours, truth), trainSeconds: (performance.now() - t0) / 1000, groups: groups(ours) });
  log(`holdout: anirec ${rows[0]!.rmse?.toFixed(4)} (${rows[0]!.trainSeconds.toFixed(1)} s)`);

  const servedSplit = { heldOutUsers: groupOf(ours, true), others: groupOf(ours, false) };

  const peers = options.peers ?? HOLDOUT_PEERS.filter((name) => MODEL_NAMES.includes(name));
  const tuneSplits = makeSplits(rest, { seed, testShare: 0, heldOutUserShare: 0, validationShare: 0.1 });
  const everyRow = allRowsSplits(rest, seed);
  for (const name of peers) {
    const started = performance.now();
    try {
      const model = await createModel(name);
      const data: TrainingData = { catalogue, ratings: rest, splits: FIXED_SETTINGS.has(name) ? everyRow : tuneSplits, nUsers: rest.userIds.length };
      await model.fit(data);
      const predictions = Float32Array.from(removed, (r) => model.predict(ratings.userIx[r]!, ratings.itemIx[r]!));
      rows.push({ model: name, ...score(predictions, truth), trainSeconds: (performance.now() - started) / 1000, groups: groups(predictions) });
    } catch (error) {
      if (!isAnirecError(error)) throw error;
      rows.push({ model: name, rmse: null, mae: null, trainSeconds: (performance.now() - started) / 1000, skipped: error.message });
    }
    const row = rows[rows.length - 1]!;
    log(`holdout: ${name} ${row.rmse?.toFixed(4) ?? `skipped (${row.skipped})`} (${row.trainSeconds.toFixed(1)} s)`);
  }
  return { dataDir: dataset.dir, percent: options.percent, seed, removedRows: removed.length, restRows: rest.count, rows, servedSplit };
}

/**
 * What a user of `anirec train` + `anirec predict` gets for the removed rows: the model trained on the rest
 * (selection, then the fit on every row), saved to a folder, loaded back, asked by MyAnimeList ids.
 */
export async function predictServed(
  restDataset: Dataset, original: Ratings, removed: Uint32Array, train: HoldoutOptions['train'] & object, log: (line: string) => void = () => {},
): Promise<Float32Array> {
  const trained = await trainAnirecModel(restDataset, { ...train, quiet: true });
  // Which explicit model validation chose, and on what (the removed rows chose nothing).
  const m = trained.info.metrics;
  const tried = Object.keys(m).filter((key) => key.endsWith('ValidationRmse')).map((key) => `${key.replace('ValidationRmse', '')} ${m[key]}`);
  log(`holdout: anirec serves the ${trained.info.explicitModel} model (validation RMSE ${tried.join(', ')})`);
  const dir = await mkdtemp(join(tmpdir(), 'anirec-holdout-'));
  try {
    await saveAnirecModel(trained, dir);
    const served = await loadAnirecModel(dir);
    const { catalogue } = restDataset;
    return Float32Array.from(removed, (r) => served.predictByIds(original.userIds[original.userIx[r]!]!, catalogue.anime[original.itemIx[r]!]!.animeId));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The holdout table as text: one row per model, then the served model's two groups of users. */
export function formatHoldoutTable(table: HoldoutTable): string {
  const num = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));
  const header = ['model', 'RMSE', 'MAE', 'held-out users', 'other users', 'train s'];
  const body = table.rows.map((r) => [r.model, num(r.rmse), num(r.mae), num(r.groups?.heldOutUsers ?? null), num(r.groups?.others ?? null), r.trainSeconds.toFixed(1)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const { heldOutUsers: h, others: o } = table.servedSplit;
  return [
    `data ${table.dataDir}: ${table.removedRows} explicit rows (${table.percent}%, seed ${table.seed}) removed before training; every model fitted on the other ${table.restRows} rows`,
    '',
    line(header),
    `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`,
    ...body.map(line),
    '',
    `"held-out users": the removed rows of the users anirec's selection split holds out whole (${h.rows} rows; the full fit trains them too); "other users": the rest (${o.rows} rows)`,
    ...table.rows.filter((r) => r.skipped).map((r) => `  ${r.model}: skipped: ${r.skipped}`),
  ].join('\n') + '\n';
}
