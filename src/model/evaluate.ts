/**
 * The evaluation table: every model fitted on the same splits, then judged two ways.
 * - Known users: rating error on splits.test (MSE, RMSE, MAE, R²).
 * - New people: each held-out user is folded in from their splits.profile rows; the whole catalogue is
 *   ranked by scoreItems with the profile's anime excluded; the top k is judged against their
 *   splits.target anime rated `relevantMin` or more (users with no such target are skipped and counted).
 *   Hit@k, Recall@k and NDCG@k are averaged; coverage is the share of the catalogue in anyone's top k.
 *   Their target ratings also give a new-people RMSE through predictFolded.
 * A model that cannot do a metric (ModelFitError) gets null there and the reason in notApplicable.
 */
import { makeSplits } from '../data/splits.js';
import type { Dataset, Splits } from '../data/types.js';
import { isAnirecError } from '../errors.js';
import { judgedPeople, RankingTally } from './hitAtK.js';
import { catalogueCoverage, mae, mse, r2, rmse } from './metrics.js';
import type { FitReport, Recommender, TrainingData } from './types.js';
import { MODEL_NAMES, createModel } from './registry.js';

export interface EvalOptions {
  /** Length of the recommended list. Default 10. */
  k?: number;
  /** A target counts as relevant when rated at least this. Default 8. */
  relevantMin?: number;
  /** Judge at most this many held-out users (the first ones by userIx); default all. */
  maxHeldOutUsers?: number;
  log?: (line: string) => void;
}

export interface EvalRow {
  model: string;
  rmse: number | null;
  mae: number | null;
  mse: number | null;
  r2: number | null;
  /** Hit@k, Recall@k, NDCG@k of new people, k = `k`. */
  hit: number | null;
  recall: number | null;
  ndcg: number | null;
  coverage: number | null;
  /** RMSE on new people's target ratings after fold-in. */
  newPeopleRmse: number | null;
  k: number;
  trainSeconds: number;
  evalSeconds: number;
  testRatings: number;
  rankedUsers: number;
  /** Held-out users with no target rated relevantMin or more. */
  skippedUsers: number;
  /** Ranked users whose fold-in reported a fallback. */
  fallbackUsers: number;
  /** Metric -> why it is n/a. */
  notApplicable: Record<string, string>;
  report: FitReport;
}

function reasonOf(error: unknown): string {
  if (isAnirecError(error)) return error.message;
  throw error;
}

/** Fits model on data.splits.train and measures it; see the module comment for what is measured. */
export async function evaluateModel(model: Recommender, data: TrainingData, options: EvalOptions = {}): Promise<EvalRow> {
  const k = options.k ?? 10;
  const relevantMin = options.relevantMin ?? 8;
  const { ratings, splits } = data;
  const notApplicable: Record<string, string> = {};
  const fitStart = performance.now();
  const report = await model.fit(data);
  // A model that reused work fitted earlier on the same split reports the full cost in report.seconds.
  const trainSeconds = Math.max((performance.now() - fitStart) / 1000, report.seconds);
  const evalStart = performance.now();

  // Known users' held-out ratings, in user order (neighbourhood models cache per user).
  const test = Array.from(splits.test).filter((r) => ratings.score[r]! > 0);
  test.sort((a, b) => ratings.userIx[a]! - ratings.userIx[b]! || a - b);
  const truth = new Float32Array(test.length);
  const prediction = new Float32Array(test.length);
  let ratingMetrics: { rmse: number; mae: number; mse: number; r2: number } | null = null;
  try {
    test.forEach((r, t) => {
      truth[t] = ratings.score[r]!;
      prediction[t] = model.predict(ratings.userIx[r]!, ratings.itemIx[r]!);
    });
    ratingMetrics = test.length > 0
      ? { rmse: rmse(prediction, truth), mae: mae(prediction, truth), mse: mse(prediction, truth), r2: r2(prediction, truth) }
      : null;
    if (!ratingMetrics) for (const m of ['rmse', 'mae', 'mse', 'r2']) notApplicable[m] = 'no test ratings';
  } catch (error) {
    const reason = reasonOf(error);
    for (const m of ['rmse', 'mae', 'mse', 'r2']) notApplicable[m] = reason;
  }

  // New people.
  let users = splits.heldOutUsers;
  if (options.maxHeldOutUsers !== undefined && users.length > options.maxHeldOutUsers) users = users.slice(0, options.maxHeldOutUsers);
  const people = judgedPeople(ratings, splits.profile, splits.target, users, relevantMin);
  const scores = new Float32Array(ratings.nItems);
  const tally = new RankingTally(k, true);
  let skipped = 0;
  let fallbacks = 0;
  let rankReason: string | undefined;
  let predictReason: string | undefined;
  let sse = 0;
  let nTarget = 0;
  for (const { profile, targetRows, relevant } of people) {
    let folded;
    try {
      folded = model.foldIn(profile);
    } catch (error) {
      rankReason ??= reasonOf(error);
      predictReason ??= rankReason;
      break;
    }
    if (predictReason === undefined) {
      try {
        for (const r of targetRows) {
          const s = ratings.score[r]!;
          if (s <= 0) continue;
          sse += (model.predictFolded(folded, ratings.itemIx[r]!) - s) ** 2;
          nTarget++;
        }
      } catch (error) {
        predictReason = reasonOf(error);
      }
    }
    if (relevant.size === 0) {
      skipped++;
      continue;
    }
    if (rankReason !== undefined) continue;
    try {
      model.scoreItems(folded, scores);
    } catch (error) {
      rankReason = reasonOf(error);
      continue;
    }
    if (folded.fallback) fallbacks++;
    tally.rank(scores, profile.itemIx, relevant);
  }
  const { lists } = tally;
  const ranked = lists.length;
  if (rankReason !== undefined) for (const m of ['hit', 'recall', 'ndcg', 'coverage']) notApplicable[m] = rankReason;
  else if (ranked === 0) for (const m of ['hit', 'recall', 'ndcg', 'coverage']) notApplicable[m] = 'no held-out user with a relevant target';
  if (predictReason !== undefined) notApplicable.newPeopleRmse = predictReason;
  const rankOk = rankReason === undefined && ranked > 0;
  options.log?.(`eval: ${model.name} fitted in ${trainSeconds.toFixed(1)} s, judged in ${((performance.now() - evalStart) / 1000).toFixed(1)} s`);
  return {
    model: model.name,
    rmse: ratingMetrics?.rmse ?? null,
    mae: ratingMetrics?.mae ?? null,
    mse: ratingMetrics?.mse ?? null,
    r2: ratingMetrics?.r2 ?? null,
    hit: rankOk ? tally.hits / ranked : null,
    recall: rankOk ? tally.recall / ranked : null,
    ndcg: rankOk ? tally.ndcg / ranked : null,
    coverage: rankOk ? catalogueCoverage(lists, ratings.nItems) : null,
    newPeopleRmse: predictReason === undefined && nTarget > 0 ? Math.sqrt(sse / nTarget) : null,
    k,
    trainSeconds,
    evalSeconds: (performance.now() - evalStart) / 1000,
    testRatings: test.length,
    rankedUsers: rankOk ? ranked : 0,
    skippedUsers: skipped,
    fallbackUsers: rankOk ? fallbacks : 0,
    notApplicable,
    report,
  };
}

export interface EvaluateAllOptions extends EvalOptions {
  /** Split seed (default 42, the one `anirec train` uses). */
  seed?: number;
  /** Use these splits instead of making them. */
  splits?: Splits;
  /** Told about each row as soon as it is ready. */
  onRow?: (row: EvalRow) => void;
}

export interface EvalTable {
  dataDir: string;
  seed: number;
  split: { train: number; validation: number; test: number; heldOutUsers: number; profile: number; target: number };
  rows: EvalRow[];
  /** Models that could not be fitted or created (module missing...), with the reason. */
  skipped: { model: string; reason: string }[];
}

/** Fits and judges every named model (default: all registered) on one split of the dataset. */
export async function evaluateAll(dataset: Dataset, names: readonly string[] = MODEL_NAMES, options: EvaluateAllOptions = {}): Promise<EvalTable> {
  const seed = options.seed ?? 42;
  const splits = options.splits ?? makeSplits(dataset.ratings, { seed });
  const data: TrainingData = { catalogue: dataset.catalogue, ratings: dataset.ratings, splits, nUsers: dataset.ratings.userIds.length };
  const rows: EvalRow[] = [];
  const skipped: { model: string; reason: string }[] = [];
  for (const name of names) {
    let row: EvalRow;
    try {
      const model = await createModel(name);
      row = await evaluateModel(model, data, options);
    } catch (error) {
      // One broken model must not sink the table: it is listed as skipped with what went wrong.
      const reason = isAnirecError(error) ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`;
      options.log?.(`eval: ${name} skipped: ${reason}`);
      skipped.push({ model: name, reason });
      continue;
    }
    rows.push(row);
    options.onRow?.(row);
  }
  return {
    dataDir: dataset.dir,
    seed: splits.seed,
    split: {
      train: splits.train.length,
      validation: splits.validation.length,
      test: splits.test.length,
      heldOutUsers: splits.heldOutUsers.length,
      profile: splits.profile.length,
      target: splits.target.length,
    },
    rows,
    skipped,
  };
}
