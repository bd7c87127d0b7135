/**
 * EmbeddingModel: the explicit model the bot serves (name 'embedding'), or its genre-aware hybrid (name
 * 'hybrid'). pred = lo + (hi - lo) * sigmoid(mu + b_u + b_i' + p_u . q_i'), where the hybrid's anime side
 * q_i' = q_i + mean of its genre rows + its type row (and b_i' adds genre and type biases). Trained by the
 * fast trainer (trainer.ts), then (plain model) refitted with a taste prior (refit.ts), which fold-in
 * shares; served from plain Float32Arrays with the genre layer folded in.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { buildCsr } from '../sparse.js';
import { selectTopK } from '../topK.js';
import { foldInVector, type UserPenalty } from './foldIn.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './options.js';
import type { ItemFeatures, ModelShape, Tables } from './params.js';
import type { EpochStats } from './progress.js';
import { computeEffectiveItems, dotFrom, servedRating, sigmoidRating, type EffectiveItems } from './scoring.js';
import { refitTables, type RefitResult } from './refit.js';
import { isZeroPrior, zeroTastePrior, type TastePrior } from './tastePrior.js';
import { selectExplicitRows, trainTables, type TrainResult } from './trainer.js';

export interface EmbeddingFitOptions extends Partial<TrainOptions> {
  hybrid?: boolean;
  onEpoch?: (e: EpochStats) => void;
  quiet?: boolean;
  /**
   * Replays a chosen schedule with no early stopping (the served model's fit on every row): epochs per
   * optimiser phase and refit sweeps, as a run with validation chose them (EmbeddingModel.schedule).
   */
  schedule?: FitSchedule;
}

/** How long a fit trained: what model selection on validation chooses and the full fit replays. */
export interface FitSchedule {
  /** Epochs per optimiser phase ([AdaGrad, Adam] for the two-phase optimiser, else one entry). */
  epochs: number[];
  /** Refit sweeps kept (0: none; always 0 for the hybrid). */
  refitSweeps: number;
}

/** A person folded into this model: a vector and bias against the frozen anime factors. */
export interface EmbeddingFoldedUser extends FoldedUser {
  readonly model: 'embedding' | 'hybrid';
  readonly vector: Float32Array;
  readonly bias: number;
}

/** Everything a trained model is made of; what save writes and load reads back. */
export interface EmbeddingState {
  shape: ModelShape;
  tables: Tables;
  features: ItemFeatures;
  options: TrainOptions;
  /** Per userIx: explicit training rows (0 = never trained: served bias-only). */
  userCounts: Int32Array;
  report: FitReport;
  /** userIx -> MyAnimeList user id, itemIx -> MyAnimeList anime id (for the CLI and the bot). */
  userIds: Int32Array;
  animeIds: Int32Array;
  /** What a person's history says of their tastes (zero: none; see tastePrior.ts). */
  prior: TastePrior;
  /** The penalty fold-in solves a person with: the refit's when it was kept, else foldInReg towards zero. */
  userPenalty: UserPenalty;
}

/** Users with at least this many scores fit the taste prior. */
const PRIOR_MIN_RATINGS = 20;
/** The refit's constant penalty on every anime bias (RefitOptions.itemFloor): what a dozen scores outweigh. */
const ITEM_PENALTY_FLOOR = 20;

export class EmbeddingModel implements Recommender {
  readonly name: 'embedding' | 'hybrid';
  /** Ratings are lo + (hi - lo) sigmoid(logit): what the composite's ranking and bounds read. */
  readonly link = 'sigmoid' as const;
  private readonly fitOptions: EmbeddingFitOptions;
  private state: EmbeddingState | undefined;
  private effective: EffectiveItems | undefined;
  private itemNorms: Float32Array | undefined;
  /** The taste prior fold-in uses; undefined when it is zero (the model has none). */
  private prior: TastePrior | undefined;
  private fitted: FitSchedule | undefined;

  constructor(options: EmbeddingFitOptions = {}, state?: EmbeddingState) {
    this.fitOptions = options;
    this.name = (state?.shape.hybrid ?? options.hybrid) ? 'hybrid' : 'embedding';
    if (state) this.setState(state);
  }

  async fit(data: TrainingData): Promise<FitReport> {
    const { hybrid: _hybrid, onEpoch, quiet, schedule, ...train } = this.fitOptions;
    const result = await trainTables(data, train, { hybrid: this.name === 'hybrid', onEpoch, quiet, ...(schedule ? { schedule: schedule.epochs } : {}) });
    const refitStart = performance.now();
    const refit = this.name === 'embedding' ? refitResult(result, data, quiet ?? false, schedule?.refitSweeps) : undefined;
    result.seconds += (performance.now() - refitStart) / 1000;
    this.setState(stateFromResult(result, data, refit));
    this.fitted = { epochs: result.schedule, refitSweeps: refit?.bestSweep ?? 0 };
    return this.report;
  }

  /** The schedule the last fit kept (undefined for a loaded model): what the full fit replays. */
  get schedule(): FitSchedule | undefined {
    return this.fitted;
  }

  private setState(state: EmbeddingState): void {
    this.state = state;
    this.effective = computeEffectiveItems(state.tables, state.shape, state.features);
    this.itemNorms = undefined;
    this.prior = isZeroPrior(state.prior) ? undefined : state.prior;
  }

  private get trained(): EmbeddingState {
    if (!this.state) throw new ModelFitError(`the ${this.name} model is not trained yet`);
    return this.state;
  }

  get modelState(): EmbeddingState {
    return this.trained;
  }

  get report(): FitReport {
    return this.trained.report;
  }

  get dim(): number {
    return this.trained.shape.dim;
  }

  /** nItems x dim anime vectors as served (the hybrid's genre and type rows already added). */
  get itemFactors(): Float32Array {
    this.trained;
    return this.effective!.factors;
  }

  /** Per itemIx, the anime bias as served (genre and type biases included). */
  get itemBias(): Float32Array {
    this.trained;
    return this.effective!.bias;
  }

  /** mu: the offset inside the sigmoid. rating = lo + (hi - lo) * sigmoid(globalOffset + biases + dot). */
  get globalOffset(): number {
    return this.trained.shape.mu;
  }

  /** The range [lo, hi] the sigmoid maps onto: the lowest training score to topMargin past the highest (served ratings stop at the highest). */
  get scale(): { lo: number; hi: number } {
    const { lo, hi } = this.trained.shape;
    return { lo, hi };
  }

  /** Maps a logit (globalOffset + biases + dot) onto the rating scale, no higher than its top score. */
  activate(z: number): number {
    const { lo, hi, top = hi } = this.trained.shape;
    return servedRating(z, lo, hi, top);
  }

  predict(userIx: number, itemIx: number): number {
    const { shape, tables, userCounts } = this.trained;
    const { dim, mu } = shape;
    const items = this.effective!;
    if (!(itemIx >= 0 && itemIx < shape.nItems)) return this.activate(mu);
    if (!(userIx >= 0 && userIx < shape.nUsers) || userCounts[userIx] === 0) return this.activate(mu + items.bias[itemIx]!);
    return this.activate(dotFrom(tables.P, userIx * dim, items.factors, itemIx * dim, dim, mu + tables.userBias[userIx]! + items.bias[itemIx]!));
  }

  foldIn(profile: Profile): EmbeddingFoldedUser {
    const { shape, userPenalty } = this.trained;
    const folded = foldInVector(this.effective!, shape, profile, userPenalty, this.prior);
    return { model: this.name, vector: folded.vector, bias: folded.bias, ...(folded.fallback ? { fallback: folded.fallback } : {}) };
  }

  private asFolded(user: FoldedUser): EmbeddingFoldedUser {
    const folded = user as EmbeddingFoldedUser;
    if (!(folded.vector instanceof Float32Array) || folded.vector.length !== this.dim) {
      throw new ModelFitError(`the ${this.name} model cannot use a person folded in by the ${user.model} model`);
    }
    return folded;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const { vector, bias } = this.asFolded(user);
    const { dim, mu, nItems } = this.trained.shape;
    if (!(itemIx >= 0 && itemIx < nItems)) return this.activate(mu + bias);
    const items = this.effective!;
    return this.activate(dotFrom(vector, 0, items.factors, itemIx * dim, dim, mu + bias + items.bias[itemIx]!));
  }

  /** out[itemIx] = predicted rating for the folded-in person. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const { vector, bias } = this.asFolded(user);
    const { dim, mu, lo, hi, nItems } = this.trained.shape;
    const span = hi - lo;
    const Q = this.effective!.factors;
    const b = this.effective!.bias;
    const n = Math.min(nItems, out.length);
    const base = mu + bias;
    for (let i = 0; i < n; i++) out[i] = sigmoidRating(dotFrom(vector, 0, Q, i * dim, dim, base + b[i]!), lo, span);
  }

  /** Cosine between anime vectors, best first, itemIx itself excluded. */
  similar(itemIx: number, k: number): Neighbour[] {
    const { dim, nItems } = this.trained.shape;
    if (!(itemIx >= 0 && itemIx < nItems) || k <= 0) return [];
    const Q = this.effective!.factors;
    const norms = (this.itemNorms ??= computeNorms(Q, nItems, dim));
    const scores = new Float32Array(nItems);
    const qa = itemIx * dim;
    const na = norms[itemIx]!;
    for (let i = 0; i < nItems; i++) {
      const qi = i * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += Q[qa + d]! * Q[qi + d]!;
      const denom = na * norms[i]!;
      scores[i] = denom > 0 ? dot / denom : 0;
    }
    scores[itemIx] = -Infinity;
    return Array.from(selectTopK(scores, k), (i) => ({ itemIx: i, score: scores[i]! }));
  }
}

function computeNorms(Q: Float32Array, nItems: number, dim: number): Float32Array {
  const norms = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += Q[i * dim + d]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/** The refit (refit.ts) of a plain model's freshly trained tables, in place. */
function refitResult(result: TrainResult, data: TrainingData, quiet: boolean, fixedSweeps?: number): RefitResult {
  const { ratings, splits, nUsers } = data;
  const o = result.options;
  // The sweeps take seconds on a large set: say what they do, in the progress bar's voice (stderr).
  const onSweep = quiet ? undefined : (sweep: number, rmse: number, before: number, seconds: number): void => {
    if (fixedSweeps !== undefined) {
      process.stderr.write(`embedding refit sweep ${sweep}/${fixedSweeps} on every row (${seconds.toFixed(1)} s)\n`);
      return;
    }
    const verdict = rmse < before ? 'kept' : 'not kept';
    process.stderr.write(`embedding refit sweep ${sweep}/${o.refitSweeps}: validation RMSE ${before.toFixed(4)} -> ${rmse.toFixed(4)}, ${verdict} (${seconds.toFixed(1)} s)\n`);
  };
  return refitTables(result.tables, result.shape, {
    byUser: buildCsr(ratings, splits.train, { by: 'user', explicitOnly: true, nUsers }),
    byItem: buildCsr(ratings, splits.train, { by: 'item', explicitOnly: true, nUsers }),
    history: buildCsr(ratings, splits.train, { by: 'user', nUsers }),
    validation: selectExplicitRows(data, splits.validation, false),
  }, {
    sweeps: o.refitSweeps, steps: 2, user: { perSqrtRating: o.refitUserReg, prior: o.priorReg }, itemReg: o.refitItemReg, itemFloor: ITEM_PENALTY_FLOOR,
    priorMinRatings: PRIOR_MIN_RATINGS, priorShrink: o.priorShrink,
    ...(fixedSweeps !== undefined ? { fixedSweeps } : {}),
  }, onSweep);
}

/** Fold-in's penalty for a model: the refit's rule when the refit was kept, else foldInReg towards zero. */
export function foldInPenalty(options: TrainOptions, refitKept: boolean): UserPenalty {
  return refitKept ? { perSqrtRating: options.refitUserReg, prior: options.priorReg } : { perSqrtRating: 0, prior: options.foldInReg };
}

function stateFromResult(result: TrainResult, data: TrainingData, refit: RefitResult | undefined): EmbeddingState {
  const kept = (refit?.bestSweep ?? 0) > 0;
  const report: FitReport = {
    seconds: result.seconds,
    curve: result.curve,
    notes: {
      bestEpoch: result.bestEpoch,
      bestValidationRmse: Number(result.bestValidationRmse.toFixed(5)),
      threads: result.threads,
      optimizer: result.options.optimizer,
      kernel: result.options.kernel,
      dim: result.shape.dim,
      trainRatings: result.trainRows,
      updatesPerSecond: Math.round(result.updatesPerSecond),
      ...(refit ? { refitSweeps: refit.bestSweep, refitValidationRmse: refit.curve.map((v) => Number(v.toFixed(5))).join(' ') } : {}),
    },
  };
  return {
    shape: result.shape,
    tables: result.tables,
    features: result.features,
    options: result.options,
    userCounts: result.userCounts,
    report,
    userIds: Int32Array.from(data.ratings.userIds.subarray(0, data.nUsers)),
    animeIds: Int32Array.from(data.catalogue.anime, (a) => a.animeId),
    prior: refit && kept ? refit.prior : zeroTastePrior(result.shape.dim),
    userPenalty: foldInPenalty(result.options, kept),
  };
}

/** Trains a model (plain or hybrid) with the fast trainer: the entry point for the CLI and composite model. */
export async function trainEmbedding(data: TrainingData, options: EmbeddingFitOptions = {}): Promise<EmbeddingModel> {
  const model = new EmbeddingModel(options);
  await model.fit(data);
  return model;
}

export { DEFAULT_TRAIN_OPTIONS };
