/**
 * Content-based by genre, and a CF + content hybrid.
 * Anime are unit TF-IDF vectors over their genres (idf = log(N / anime with the genre)). A person's genre
 * profile is Σ (r - their mean rating) · vector over the anime they rated, so liked genres point one way
 * and disliked ones the other. The match of a person and an anime is the cosine of the two.
 * Rating: baseline + w · cosine, w fitted in closed form on the validation rows. Ranking: the cosine,
 * ties (same genres) broken by the anime's bias. Similar anime: cosine of genre vectors.
 * The hybrid blends item-item kNN with content: ratings (1 - a)·kNN + a·content with a chosen on
 * validation RMSE; ranking kNN score / its max + b·cosine with b chosen by Hit@10 on validation ratings.
 */
import { ModelFitError } from '../../errors.js';
import type { Catalogue } from '../../data/types.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { trainCsr, type Csr } from '../sparse.js';
import { selectTopK } from '../topK.js';
import { topKExcluding } from '../hitAtK.js';
import { hitAt } from '../metrics.js';
import { baselineEstimate, clampRating, fitTunedBiases, foldInUserBias, type Biases } from './baseline.js';
import { ItemKnn } from './knn.js';

/** Unit TF-IDF genre vectors: per itemIx, parallel genre indices and weights. */
export interface GenreVectors {
  nGenres: number;
  genres: Uint16Array[];
  weights: Float32Array[];
}

export function buildGenreVectors(catalogue: Catalogue): GenreVectors {
  const nGenres = catalogue.genreNames.length;
  const df = new Float64Array(nGenres);
  for (const g of catalogue.genreIx) for (const x of g) df[x]!++;
  const n = catalogue.genreIx.length;
  const weights = catalogue.genreIx.map((g) => {
    const w = Float32Array.from(g, (x) => Math.log(n / df[x]!));
    let norm = 0;
    for (const x of w) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return w.map((x) => x * inv);
  });
  return { nGenres, genres: catalogue.genreIx, weights };
}

interface ContentUser extends FoldedUser {
  bu: number;
  /** Unit genre profile (all zeros when there is no signal). */
  profile: Float64Array;
  items: Int32Array;
}

export class Content implements Recommender {
  readonly name = 'content';
  biases: Biases | undefined;
  vectors: GenreVectors | undefined;
  weight = 0;
  private explicitByUser: Csr | undefined;
  private cached: ContentUser | undefined;
  private cachedUser = -1;

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    this.biases = fitTunedBiases(data);
    this.vectors = buildGenreVectors(data.catalogue);
    this.explicitByUser = trainCsr(data, 'user', true);
    // Closed-form least squares of the residual on the cosine, over validation rows.
    let ec = 0;
    let cc = 0;
    const { userIx, itemIx, score } = data.ratings;
    for (const r of data.splits.validation) {
      const s = score[r]!;
      if (s <= 0) continue;
      const u = userIx[r]!;
      const cos = this.match(this.knownUser(u), itemIx[r]!);
      ec += (s - baselineEstimate(this.biases, this.biases.bu[u]!, itemIx[r]!)) * cos;
      cc += cos * cos;
    }
    this.weight = cc > 0 ? Math.max(0, ec / cc) : 0;
    return { seconds: (performance.now() - start) / 1000, notes: { genres: this.vectors.nGenres, weight: Number(this.weight.toFixed(3)) } };
  }

  private get fitted(): { b: Biases; vec: GenreVectors } {
    if (!this.biases || !this.vectors) throw new ModelFitError('content is not fitted yet; call fit first');
    return { b: this.biases, vec: this.vectors };
  }

  /** Unit genre profile from (item, score) pairs, centred on the person's mean rating. */
  private profileOf(items: ArrayLike<number>, scores: ArrayLike<number>): Float64Array {
    const { vec } = this.fitted;
    const profile = new Float64Array(vec.nGenres);
    let sum = 0;
    let n = 0;
    for (let t = 0; t < items.length; t++) {
      if (scores[t]! > 0) {
        sum += scores[t]!;
        n++;
      }
    }
    if (n === 0) return profile;
    const mean = sum / n;
    for (let t = 0; t < items.length; t++) {
      const s = scores[t]!;
      const i = items[t]!;
      if (s <= 0 || i >= vec.genres.length) continue;
      const g = vec.genres[i]!;
      const w = vec.weights[i]!;
      for (let x = 0; x < g.length; x++) profile[g[x]!]! += (s - mean) * w[x]!;
    }
    let norm = 0;
    for (const x of profile) norm += x * x;
    if (norm > 0) for (let g = 0; g < profile.length; g++) profile[g]! /= Math.sqrt(norm);
    return profile;
  }

  private knownUser(userIx: number): ContentUser {
    if (this.cachedUser === userIx && this.cached) return this.cached;
    const { b } = this.fitted;
    const m = this.explicitByUser!;
    const items = m.indices.subarray(m.indptr[userIx]!, m.indptr[userIx + 1]!);
    const scores = m.values.subarray(m.indptr[userIx]!, m.indptr[userIx + 1]!);
    this.cached = { model: this.name, bu: b.bu[userIx]!, profile: this.profileOf(items, scores), items: Int32Array.from(items) };
    this.cachedUser = userIx;
    return this.cached;
  }

  /** Cosine of a person's profile and an anime's genre vector (0 for an anime with no genres). */
  match(user: ContentUser, itemIx: number): number {
    const { vec } = this.fitted;
    const g = vec.genres[itemIx];
    if (!g) return 0;
    const w = vec.weights[itemIx]!;
    let dot = 0;
    for (let x = 0; x < g.length; x++) dot += user.profile[g[x]!]! * w[x]!;
    return dot;
  }

  private estimate(user: ContentUser, itemIx: number): number {
    const { b } = this.fitted;
    if (itemIx >= b.bi.length) return clampRating(b.mu + user.bu);
    return clampRating(baselineEstimate(b, user.bu, itemIx) + this.weight * this.match(user, itemIx));
  }

  /** Unknown user: empty profile, so the baseline; unknown anime (no genres): the baseline. */
  predict(userIx: number, itemIx: number): number {
    const { b } = this.fitted;
    if (userIx >= b.bu.length) return baselineEstimate(b, 0, itemIx);
    return this.estimate(this.knownUser(userIx), itemIx);
  }

  foldIn(profile: Profile): ContentUser {
    const { b } = this.fitted;
    const { bu } = foldInUserBias(b, profile);
    const p = this.profileOf(profile.itemIx, profile.score);
    const user: ContentUser = { model: this.name, bu, profile: p, items: Int32Array.from(profile.itemIx) };
    return p.some((x) => x !== 0) ? user : { ...user, fallback: 'no varied ratings in the profile, so no genre taste: anime biases only' };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.estimate(user as ContentUser, itemIx);
  }

  /** Genre match, ties broken by the anime's bias (scaled far below any genre difference). */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const { b } = this.fitted;
    for (let i = 0; i < out.length; i++) out[i] = this.match(user as ContentUser, i) + 1e-3 * (b.bi[i] ?? 0);
  }

  /** Anime with the most similar genre vectors (ties broken by the anime's bias), itself excluded. */
  similar(itemIx: number, k: number): Neighbour[] {
    const { b, vec } = this.fitted;
    if (itemIx < 0 || itemIx >= vec.genres.length) return [];
    const q = new Float64Array(vec.nGenres);
    vec.genres[itemIx]!.forEach((g, x) => (q[g] = vec.weights[itemIx]![x]!));
    const scores = new Float32Array(vec.genres.length);
    for (let i = 0; i < scores.length; i++) {
      let dot = 0;
      const g = vec.genres[i]!;
      for (let x = 0; x < g.length; x++) dot += q[g[x]!]! * vec.weights[i]![x]!;
      scores[i] = dot + 1e-3 * b.bi[i]!;
    }
    scores[itemIx] = -Infinity;
    return Array.from(selectTopK(scores, k), (i) => ({ itemIx: i, score: scores[i]! }));
  }
}

interface HybridUser extends FoldedUser {
  knn: FoldedUser;
  content: FoldedUser;
}

export interface CfContentOptions {
  /** Known users sampled to choose the ranking weight on validation. Default 500. */
  tuneUsers?: number;
}

export class CfContent implements Recommender {
  readonly name = 'cf-content';
  readonly knn = new ItemKnn();
  readonly content = new Content();
  ratingBlend = 0;
  rankBlend = 0;
  private fittedFlag = false;

  constructor(private readonly options: CfContentOptions = {}) {}

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const knnReport = await this.knn.fit(data);
    const knnStart = performance.now();
    await this.content.fit(data);
    const { userIx, itemIx, score } = data.ratings;
    // Rating blend: grid over a on validation RMSE.
    const truth: number[] = [];
    const a: number[] = [];
    const c: number[] = [];
    for (const r of data.splits.validation) {
      if (score[r]! <= 0) continue;
      truth.push(score[r]!);
      a.push(this.knn.predict(userIx[r]!, itemIx[r]!));
      c.push(this.content.predict(userIx[r]!, itemIx[r]!));
    }
    let bestRmse = Infinity;
    for (let g = 0; g <= 10; g++) {
      const w = g / 10;
      let sse = 0;
      for (let t = 0; t < truth.length; t++) sse += (truth[t]! - ((1 - w) * a[t]! + w * c[t]!)) ** 2;
      const rmse = truth.length > 0 ? Math.sqrt(sse / truth.length) : 0;
      if (rmse < bestRmse) {
        bestRmse = rmse;
        this.ratingBlend = w;
      }
    }
    this.fittedFlag = true;
    this.rankBlend = this.tuneRankBlend(data);
    // An item-knn fitted earlier on the same split is reused; its own fit time is counted all the same.
    const reused = knnStart - start < knnReport.seconds * 1000 * 0.5;
    return {
      seconds: (reused ? knnReport.seconds : (knnStart - start) / 1000) + (performance.now() - knnStart) / 1000,
      notes: { ratingBlend: this.ratingBlend, rankBlend: this.rankBlend, validationRmse: Number(bestRmse.toFixed(4)), itemKnnReused: reused ? 1 : 0 },
    };
  }

  /** Hit@10 on validation ratings >= 8 of sampled known users, their training rows as the profile. */
  private tuneRankBlend(data: TrainingData): number {
    const all = trainCsr(data, 'user', false);
    const liked = new Map<number, Set<number>>();
    for (const r of data.splits.validation) {
      if (data.ratings.score[r]! < 8) continue;
      const u = data.ratings.userIx[r]!;
      if (!liked.has(u)) liked.set(u, new Set());
      liked.get(u)!.add(data.ratings.itemIx[r]!);
    }
    const users = [...liked.keys()].slice(0, this.options.tuneUsers ?? 500);
    if (users.length === 0) return 0;
    const grid = [0, 0.05, 0.1, 0.2, 0.35, 0.5];
    const hits = new Float64Array(grid.length);
    const knnScores = new Float32Array(data.ratings.nItems);
    const contentScores = new Float32Array(data.ratings.nItems);
    const blended = new Float32Array(data.ratings.nItems);
    for (const u of users) {
      const from = all.indptr[u]!;
      const to = all.indptr[u + 1]!;
      const profile = { itemIx: all.indices.slice(from, to), score: Int8Array.from(all.values.subarray(from, to)) };
      this.knn.scoreItems(this.knn.foldIn(profile), knnScores);
      this.content.scoreItems(this.content.foldIn(profile), contentScores);
      const max = knnScores.reduce((m, x) => (x > m ? x : m), 0) || 1;
      grid.forEach((w, g) => {
        for (let i = 0; i < blended.length; i++) blended[i] = knnScores[i]! / max + w * contentScores[i]!;
        if (hitAt(10, topKExcluding(blended, 10, profile.itemIx), liked.get(u)!) === 1) hits[g]!++;
      });
    }
    let best = 0;
    for (let g = 1; g < grid.length; g++) if (hits[g]! > hits[best]!) best = g;
    return grid[best]!;
  }

  private check(): void {
    if (!this.fittedFlag) throw new ModelFitError('cf-content is not fitted yet; call fit first');
  }

  /** Falls back as both parts do: the baseline for an unknown user or anime. */
  predict(userIx: number, itemIx: number): number {
    this.check();
    return (1 - this.ratingBlend) * this.knn.predict(userIx, itemIx) + this.ratingBlend * this.content.predict(userIx, itemIx);
  }

  foldIn(profile: Profile): HybridUser {
    this.check();
    const knn = this.knn.foldIn(profile);
    const content = this.content.foldIn(profile);
    const fallback = knn.fallback ?? content.fallback;
    return fallback ? { model: this.name, knn, content, fallback } : { model: this.name, knn, content };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const u = user as HybridUser;
    return (1 - this.ratingBlend) * this.knn.predictFolded(u.knn, itemIx) + this.ratingBlend * this.content.predictFolded(u.content, itemIx);
  }

  scoreItems(user: FoldedUser, out: Float32Array): void {
    const u = user as HybridUser;
    this.knn.scoreItems(u.knn, out);
    const contentScores = new Float32Array(out.length);
    this.content.scoreItems(u.content, contentScores);
    const max = out.reduce((m, x) => (x > m ? x : m), 0) || 1;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / max + this.rankBlend * contentScores[i]!;
  }

  /** Item-item kNN neighbours (the CF half). */
  similar(itemIx: number, k: number): Neighbour[] {
    this.check();
    return this.knn.similar(itemIx, k);
  }
}
