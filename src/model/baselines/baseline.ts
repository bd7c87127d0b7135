/**
 * User + anime biases (Surprise's BaselineOnly): r ≈ mu + b_u + b_i, fitted by a few alternating
 * least-squares sweeps with separate regularisation for users and anime. The regularisation is chosen
 * on the validation rows from a small grid. The biases are also the base every neighbourhood, SVD and
 * cluster model here adds its residual term to.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { trainCsr, type Csr } from '../sparse.js';
import { meanRating } from './globalMean.js';

export interface Biases {
  mu: number;
  /** Per userIx; 0 for users with no training rows. */
  bu: Float32Array;
  /** Per itemIx; 0 for anime nobody rated in training. */
  bi: Float32Array;
  regUser: number;
  regItem: number;
}

export interface BiasOptions {
  regUser?: number;
  regItem?: number;
  /** ALS sweeps (each re-solves all item then all user biases). Default 8. */
  sweeps?: number;
}

/** ALS fit of the biases on explicit CSRs by user and by item (values are the ratings). */
export function fitBiases(byUser: Csr, byItem: Csr, mu: number, options: BiasOptions = {}): Biases {
  const regUser = options.regUser ?? 5;
  const regItem = options.regItem ?? 10;
  const sweeps = options.sweeps ?? 8;
  const bu = new Float32Array(byUser.nRows);
  const bi = new Float32Array(byItem.nRows);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let i = 0; i < byItem.nRows; i++) {
      let sum = 0;
      const end = byItem.indptr[i + 1]!;
      for (let e = byItem.indptr[i]!; e < end; e++) sum += byItem.values[e]! - mu - bu[byItem.indices[e]!]!;
      bi[i] = sum / (regItem + end - byItem.indptr[i]!);
    }
    for (let u = 0; u < byUser.nRows; u++) {
      let sum = 0;
      const end = byUser.indptr[u + 1]!;
      for (let e = byUser.indptr[u]!; e < end; e++) sum += byUser.values[e]! - mu - bi[byUser.indices[e]!]!;
      bu[u] = sum / (regUser + end - byUser.indptr[u]!);
    }
  }
  return { mu, bu, bi, regUser, regItem };
}

/** A new person's bias from their explicit ratings, the model's item biases held fixed. */
export function foldInUserBias(biases: Biases, profile: Profile): { bu: number; rated: number } {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < profile.itemIx.length; k++) {
    const s = profile.score[k]!;
    if (s <= 0) continue;
    sum += s - biases.mu - (biases.bi[profile.itemIx[k]!] ?? 0);
    n++;
  }
  return { bu: n === 0 ? 0 : sum / (biases.regUser + n), rated: n };
}

/** mu + b_u + b_i, clamped to the rating scale. */
export function baselineEstimate(biases: Biases, bu: number, itemIx: number): number {
  return clampRating(biases.mu + bu + (biases.bi[itemIx] ?? 0));
}

export function clampRating(r: number): number {
  return r < 1 ? 1 : r > 10 ? 10 : r;
}

/** RMSE of the biases on explicit rows (validation), for tuning. */
export function biasRmse(biases: Biases, data: TrainingData, rows: Uint32Array): number {
  const { userIx, itemIx, score } = data.ratings;
  let sse = 0;
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const s = score[r]!;
    if (s <= 0) continue;
    const e = s - baselineEstimate(biases, biases.bu[userIx[r]!]!, itemIx[r]!);
    sse += e * e;
    n++;
  }
  return n === 0 ? Number.NaN : Math.sqrt(sse / n);
}

/**
 * Biases for data, regularisation tuned on the validation rows over a small grid (or fixed when both
 * regs are given). Shared by the models that add a residual term on top.
 */
export function fitTunedBiases(data: TrainingData, options: BiasOptions = {}): Biases {
  const byUser = trainCsr(data, 'user', true);
  const byItem = trainCsr(data, 'item', true);
  const mu = meanRating(data.ratings.score, data.splits.train);
  if (options.regUser !== undefined && options.regItem !== undefined) return fitBiases(byUser, byItem, mu, options);
  let best: Biases | undefined;
  let bestRmse = Infinity;
  for (const regUser of [2, 5, 10]) {
    for (const regItem of [2, 5, 15]) {
      const biases = fitBiases(byUser, byItem, mu, { ...options, regUser, regItem });
      const rmse = data.splits.validation.length > 0 ? biasRmse(biases, data, data.splits.validation) : 0;
      if (rmse < bestRmse || best === undefined) {
        best = biases;
        bestRmse = rmse;
      }
    }
  }
  return best!;
}

interface BaselineUser extends FoldedUser {
  bu: number;
}

export class Baseline implements Recommender {
  readonly name = 'baseline';
  biases: Biases | undefined;

  constructor(private readonly options: BiasOptions = {}) {}

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    this.biases = fitTunedBiases(data, this.options);
    return {
      seconds: (performance.now() - start) / 1000,
      notes: { regUser: this.biases.regUser, regItem: this.biases.regItem, mean: Number(this.biases.mu.toFixed(4)) },
    };
  }

  private get fitted(): Biases {
    if (!this.biases) throw new ModelFitError('baseline is not fitted yet; call fit first');
    return this.biases;
  }

  /** Unknown user: b_u = 0; unknown anime: b_i = 0 (so the global mean at worst). */
  predict(userIx: number, itemIx: number): number {
    const b = this.fitted;
    return baselineEstimate(b, b.bu[userIx] ?? 0, itemIx);
  }

  foldIn(profile: Profile): BaselineUser {
    const { bu, rated } = foldInUserBias(this.fitted, profile);
    return rated === 0
      ? { model: this.name, bu, fallback: 'no explicit ratings in the profile: anime biases only' }
      : { model: this.name, bu };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return baselineEstimate(this.fitted, (user as BaselineUser).bu, itemIx);
  }

  /** Ranks by predicted rating, i.e. by anime bias: the "best rated" list, the same order for everyone. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const b = this.fitted;
    const bu = (user as BaselineUser).bu;
    for (let i = 0; i < out.length; i++) out[i] = b.mu + bu + b.bi[i]!;
  }

  similar(): Neighbour[] {
    throw new ModelFitError('baseline has no notion of similar anime (it only knows each anime\'s bias)');
  }
}
