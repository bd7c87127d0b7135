/**
 * K-means clusters of users (Lloyd's algorithm, k-means++ seeding). A user is the unit-length vector of
 * their baseline residuals z = r - (mu + b_u + b_i) over the anime they rated (sparse; missing = 0), so
 * users are grouped by the direction of their taste, not by how much they rate.
 * Prediction = b_ui + the cluster's shrunk mean residual for the anime, Σ z / (n + shrink): the cluster's
 * mean rating for it, pulled towards the baseline when few members rated it.
 * k is chosen on validation RMSE from `kGrid`: each k is clustered on a seeded sample of `sampleUsers`
 * users (which also gives the within-cluster sum of squares, WCSS, per k), then every user is assigned to
 * the nearest centroid and the chosen k is refined with a few Lloyd iterations over all users.
 * Ranking: the share of the person's cluster that has each anime on their list ("what people like you watch").
 * Fold-in: the nearest centroid to the person's vector.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { createRandom } from '../../random.js';
import { trainCsr, type Csr } from '../sparse.js';
import { baselineEstimate, clampRating, fitTunedBiases, foldInUserBias, type Biases } from './baseline.js';

export interface KMeansOptions {
  /** Fixed k (skips the choice on validation; the WCSS sweep still runs over kGrid). */
  k?: number;
  kGrid?: number[];
  /** Users clustered per k in the sweep. Default 10,000. */
  sampleUsers?: number;
  iterations?: number;
  /** Lloyd iterations over all users for the chosen k. Default 5. */
  refineIterations?: number;
  seed?: number;
}

/** Unit-length residual vectors of users, as a CSR over the explicit training ratings. */
interface UserVectors {
  m: Csr;
  /** Entry values: z / ||z_u|| */
  x: Float32Array;
  /** Residuals z per entry (for the cluster means). */
  z: Float32Array;
}

export interface Clustering {
  k: number;
  /** Row-major k x nItems. */
  centroids: Float64Array;
  assignment: Int32Array;
  wcss: number;
}

function buildVectors(b: Biases, m: Csr): UserVectors {
  const x = new Float32Array(m.values.length);
  const z = new Float32Array(m.values.length);
  for (let u = 0; u < m.nRows; u++) {
    let norm = 0;
    for (let e = m.indptr[u]!; e < m.indptr[u + 1]!; e++) {
      z[e] = m.values[e]! - b.mu - b.bu[u]! - b.bi[m.indices[e]!]!;
      norm += z[e]! ** 2;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let e = m.indptr[u]!; e < m.indptr[u + 1]!; e++) x[e] = z[e]! * inv;
  }
  return { m, x, z };
}

/** Nearest centroid of a sparse unit vector (entries items[t], values vals[t]); returns [cluster, distance²]. */
function nearest(items: ArrayLike<number>, vals: ArrayLike<number>, from: number, to: number, centroids: Float64Array, norms: Float64Array, k: number, nItems: number): [number, number] {
  let sq = 0;
  for (let e = from; e < to; e++) sq += vals[e]! ** 2;
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let dot = 0;
    const o = c * nItems;
    for (let e = from; e < to; e++) dot += vals[e]! * centroids[o + items[e]!]!;
    const d = sq - 2 * dot + norms[c]!;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return [best, Math.max(bestD, 0)];
}

function centroidNorms(centroids: Float64Array, k: number, nItems: number): Float64Array {
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let i = 0; i < nItems; i++) norms[c]! += centroids[c * nItems + i]! ** 2;
  return norms;
}

/** Lloyd's iterations over the given users from initial centroids; returns the clustering. */
function lloyd(v: UserVectors, users: Int32Array, centroids: Float64Array, k: number, iterations: number): Clustering {
  const nItems = v.m.nCols;
  const assignment = new Int32Array(users.length).fill(-1);
  let wcss = 0;
  for (let it = 0; it < iterations; it++) {
    const norms = centroidNorms(centroids, k, nItems);
    let changed = 0;
    wcss = 0;
    for (let t = 0; t < users.length; t++) {
      const u = users[t]!;
      const [c, d] = nearest(v.m.indices, v.x, v.m.indptr[u]!, v.m.indptr[u + 1]!, centroids, norms, k, nItems);
      if (assignment[t] !== c) changed++;
      assignment[t] = c;
      wcss += d;
    }
    if (changed === 0 && it > 0) break;
    // New centroids: members' mean; an emptied cluster keeps its old centroid.
    const sums = new Float64Array(k * nItems);
    const sizes = new Int32Array(k);
    for (let t = 0; t < users.length; t++) {
      const u = users[t]!;
      const c = assignment[t]!;
      sizes[c]!++;
      for (let e = v.m.indptr[u]!; e < v.m.indptr[u + 1]!; e++) sums[c * nItems + v.m.indices[e]!]! += v.x[e]!;
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue;
      for (let i = 0; i < nItems; i++) centroids[c * nItems + i] = sums[c * nItems + i]! / sizes[c]!;
    }
  }
  // WCSS of the final centroids.
  const norms = centroidNorms(centroids, k, nItems);
  wcss = 0;
  for (let t = 0; t < users.length; t++) {
    const u = users[t]!;
    const [c, d] = nearest(v.m.indices, v.x, v.m.indptr[u]!, v.m.indptr[u + 1]!, centroids, norms, k, nItems);
    assignment[t] = c;
    wcss += d;
  }
  return { k, centroids, assignment, wcss };
}

/** k-means++ seeding: first centroid uniform, the rest drawn by squared distance to the nearest chosen. */
function seedCentroids(v: UserVectors, users: Int32Array, k: number, rand: () => number): Float64Array {
  const nItems = v.m.nCols;
  const centroids = new Float64Array(k * nItems);
  const d2 = new Float64Array(users.length).fill(Infinity);
  let pick = Math.floor(rand() * users.length);
  for (let c = 0; c < k; c++) {
    const u = users[pick]!;
    for (let e = v.m.indptr[u]!; e < v.m.indptr[u + 1]!; e++) centroids[c * nItems + v.m.indices[e]!] = v.x[e]!;
    if (c === k - 1) break;
    let total = 0;
    const one = centroids.subarray(c * nItems, (c + 1) * nItems);
    const norm = centroidNorms(one, 1, nItems);
    for (let t = 0; t < users.length; t++) {
      const w = users[t]!;
      const [, d] = nearest(v.m.indices, v.x, v.m.indptr[w]!, v.m.indptr[w + 1]!, one, norm, 1, nItems);
      if (d < d2[t]!) d2[t] = d;
      total += d2[t]!;
    }
    let r = rand() * total;
    pick = 0;
    for (let t = 0; t < users.length; t++) {
      r -= d2[t]!;
      if (r <= 0) {
        pick = t;
        break;
      }
    }
  }
  return centroids;
}

interface KMeansUser extends FoldedUser {
  bu: number;
  /** Cluster, or -1 when the person could not be placed. */
  cluster: number;
}

export class KMeans implements Recommender {
  readonly name = 'kmeans';
  biases: Biases | undefined;
  k = 0;
  nItems = 0;
  shrink = 5;
  centroids: Float64Array = new Float64Array(0);
  norms: Float64Array = new Float64Array(0);
  assignment = new Int32Array(0);
  /** Per cluster and anime (k x nItems): Σ z and count of members who rated it, and watch share. */
  sumZ = new Float32Array(0);
  count = new Float32Array(0);
  watchShare = new Float32Array(0);
  /** Within-cluster sum of squares per k of the sweep (on the sampled users). */
  wcssByK: { k: number; wcss: number; validationRmse: number }[] = [];

  constructor(private readonly options: KMeansOptions = {}) {}

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const b = fitTunedBiases(data);
    this.biases = b;
    const m = trainCsr(data, 'user', true);
    const v = buildVectors(b, m);
    this.nItems = m.nCols;
    const rand = createRandom(this.options.seed ?? 1);
    const users: number[] = [];
    for (let u = 0; u < m.nRows; u++) if (m.indptr[u + 1]! > m.indptr[u]!) users.push(u);
    if (users.length === 0) throw new ModelFitError('kmeans: no user has an explicit training rating to cluster');
    const allUsers = Int32Array.from(users);
    const sampleSize = Math.min(this.options.sampleUsers ?? 10_000, users.length);
    for (let t = 0; t < sampleSize; t++) {
      const swap = t + Math.floor(rand() * (users.length - t));
      [users[t], users[swap]] = [users[swap]!, users[t]!];
    }
    const sample = Int32Array.from(users.slice(0, sampleSize));
    const grid = [...new Set([...(this.options.kGrid ?? [2, 4, 8, 16, 32]), ...(this.options.k ? [this.options.k] : [])])]
      .filter((k) => k <= sampleSize)
      .sort((x, y) => x - y);
    const iterations = this.options.iterations ?? 15;

    let best: { clustering: Clustering; rmse: number; shrink: number } | undefined;
    this.wcssByK = [];
    for (const k of grid) {
      const sampled = lloyd(v, sample, seedCentroids(v, sample, k, rand), k, iterations);
      this.install(v, data, allUsers, sampled.centroids, k);
      const { rmse, shrink } = this.tuneShrink(data);
      this.wcssByK.push({ k, wcss: sampled.wcss, validationRmse: rmse });
      const wanted = this.options.k === undefined ? !best || rmse < best.rmse : k === this.options.k;
      if (wanted) best = { clustering: sampled, rmse, shrink };
    }
    const chosen = best!.clustering;
    const refined = lloyd(v, allUsers, chosen.centroids, chosen.k, this.options.refineIterations ?? 5);
    this.install(v, data, allUsers, refined.centroids, chosen.k);
    const { rmse, shrink } = this.tuneShrink(data);
    this.shrink = shrink;
    const notes: Record<string, string | number> = { k: this.k, shrink, validationRmse: Number(rmse.toFixed(4)), sampleUsers: sampleSize };
    for (const w of this.wcssByK) notes[`wcss k=${w.k}`] = Number(w.wcss.toFixed(2));
    return { seconds: (performance.now() - start) / 1000, notes };
  }

  /** Assigns every user to the nearest of these centroids and computes the per-cluster statistics. */
  private install(v: UserVectors, data: TrainingData, users: Int32Array, centroids: Float64Array, k: number): void {
    const nItems = this.nItems;
    this.k = k;
    this.centroids = centroids;
    this.norms = centroidNorms(centroids, k, nItems);
    this.assignment = new Int32Array(v.m.nRows).fill(-1);
    for (const u of users) this.assignment[u] = nearest(v.m.indices, v.x, v.m.indptr[u]!, v.m.indptr[u + 1]!, centroids, this.norms, k, nItems)[0];
    this.sumZ = new Float32Array(k * nItems);
    this.count = new Float32Array(k * nItems);
    for (const u of users) {
      const o = this.assignment[u]! * nItems;
      for (let e = v.m.indptr[u]!; e < v.m.indptr[u + 1]!; e++) {
        this.sumZ[o + v.m.indices[e]!]! += v.z[e]!;
        this.count[o + v.m.indices[e]!]!++;
      }
    }
    // Watch share over everything on members' lists (WATCHED rows included); users with only WATCHED
    // rows have no vector and are placed by their (zero) vector's nearest centroid.
    const all = trainCsr(data, 'user', false);
    const sizes = new Float64Array(k);
    this.watchShare = new Float32Array(k * nItems);
    const zero = new Float32Array(0);
    for (let u = 0; u < all.nRows; u++) {
      if (all.indptr[u + 1] === all.indptr[u]) continue;
      let c = this.assignment[u]!;
      if (c < 0) c = this.assignment[u] = nearest(zero, zero, 0, 0, centroids, this.norms, k, nItems)[0];
      sizes[c]!++;
      for (let e = all.indptr[u]!; e < all.indptr[u + 1]!; e++) this.watchShare[c * nItems + all.indices[e]!]!++;
    }
    for (let c = 0; c < k; c++) for (let i = 0; i < nItems; i++) if (sizes[c]! > 0) this.watchShare[c * nItems + i]! /= sizes[c]!;
  }

  private tuneShrink(data: TrainingData): { rmse: number; shrink: number } {
    let best = { rmse: Infinity, shrink: 5 };
    for (const shrink of [1, 3, 10, 30, 100]) {
      this.shrink = shrink;
      let sse = 0;
      let n = 0;
      for (const r of data.splits.validation) {
        const s = data.ratings.score[r]!;
        if (s <= 0) continue;
        sse += (s - this.predict(data.ratings.userIx[r]!, data.ratings.itemIx[r]!)) ** 2;
        n++;
      }
      const rmse = n > 0 ? Math.sqrt(sse / n) : 0;
      if (rmse < best.rmse) best = { rmse, shrink };
    }
    return best;
  }

  private get fitted(): Biases {
    if (!this.biases) throw new ModelFitError('kmeans is not fitted yet; call fit first');
    return this.biases;
  }

  private estimate(bu: number, cluster: number, itemIx: number): number {
    const b = this.fitted;
    if (itemIx >= this.nItems) return clampRating(b.mu + bu);
    if (cluster < 0) return baselineEstimate(b, bu, itemIx);
    const o = cluster * this.nItems + itemIx;
    return clampRating(b.mu + bu + b.bi[itemIx]! + this.sumZ[o]! / (this.count[o]! + this.shrink));
  }

  /** Unknown user (no training rows): no cluster, so the baseline; unknown anime: the user's baseline. */
  predict(userIx: number, itemIx: number): number {
    const b = this.fitted;
    if (userIx >= this.assignment.length) return baselineEstimate(b, 0, itemIx);
    return this.estimate(b.bu[userIx]!, this.assignment[userIx]!, itemIx);
  }

  foldIn(profile: Profile): KMeansUser {
    const b = this.fitted;
    const { bu, rated } = foldInUserBias(b, profile);
    const items: number[] = [];
    const vals: number[] = [];
    let norm = 0;
    for (let t = 0; t < profile.itemIx.length; t++) {
      const i = profile.itemIx[t]!;
      const s = profile.score[t]!;
      if (s <= 0 || i < 0 || i >= this.nItems) continue;
      const z = s - b.mu - bu - b.bi[i]!;
      items.push(i);
      vals.push(z);
      norm += z * z;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < vals.length; t++) vals[t]! *= inv;
    const [cluster] = nearest(items, vals, 0, items.length, this.centroids, this.norms, this.k, this.nItems);
    return rated === 0
      ? { model: this.name, bu, cluster, fallback: 'no explicit ratings in the profile: placed in the cluster nearest to no taste' }
      : { model: this.name, bu, cluster };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const u = user as KMeansUser;
    return this.estimate(u.bu, u.cluster, itemIx);
  }

  /** Share of the person's cluster with the anime on their list. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const c = (user as KMeansUser).cluster;
    this.fitted;
    if (c < 0) throw new ModelFitError('kmeans could not place this person in a cluster');
    out.set(this.watchShare.subarray(c * this.nItems, (c + 1) * this.nItems));
  }

  similar(): Neighbour[] {
    throw new ModelFitError('kmeans clusters people, not anime, so it has no notion of similar anime');
  }
}
