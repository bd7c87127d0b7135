/**
 * What Surprise's SVD and SVD++ share once trained: r ≈ mu + b_u + b_i + q_i·v_u, where v_u = p_u for SVD
 * and p_u + |N(u)|^-1/2 Σ_{j∈N(u)} y_j for SVD++ (the subclass supplies the implicit part). Prediction, the
 * unknown user/anime fallbacks (Surprise's: the missing side's bias and factors count as 0), ridge fold-in
 * (foldInRidge.ts), ranking and latent-space neighbours live here once.
 */
import { ModelFitError } from '../../errors.js';
import { gaussian } from '../../random.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { trainCsr, type Csr } from '../sparse.js';
import { clampRating } from './baseline.js';
import { BiasedRidge, dot, tuneFoldInLambda, type RidgeFold } from './foldInRidge.js';

export interface SgdOptions {
  factors?: number;
  epochs?: number;
  /** Learning rate for every parameter (Surprise's lr_all). */
  lr?: number;
  /** L2 penalty for every parameter (Surprise's reg_all). */
  reg?: number;
  /** Std of the normal the factors start from (mean 0). Default 0.1. */
  initStd?: number;
  seed?: number;
}

export type EpochCurve = NonNullable<FitReport['curve']>;

interface FactorUser extends FoldedUser {
  bu: number;
  /** p + the implicit term: the vector q_i is dotted with. */
  v: Float32Array;
}

/** What a subclass's SGD produced; the base derives v_u and the fold-in penalty. */
export interface TrainedFactors {
  mu: number;
  bu: Float32Array;
  bi: Float32Array;
  p: Float32Array;
  q: Float32Array;
  /** Per-user implicit term (nUsers x k), or undefined for plain SVD. */
  implicit?: Float32Array;
  curve: EpochCurve;
  notes: Record<string, string | number>;
}

export abstract class FactorModel implements Recommender {
  abstract readonly name: string;
  k = 0;
  mu = Number.NaN;
  bu: Float32Array = new Float32Array(0);
  bi: Float32Array = new Float32Array(0);
  q: Float32Array = new Float32Array(0);
  /** p_u (+ implicit term) per known user, nUsers x k. */
  v: Float32Array = new Float32Array(0);
  /** Fold-in ridge penalty, chosen on validation. */
  foldLambda = 1;
  nItems = 0;

  protected abstract train(data: TrainingData): Promise<TrainedFactors> | TrainedFactors;

  /** The implicit part of a folded-in person's vector (zeros for plain SVD) into out. */
  protected abstract implicitOf(profile: Profile, out: Float32Array): void;

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const t = await this.train(data);
    this.mu = t.mu;
    this.bu = t.bu;
    this.bi = t.bi;
    this.q = t.q;
    this.nItems = t.bi.length;
    const k = (this.k = t.q.length / Math.max(1, t.bi.length));
    const byUser = trainCsr(data, 'user', true);
    const byItem = trainCsr(data, 'item', true);
    // Factors SGD never touched are still their random start: count them as 0 (Surprise's unknown user/item).
    for (let u = 0; u < byUser.nRows; u++) if (byUser.indptr[u + 1] === byUser.indptr[u]) t.p.fill(0, u * k, (u + 1) * k);
    for (let i = 0; i < byItem.nRows; i++) if (byItem.indptr[i + 1] === byItem.indptr[i]) this.q.fill(0, i * k, (i + 1) * k);
    this.v = t.p;
    if (t.implicit) for (let e = 0; e < this.v.length; e++) this.v[e]! += t.implicit[e]!;
    const implicit = t.implicit;
    const tuned = tuneFoldInLambda(data, this.q, k, (u, i) => this.mu + this.bi[i]! + (implicit ? dot(implicit, u * k, this.q, i * k, k) : 0));
    this.foldLambda = tuned.lambda;
    return {
      seconds: (performance.now() - start) / 1000,
      curve: t.curve,
      notes: { ...t.notes, foldInLambda: tuned.lambda, foldInValidationRmse: Number(tuned.rmse.toFixed(4)) },
    };
  }

  protected get fitted(): this {
    if (Number.isNaN(this.mu)) throw new ModelFitError(`${this.name} is not fitted yet; call fit first`);
    return this;
  }

  private estimate(bu: number, v: Float32Array, vo: number, itemIx: number): number {
    if (itemIx < 0 || itemIx >= this.nItems) return clampRating(this.mu + bu);
    return clampRating(this.mu + bu + this.bi[itemIx]! + dot(v, vo, this.q, itemIx * this.k, this.k));
  }

  /** Unknown user: b_u = 0 and v_u = 0, so mu + b_i; unknown anime: mu + b_u. */
  predict(userIx: number, itemIx: number): number {
    this.fitted;
    if (userIx < 0 || userIx >= this.bu.length) return clampRating(this.mu + (itemIx >= 0 && itemIx < this.nItems ? this.bi[itemIx]! : 0));
    return this.estimate(this.bu[userIx]!, this.v, userIx * this.k, itemIx);
  }

  /** b and p by ridge against the frozen anime factors, after the model's implicit term for the profile. */
  foldIn(profile: Profile): FactorUser {
    this.fitted;
    const k = this.k;
    const implicit = new Float32Array(k);
    this.implicitOf(profile, implicit);
    const items: number[] = [];
    const targets: number[] = [];
    for (let t = 0; t < profile.itemIx.length; t++) {
      const i = profile.itemIx[t]!;
      const s = profile.score[t]!;
      if (s <= 0 || i < 0 || i >= this.nItems) continue;
      items.push(i);
      targets.push(s - this.mu - this.bi[i]! - dot(implicit, 0, this.q, i * k, k));
    }
    const ridge = new BiasedRidge(k);
    ridge.accumulate(items, targets, this.q);
    const fold: RidgeFold = ridge.solve(this.foldLambda, { bu: 0, p: new Float32Array(k) });
    const v = fold.p;
    for (let c = 0; c < k; c++) v[c]! += implicit[c]!;
    const user: FactorUser = { model: this.name, bu: fold.bu, v };
    return items.length === 0 ? { ...user, fallback: 'no explicit ratings in the profile: anime biases only' } : user;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const u = user as FactorUser;
    return this.estimate(u.bu, u.v, 0, itemIx);
  }

  /** Ranks by predicted rating (unclipped, so the top does not tie at 10). */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const u = user as FactorUser;
    for (let i = 0; i < out.length; i++) out[i] = i < this.nItems ? this.mu + u.bu + this.bi[i]! + dot(u.v, 0, this.q, i * this.k, this.k) : this.mu + u.bu;
  }

  /** Cosine between anime factor vectors q_i. */
  similar(itemIx: number, k: number): Neighbour[] {
    this.fitted;
    return cosineNeighbours(this.q, this.k, this.nItems, itemIx, k);
  }
}

/** The k rows of a (n x dim) factor matrix with the highest cosine to row itemIx, itself excluded. */
export function cosineNeighbours(q: Float32Array, dim: number, n: number, itemIx: number, k: number): Neighbour[] {
  if (itemIx < 0 || itemIx >= n) return [];
  const normQ = dot(q, itemIx * dim, q, itemIx * dim, dim);
  if (!(normQ > 0)) return [];
  const out: Neighbour[] = [];
  for (let i = 0; i < n; i++) {
    if (i === itemIx) continue;
    const norm = dot(q, i * dim, q, i * dim, dim);
    if (norm > 0) out.push({ itemIx: i, score: dot(q, i * dim, q, itemIx * dim, dim) / Math.sqrt(norm * normQ) });
  }
  return out.sort((x, y) => y.score - x.score || x.itemIx - y.itemIx).slice(0, k);
}

/** n x dim factors drawn from N(0, std²) (Surprise's init_mean 0, init_std). */
export function normalFactors(n: number, dim: number, std: number, random: () => number): Float32Array {
  const out = new Float32Array(n * dim);
  for (let e = 0; e < out.length; e++) out[e] = std * gaussian(random);
  return out;
}

/** The user of every entry of a CSR by user (so a shuffled entry order still knows its row). */
export function rowOfEntry(csr: Csr): Int32Array {
  const out = new Int32Array(csr.indices.length);
  for (let u = 0; u < csr.nRows; u++) out.fill(u, csr.indptr[u]!, csr.indptr[u + 1]!);
  return out;
}

/** Validation RMSE of mu + b_u + b_i + q_i·v_u (v = p, or p + implicit) on explicit rows, for the epoch curve. */
export function factorRmse(data: TrainingData, mu: number, bu: Float32Array, bi: Float32Array, v: Float32Array, q: Float32Array, k: number, implicit?: Float32Array): number {
  const { userIx, itemIx, score } = data.ratings;
  const rows = data.splits.validation;
  let sse = 0;
  let n = 0;
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    const s = score[r]!;
    if (s <= 0) continue;
    const u = userIx[r]!;
    const i = itemIx[r]!;
    let est = mu + bu[u]! + bi[i]! + dot(v, u * k, q, i * k, k);
    if (implicit) est += dot(implicit, u * k, q, i * k, k);
    sse += (s - clampRating(est)) ** 2;
    n++;
  }
  return n > 0 ? Math.sqrt(sse / n) : Number.NaN;
}
