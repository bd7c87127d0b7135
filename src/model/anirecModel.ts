/**
 * The model the bot, the CLI and the eval table serve: train, save, load. The composite itself
 * (ranking, fold-in, explain, similar) is in anirecComposite.ts; the folder format in modelFolder.ts.
 */
import { makeSplits } from '../data/splits.js';
import { WATCHED, type Dataset, type Ratings, type Splits } from '../data/types.js';
import { AnirecComposite, DEFAULT_BLEND } from './anirecComposite.js';
import { BayesExplicit, BayesModel, type BayesOptions } from './bayes/index.js';
import type { ExplicitKind, ExplicitPart } from './composite/explicitPart.js';
import { EmbeddingModel, trainEmbedding } from './embedding/index.js';
import type { FitSchedule, TrainOptions } from './embedding/index.js';
import { ImplicitModel, type ImplicitOptions } from './implicit/index.js';
import { fitEase, type EaseOptions, type EaseState } from './itemItem/index.js';
import type { TrainingData } from './types.js';
import { tuneBlend } from './tuneBlend.js';
import { rmseOnRows } from './metrics.js';

export { AnirecComposite, type AnirecModel, type AnirecUser, type ModelInfo, type BlendParams } from './anirecComposite.js';
export { saveAnirecModel, loadAnirecModel, MODEL_MISSING_COMMAND } from './modelFolder.js';

/** Seed of the split used when the caller passes none (the same one `anirec eval` uses by default). */
export const DEFAULT_SPLIT_SEED = 42;

export interface TrainAnirecOptions {
  splits?: Splits;
  explicit?: Partial<TrainOptions>;
  implicit?: Partial<ImplicitOptions>;
  /**
   * Which explicit models to try; the lowest validation RMSE wins. Default: see defaultExplicitKinds
   * (every kind on small sets; the hybrid and the Bayesian model drop out above their row limits).
   */
  explicitKinds?: ExplicitKind[];
  /** The Bayesian model's options (defaults in bayes/options.ts); its threads default to explicit.threads. */
  bayes?: Partial<BayesOptions>;
  /** Fixes beta instead of tuning it on validation users. */
  beta?: number;
  /**
   * The item-item (EASE) part of the ranking: its options (defaults in itemItem/ease.ts), or false for a
   * model without one (ranked by WRMF alone, as before issue #18).
   */
  ease?: Partial<EaseOptions> | false;
  /** Share of EASE in the watch preference (default DEFAULT_BLEND.easeWeight, chosen on validation people). */
  easeWeight?: number;
  /**
   * Replay the chosen settings on every row once selection is done (what `anirec train` saves). Default:
   * true when no splits are given; `anirec eval`, which judges the split model on its test rows, passes
   * splits and gets the model fitted on splits.train.
   */
  fitOnAllRows?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** RMSE of a model's predictions over the given rows (explicit rows only). */
export function computeRmse(model: { predict(userIx: number, itemIx: number): number }, ratings: Ratings, rows: Uint32Array): number {
  return rmseOnRows((u, i) => model.predict(u, i), ratings, rows);
}

function countItems(ratings: Ratings, rows: Uint32Array) {
  const popularity = new Float32Array(ratings.nItems);
  const ratingCount = new Float32Array(ratings.nItems);
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    const ix = ratings.itemIx[row]!;
    popularity[ix]!++;
    const s = ratings.score[row]!;
    if (s === WATCHED) continue;
    ratingCount[ix]!++;
    sum += s;
    n++;
  }
  return { popularity, ratingCount, globalMean: n > 0 ? sum / n : 5.5 };
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/**
 * Above this many explicit training ratings the hybrid is not tried by default: its genre layer is what
 * helps anime with few ratings, and with millions of ratings it gained at most 0.002 RMSE on the
 * synthetic set while training about 5x slower (90-100 s vs 20 s), which would break the 2-minute
 * default training budget. `anirec eval` still compares both at every size.
 */
export const HYBRID_MAX_ROWS = 1_000_000;

/**
 * Above this many explicit training ratings the Bayesian model is not tried by default: its chain (a
 * selection run, then the replay on every row) would break the training budget. See docs/model-bayes.md.
 */
export const BAYES_MAX_ROWS = 1_000_000;

export function defaultExplicitKinds(ratings: Ratings, rows: Uint32Array): ExplicitKind[] {
  let explicitRows = 0;
  for (const row of rows) if (ratings.score[row]! !== WATCHED) explicitRows++;
  const kinds: ExplicitKind[] = explicitRows < HYBRID_MAX_ROWS ? ['embedding', 'hybrid'] : ['embedding'];
  if (explicitRows < BAYES_MAX_ROWS) kinds.push('bayes');
  return kinds;
}

/** The Bayesian model's options as anirec train runs it: served from its posterior-mean tables. */
function bayesOptions(options: Pick<TrainAnirecOptions, 'explicit' | 'bayes' | 'quiet'>, log: (line: string) => void): Partial<BayesOptions> {
  const threads = options.bayes?.threads ?? options.explicit?.threads;
  return {
    ...options.bayes,
    serve: 'mean',
    ...(threads !== undefined ? { threads } : {}),
    ...(options.quiet ? {} : { log }),
  };
}

/**
 * The Bayesian model fitted on data.splits.train. With validation rows it chooses its schedule there and
 * is not refitted on them (refitWithValidation off), so its validation RMSE is judged like the embedding's.
 */
async function fitBayes(data: TrainingData, options: Partial<BayesOptions>): Promise<BayesExplicit> {
  const model = new BayesModel({ ...options, refitWithValidation: false });
  await model.fit(data);
  return new BayesExplicit(model);
}

function explicitOptions(explicit: ExplicitPart): unknown {
  if (explicit instanceof BayesExplicit) {
    const { log: _log, ...options } = explicit.model.options;
    return options;
  }
  return (explicit as EmbeddingModel).modelState.options;
}

/** Trains each explicit kind on data.splits.train; the lowest validation RMSE wins. */
export async function chooseExplicit(
  data: TrainingData, options: Pick<TrainAnirecOptions, 'explicit' | 'explicitKinds' | 'bayes' | 'quiet'>, log: (line: string) => void = () => {},
): Promise<{ explicit: ExplicitPart; explicitRmse: number; metrics: Record<string, number> }> {
  let explicit: ExplicitPart | undefined;
  let explicitRmse = Number.POSITIVE_INFINITY;
  const metrics: Record<string, number> = {};
  const kinds = options.explicitKinds ?? defaultExplicitKinds(data.ratings, data.splits.train);
  for (const kind of kinds) {
    const t0 = performance.now();
    const candidate: ExplicitPart = kind === 'bayes'
      ? await fitBayes(data, bayesOptions(options, log))
      : await trainEmbedding(data, { ...options.explicit, hybrid: kind === 'hybrid', quiet: options.quiet ?? false });
    const rmse = computeRmse(candidate, data.ratings, data.splits.validation);
    metrics[`${kind}ValidationRmse`] = round(rmse);
    log(`anirec: ${kind} model trained in ${((performance.now() - t0) / 1000).toFixed(1)} s, validation RMSE ${rmse.toFixed(4)}`);
    if (!explicit || rmse < explicitRmse) {
      explicit = candidate;
      explicitRmse = rmse;
    }
  }
  if (!explicit) throw new Error('explicitKinds is empty');
  return { explicit, explicitRmse, metrics };
}

/**
 * The explicit part of the served pipeline alone (what cross-validation of its defaults fits): the kind
 * and schedule chosen on a seeded split of `data`'s training rows, then replayed on all of them.
 */
export async function fitServedExplicit(
  data: TrainingData, options: Pick<TrainAnirecOptions, 'explicit' | 'explicitKinds'> = {},
): Promise<EmbeddingModel> {
  const rows = subsetRows(data.ratings, data.splits.train);
  const inner = makeSplits(rows, { seed: DEFAULT_SPLIT_SEED, heldOutUserShare: 0, testShare: 0 });
  const innerData: TrainingData = { ...data, ratings: rows, splits: inner };
  // The embedding's settings are what this cross-validates: the Bayesian model is not among the kinds.
  const explicitKinds = (options.explicitKinds ?? defaultExplicitKinds(rows, inner.train)).filter((k) => k !== 'bayes');
  const chosen = await chooseExplicit(innerData, { ...options, explicitKinds, quiet: true });
  const explicit = chosen.explicit as EmbeddingModel;
  return trainEmbedding({ ...data, ratings: rows, splits: allRowsSplits(rows, DEFAULT_SPLIT_SEED) }, {
    ...options.explicit, ...resolvedChoice(explicit), hybrid: explicit.name === 'hybrid', quiet: true, schedule: explicit.schedule!,
  });
}

/**
 * The optimiser and penalty the selection run resolved 'auto' to: the full fit has more rows and could
 * resolve differently (AUTO_ADAGRAD_ROWS), which would not replay the chosen schedule.
 */
function resolvedChoice(model: EmbeddingModel): { optimizer: TrainOptions['optimizer']; reg: number } {
  const { optimizer, reg } = model.modelState.options;
  return { optimizer, reg };
}

/** The given rows of ratings, with the same user and anime indices. */
export function subsetRows(ratings: Ratings, rows: Uint32Array): Ratings {
  return {
    count: rows.length,
    userIx: Int32Array.from(rows, (r) => ratings.userIx[r]!),
    itemIx: Int32Array.from(rows, (r) => ratings.itemIx[r]!),
    score: Int8Array.from(rows, (r) => ratings.score[r]!),
    userIds: ratings.userIds,
    ixByUserId: ratings.ixByUserId,
    nItems: ratings.nItems,
  };
}

/** What model selection on the splits chose: replayed on every row for the served model. */
export interface ModelSelection {
  explicitKind: ExplicitKind;
  /** The embedding's schedule (empty for the Bayesian model). */
  schedule: FitSchedule;
  /** The Bayesian model's: burn-in and last sweep chosen on validation. */
  bayesSchedule?: { burnIn: number; sweeps: number };
  beta: number;
}

/**
 * Every row of the data as training rows: the split the served model is fitted on once selection is done
 * (Surprise's build_full_trainset). Nothing is left for validation or test.
 */
export function allRowsSplits(ratings: Ratings, seed: number): Splits {
  const none = new Uint32Array(0);
  return {
    seed,
    train: Uint32Array.from({ length: ratings.count }, (_, r) => r),
    validation: none,
    test: none,
    heldOutUsers: new Int32Array(0),
    profile: none,
    target: none,
  };
}

/**
 * Trains the served model. Model selection (which explicit model, its epochs per phase and refit sweeps,
 * beta) runs on the splits, judged on validation only; then, unless the caller judges the split model
 * itself (`anirec eval` passes its splits), the chosen settings are replayed on every row of the data, so
 * every user and every rating is in what is served.
 */
export async function trainAnirecModel(dataset: Dataset, options: TrainAnirecOptions = {}): Promise<AnirecComposite> {
  const started = performance.now();
  const log = options.log ?? (options.quiet ? () => {} : (line: string) => process.stderr.write(line + '\n'));
  const fitOnAllRows = options.fitOnAllRows ?? options.splits === undefined;
  const { composite: selected, selection } = await selectAnirecModel(dataset, options, log);
  if (!fitOnAllRows) {
    selected.info.metrics.trainSeconds = round((performance.now() - started) / 1000, 1);
    return selected;
  }
  const { catalogue, ratings } = dataset;
  const splits = allRowsSplits(ratings, selected.info.params.splitSeed as number);
  const data: TrainingData = { catalogue, ratings, splits, nUsers: ratings.userIds.length };
  const t0 = performance.now();
  let explicit: ExplicitPart;
  if (selection.explicitKind === 'bayes') {
    const { burnIn, sweeps } = selection.bayesSchedule!;
    log(`anirec: fitting the chosen bayes model on all ${ratings.count.toLocaleString('en')} rows (burn-in ${burnIn} of ${sweeps} sweeps)`);
    explicit = await fitBayes(data, { ...bayesOptions(options, log), burnIn, sweeps });
  } else {
    log(`anirec: fitting the chosen ${selection.explicitKind} model on all ${ratings.count.toLocaleString('en')} rows (epochs ${selection.schedule.epochs.join(' + ')}, refit sweeps ${selection.schedule.refitSweeps})`);
    explicit = await trainEmbedding(data, {
      ...options.explicit, ...resolvedChoice(selected.explicit as EmbeddingModel), hybrid: selection.explicitKind === 'hybrid', quiet: options.quiet ?? false, schedule: selection.schedule,
    });
  }
  const implicit = new ImplicitModel(options.implicit ?? {}, options.quiet ? () => {} : log);
  await implicit.fit(data);
  const ease = await fitEaseTimed(ratings, splits.train, selected.ease?.options, log);
  log(`anirec: full fit in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const metrics = { ...selected.info.metrics, trainSeconds: round((performance.now() - started) / 1000, 1) };
  return new AnirecComposite({
    catalogue,
    explicit,
    implicit,
    ...countItems(ratings, splits.train),
    blend: selected.blend,
    ...(ease !== undefined ? { ease } : {}),
    info: {
      ...selected.info,
      metrics,
      params: {
        ...selected.info.params,
        fittedOn: 'all rows',
        selection,
        explicit: explicitOptions(explicit),
      },
    },
  });
}

/** The item-item part fitted on the given rows (rated and watched), with a log line; undefined for options undefined. */
async function fitEaseTimed(ratings: Ratings, rows: Uint32Array, options: Partial<EaseOptions> | undefined, log: (line: string) => void): Promise<EaseState | undefined> {
  if (options === undefined) return undefined;
  const t0 = performance.now();
  const ease = await fitEase(ratings, rows, options);
  log(`anirec: item-item (EASE, λ ${ease.lambda.toFixed(1)}) model over ${ease.items.length.toLocaleString('en')} anime fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return ease;
}

/** The models trained on the splits, and what validation chose among them. */
async function selectAnirecModel(
  dataset: Dataset, options: TrainAnirecOptions, log: (line: string) => void,
): Promise<{ composite: AnirecComposite; selection: ModelSelection }> {
  const { catalogue, ratings } = dataset;
  const splits = options.splits ?? makeSplits(ratings, { seed: DEFAULT_SPLIT_SEED });
  const data: TrainingData = { catalogue, ratings, splits, nUsers: ratings.userIds.length };

  const { explicit, explicitRmse, metrics } = await chooseExplicit(data, options, log);

  const implicit = new ImplicitModel(options.implicit ?? {}, options.quiet ? () => {} : log);
  const implicitReport = await implicit.fit(data);
  log(`anirec: implicit model trained in ${implicitReport.seconds.toFixed(1)} s`);

  const ease = options.ease === false ? undefined : await fitEaseTimed(ratings, splits.train, options.ease ?? {}, log);
  const counts = countItems(ratings, splits.train);
  const composite = new AnirecComposite({
    catalogue,
    explicit,
    implicit,
    ...counts,
    ...(ease !== undefined ? { ease } : {}),
    blend: {
      ...DEFAULT_BLEND,
      ...(options.beta !== undefined ? { beta: options.beta } : {}),
      ...(options.easeWeight !== undefined ? { easeWeight: options.easeWeight } : {}),
    },
    info: {
      name: 'anirec',
      trainedAt: new Date().toISOString(),
      dataFingerprint: dataset.fingerprint,
      backend: 'cpu: TypeScript over Float32Arrays',
      params: {},
      metrics,
      explicitModel: explicit.name,
    },
  });

  if (options.beta === undefined) {
    const tuning = tuneBlend(composite, data);
    composite.blend = { ...composite.blend, beta: tuning.beta };
    metrics.validationUsers = tuning.users;
    metrics.validationHitAt10 = round(tuning.hitByBeta[String(tuning.beta)]!);
    metrics.validationHitAt10ImplicitOnly = round(tuning.hitByBeta['0'] ?? Number.NaN);
    metrics.validationHitAt10Popularity = round(tuning.popularityHit);
    log(`anirec: beta ${tuning.beta} (validation Hit@10 ${tuning.hitByBeta[String(tuning.beta)]!.toFixed(3)} vs popularity ${tuning.popularityHit.toFixed(3)} on ${tuning.users} known users)`);
  }
  metrics.validationRmse = round(explicitRmse);
  // Read once, to report: no choice above looked at the test rows.
  metrics.testRmse = round(computeRmse(explicit, ratings, splits.test));
  const schedule = (explicit instanceof EmbeddingModel ? explicit.schedule : undefined) ?? { epochs: [], refitSweeps: 0 };
  const bayesSchedule = explicit instanceof BayesExplicit ? explicit.model.schedule : undefined;
  composite.info = {
    ...composite.info,
    params: {
      splitSeed: splits.seed,
      blend: composite.blend,
      explicit: explicitOptions(explicit),
      implicit: implicit.options,
      ...(ease !== undefined ? { ease: { ...ease.options, lambda: ease.lambda }, easeItems: ease.items.length } : {}),
      fittedOn: 'splits.train',
    },
    metrics,
  };
  return { composite, selection: { explicitKind: explicit.name, schedule, ...(bayesSchedule ? { bayesSchedule } : {}), beta: composite.blend.beta } };
}
