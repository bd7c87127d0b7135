/**
 * The implicit model as a Recommender: ranks anime by WRMF preference x_u·y_i (how likely a person is to
 * watch each anime). It has no notion of a rating, so predict/predictFolded return the anime's mean
 * training rating (the global mean for anime nobody rated) and say so in `ratingFallback`.
 */
import { availableParallelism } from 'node:os';
import { ModelFitError } from '../../errors.js';
import { WATCHED, type Ratings } from '../../data/types.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { foldInImplicitVector } from './foldIn.js';
import { computeGramian } from '../linalg.js';
import { DEFAULT_IMPLICIT_OPTIONS, type ImplicitOptions } from './options.js';
import { trainWrmf } from './trainWrmf.js';
import { selectTopK } from '../topK.js';

export interface ImplicitUser extends FoldedUser {
  readonly model: 'implicit';
  /** The person's WRMF factors (zeros when they fell back to popularity). */
  readonly vector: Float32Array;
}

/** What the implicit model needs to serve (saved and loaded by persistence.ts). */
export interface ImplicitState {
  options: ImplicitOptions;
  nItems: number;
  itemFactors: Float32Array;
  /** Mean explicit training rating per anime, NaN where none. */
  itemMean: Float32Array;
  /** Training rows (rated or watched) per anime. */
  itemCount: Float32Array;
  globalMean: number;
}

export const IMPLICIT_RATING_FALLBACK = 'the implicit model ranks by watch preference; its rating estimate is the anime mean';

/** Per-anime mean explicit rating and row count over the given rows. */
export function computeItemStats(ratings: Ratings, rows: Uint32Array) {
  const sum = new Float64Array(ratings.nItems);
  const rated = new Float64Array(ratings.nItems);
  const itemCount = new Float32Array(ratings.nItems);
  let total = 0;
  let n = 0;
  for (let e = 0; e < rows.length; e++) {
    const row = rows[e]!;
    const ix = ratings.itemIx[row]!;
    itemCount[ix]!++;
    const s = ratings.score[row]!;
    if (s === WATCHED) continue;
    sum[ix]! += s;
    rated[ix]!++;
    total += s;
    n++;
  }
  const itemMean = new Float32Array(ratings.nItems);
  for (let i = 0; i < ratings.nItems; i++) itemMean[i] = rated[i]! > 0 ? sum[i]! / rated[i]! : Number.NaN;
  return { itemMean, itemCount, globalMean: n > 0 ? total / n : Number.NaN };
}

export class ImplicitModel implements Recommender {
  readonly name = 'implicit';
  readonly options: ImplicitOptions;
  private state: (ImplicitState & { gram: Float64Array; norms: Float32Array }) | undefined;

  constructor(options: Partial<ImplicitOptions> = {}, private readonly log: (line: string) => void = () => {}) {
    this.options = { ...DEFAULT_IMPLICIT_OPTIONS, ...options };
  }

  /** A served model from saved state (no training). */
  static fromState(state: ImplicitState): ImplicitModel {
    const model = new ImplicitModel(state.options);
    model.adopt(state);
    return model;
  }

  private adopt(state: ImplicitState): void {
    const k = state.options.dim;
    const norms = new Float32Array(state.nItems);
    for (let i = 0; i < state.nItems; i++) {
      let s = 0;
      for (let d = 0; d < k; d++) s += state.itemFactors[i * k + d]! ** 2;
      norms[i] = Math.sqrt(s);
    }
    this.state = { ...state, gram: computeGramian(state.itemFactors, state.nItems, k), norms };
  }

  private ready() {
    if (!this.state) throw new ModelFitError('the implicit model is not trained yet');
    return this.state;
  }

  /** The state to save; throws before fit. */
  exportState(): ImplicitState {
    const { options, nItems, itemFactors, itemMean, itemCount, globalMean } = this.ready();
    return { options, nItems, itemFactors, itemMean, itemCount, globalMean };
  }

  get dim(): number {
    return this.options.dim;
  }

  async fit(data: TrainingData): Promise<FitReport> {
    // Rows are solved independently, so the factors are the same whatever the thread count.
    const threads = this.options.threads > 0 ? this.options.threads : availableParallelism();
    const factors = await trainWrmf(data.ratings, data.splits.train, data.nUsers, { ...this.options, threads }, this.log);
    const stats = computeItemStats(data.ratings, data.splits.train);
    this.adopt({ options: this.options, nItems: data.ratings.nItems, itemFactors: Float32Array.from(factors.itemFactors), ...stats });
    return {
      seconds: factors.seconds,
      notes: { dim: this.options.dim, iterations: this.options.iterations, threads: factors.threads, rows: data.splits.train.length, predict: IMPLICIT_RATING_FALLBACK },
    };
  }

  /** Not a rating model: the anime's mean rating (global mean if nobody rated it). */
  predict(_userIx: number, itemIx: number): number {
    return this.ratingFallback(itemIx);
  }

  ratingFallback(itemIx: number): number {
    const s = this.ready();
    const m = itemIx >= 0 && itemIx < s.nItems ? s.itemMean[itemIx]! : Number.NaN;
    return Number.isNaN(m) ? s.globalMean : m;
  }

  foldIn(profile: Profile): ImplicitUser {
    const s = this.ready();
    const vector = foldInImplicitVector(
      { itemFactors: s.itemFactors, gram: s.gram, dim: s.options.dim, nItems: s.nItems, alpha: s.options.alpha, watchedWeight: s.options.watchedWeight, reg: s.options.reg },
      profile,
    );
    if (!vector) return { model: 'implicit', vector: new Float32Array(s.options.dim), fallback: 'no known anime in the profile: ranked by popularity' };
    return { model: 'implicit', vector };
  }

  predictFolded(_user: FoldedUser, itemIx: number): number {
    return this.ratingFallback(itemIx);
  }

  /** Preference x·y_i; a person with no usable rows gets popularity (row counts) instead. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const s = this.ready();
    const k = s.options.dim;
    if (user.model !== 'implicit') throw new ModelFitError(`the implicit model cannot use a person folded in by the ${user.model} model`);
    const { vector, fallback } = user as ImplicitUser;
    if (fallback !== undefined) {
      out.set(s.itemCount.subarray(0, out.length));
      return;
    }
    for (let i = 0; i < s.nItems && i < out.length; i++) {
      let dot = 0;
      const yo = i * k;
      for (let d = 0; d < k; d++) dot += vector[d]! * s.itemFactors[yo + d]!;
      out[i] = dot;
    }
  }

  /** Cosine in the WRMF item space ("people who watch this also watch"). */
  similar(itemIx: number, k: number): Neighbour[] {
    const s = this.ready();
    const dim = s.options.dim;
    const scores = new Float32Array(s.nItems);
    const na = s.norms[itemIx]! || 1;
    for (let i = 0; i < s.nItems; i++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += s.itemFactors[itemIx * dim + d]! * s.itemFactors[i * dim + d]!;
      scores[i] = dot / (na * (s.norms[i]! || 1));
    }
    scores[itemIx] = Number.NaN;
    return Array.from(selectTopK(scores, k), (i) => ({ itemIx: i, score: scores[i]! }));
  }
}
