/**
 * Neighbourhood models on baseline residuals z = r - (mu + b_u + b_i) (Surprise's KNNBaseline with the
 * pearson_baseline similarity: sums over co-rated pairs, shrunk by (n - 1) / (n - 1 + shrinkage)).
 * A rating is predicted as b_ui + Σ s·z / (Σ s + gamma) over the k most similar neighbours with s > 0 that
 * rated it; gamma (0 in Surprise) is chosen on validation and pulls thin neighbourhoods towards the baseline.
 * Ranking (scoreItems) is the classic top-N form on who watched what (WATCHED rows count): binary cosine
 * of co-occurrence, summed over the person's anime (item-item) or over their nearest people (user-user).
 *
 * Scale limits, both deterministic and seeded:
 * - item-item: similarities come from co-occurrence over users, cost Σ_u n_u². A user with more than
 *   `maxItemsPerUser` anime on their list contributes a seeded random subset of that size.
 * - user-user: neighbours are drawn from a pool of at most `poolSize` (8,000) training users (a seeded
 *   sample when there are more), and similarities to the pool are computed once per person (cached for
 *   the last one, so predictions should come grouped by user, as evaluate.ts does).
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { createRandom } from '../../random.js';
import { trainCsr, type Csr } from '../sparse.js';
import { selectTopK } from '../topK.js';
import { baselineEstimate, clampRating, fitTunedBiases, foldInUserBias, type BiasOptions, type Biases } from './baseline.js';

/** Rows of a user-by-item (or item-by-user) matrix with residuals and an explicit flag per entry. */
interface ResidualCsr {
  indptr: Uint32Array;
  indices: Int32Array;
  /** Residual of an explicit rating; 0 for a WATCHED row. */
  z: Float32Array;
  explicit: Uint8Array;
}

function residualOf(b: Biases, u: number, i: number, s: number): number {
  return s > 0 ? s - b.mu - b.bu[u]! - b.bi[i]! : 0;
}

/** Transposes a ResidualCsr with nCols columns. */
function transpose(m: ResidualCsr, nRows: number, nCols: number): ResidualCsr {
  const indptr = new Uint32Array(nCols + 1);
  const n = m.indices.length;
  for (let e = 0; e < n; e++) indptr[m.indices[e]! + 1]!++;
  for (let c = 0; c < nCols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, nCols);
  const indices = new Int32Array(n);
  const z = new Float32Array(n);
  const explicit = new Uint8Array(n);
  for (let r = 0; r < nRows; r++) {
    for (let e = m.indptr[r]!; e < m.indptr[r + 1]!; e++) {
      const at = cursor[m.indices[e]!]!++;
      indices[at] = r;
      z[at] = m.z[e]!;
      explicit[at] = m.explicit[e]!;
    }
  }
  return { indptr, indices, z, explicit };
}

/** Accumulators of one similarity row (against every item, or every pool user), reset sparsely. */
class SimilarityRow {
  dot: Float64Array;
  sqA: Float64Array;
  sqB: Float64Array;
  common: Int32Array;
  co: Int32Array;
  touched: Int32Array;
  nTouched = 0;

  constructor(size: number) {
    this.dot = new Float64Array(size);
    this.sqA = new Float64Array(size);
    this.sqB = new Float64Array(size);
    this.common = new Int32Array(size);
    this.co = new Int32Array(size);
    this.touched = new Int32Array(size);
  }

  /** pearson_baseline similarity with shrinkage for column c. */
  rating(c: number, shrinkage: number): number {
    const n = this.common[c]!;
    if (n < 2) return 0;
    const den = Math.sqrt(this.sqA[c]! * this.sqB[c]!);
    return den > 0 ? ((this.dot[c]! / den) * (n - 1)) / (n - 1 + shrinkage) : 0;
  }

  reset(): void {
    for (let t = 0; t < this.nTouched; t++) {
      const c = this.touched[t]!;
      this.dot[c] = 0;
      this.sqA[c] = 0;
      this.sqB[c] = 0;
      this.common[c] = 0;
      this.co[c] = 0;
    }
    this.nTouched = 0;
  }
}

/** Per-anime neighbour lists, best first, as CSR (list i spans ptr[i]..ptr[i+1]-1), so a list may hold every neighbour. */
export class NeighbourLists {
  ptr: Uint32Array;
  ix: Int32Array = new Int32Array(0);
  sim: Float32Array = new Float32Array(0);
  private size = 0;

  constructor(nItems: number, private readonly keep: number) {
    this.ptr = new Uint32Array(nItems + 1);
  }

  /** Appends list i: the `keep` best (column, score) pairs with score > 0 (scores is overwritten). Lists go in order. */
  append(i: number, cols: Int32Array, scores: Float64Array, n: number): void {
    const view = scores.subarray(0, n);
    for (let t = 0; t < n; t++) if (!(view[t]! > 0)) view[t] = -Infinity;
    const best = selectTopK(view, this.keep);
    if (this.size + best.length > this.ix.length) {
      const capacity = Math.max(1024, 2 * (this.size + best.length));
      const ix = new Int32Array(capacity);
      const sim = new Float32Array(capacity);
      ix.set(this.ix.subarray(0, this.size));
      sim.set(this.sim.subarray(0, this.size));
      [this.ix, this.sim] = [ix, sim];
    }
    for (let t = 0; t < best.length; t++) {
      this.ix[this.size + t] = cols[best[t]!]!;
      this.sim[this.size + t] = view[best[t]!]!;
    }
    this.size += best.length;
    this.ptr[i + 1] = this.size;
  }

  /** Drops the spare capacity once every list is in. */
  trim(): void {
    this.ix = this.ix.slice(0, this.size);
    this.sim = this.sim.slice(0, this.size);
  }
}

/**
 * Chooses gamma in b_ui + Σ s·z / (Σ s + gamma) on validation rows: gamma pulls an estimate resting on few
 * or weak neighbours back towards the baseline. `parts` gives (num, den) per row; rows are visited in user
 * order for the per-user caches, over a seeded subset of at most maxUsers users.
 */
function tuneGamma(data: TrainingData, b: Biases, parts: (u: number, i: number) => [number, number], maxUsers: number): number {
  const { userIx, itemIx, score } = data.ratings;
  const rows = Array.from(data.splits.validation).filter((r) => score[r]! > 0);
  const users = [...new Set(rows.map((r) => userIx[r]!))];
  const stride = Math.max(1, Math.ceil(users.length / maxUsers));
  const chosen = rows.filter((r) => userIx[r]! % stride === 0).sort((x, y) => userIx[x]! - userIx[y]! || x - y);
  const grid = [0, 0.25, 0.5, 1, 2, 4, 8];
  const sse = new Float64Array(grid.length);
  for (const r of chosen) {
    const u = userIx[r]!;
    const i = itemIx[r]!;
    const [num, den] = parts(u, i);
    const base = b.mu + b.bu[u]! + b.bi[i]!;
    grid.forEach((g, t) => {
      sse[t]! += (score[r]! - clampRating(base + (den > 0 ? num / (den + g) : 0))) ** 2;
    });
  }
  let best = 0;
  for (let t = 1; t < grid.length; t++) if (sse[t]! < sse[best]!) best = t;
  return chosen.length > 0 ? grid[best]! : 0;
}

export interface ItemKnnOptions {
  /** Neighbours used per prediction (Surprise's k). Default 40. */
  neighbours?: number;
  /** Rating neighbours stored per anime (Infinity: every one with a positive similarity). Default 200. */
  keep?: number;
  /** Co-watch neighbours stored per anime for ranking. Default 100. */
  keepRank?: number;
  shrinkage?: number;
  /** Users with more anime contribute a seeded sample of this many to the similarities (Infinity: all). Default 500. */
  maxItemsPerUser?: number;
  seed?: number;
  /** Fixed bias regularisation and sweeps; default: tuned on validation (fitTunedBiases). */
  biases?: BiasOptions;
  /** Fixed denominator regulariser; default: tuned on validation (tuneGamma). */
  gamma?: number;
}

interface KnnUser extends FoldedUser {
  bu: number;
  /** Dense residuals per itemIx, NaN where the person has no explicit rating. */
  z: Float32Array;
  items: Int32Array;
}

const fittedItemKnn = new WeakMap<object, Map<string, { model: ItemKnn; report: FitReport }>>();

export class ItemKnn implements Recommender {
  readonly name: string = 'item-knn';
  biases: Biases | undefined;
  nItems = 0;
  keep = 0;
  keepRank = 0;
  /** Rating neighbours (pearson_baseline, shrunk) and ranking neighbours (co-watch cosine) per anime. */
  rating = new NeighbourLists(0, 0);
  ranking = new NeighbourLists(0, 0);
  private explicitByUser: Csr | undefined;
  private cached: KnnUser | undefined;
  private cachedUser = -1;
  readonly k: number;
  /** Denominator regulariser, tuned on validation (see tuneGamma). */
  gamma = 0;

  constructor(private readonly options: ItemKnnOptions = {}) {
    this.k = options.neighbours ?? 40;
  }

  /**
   * Fits, or adopts the state of an ItemKnn already fitted with the same options on the same splits (the
   * eval table fits item-knn and cf-content on one split; the neighbour lists are the expensive part).
   * The report is the original fit's, so training time stays the cost of fitting from scratch.
   */
  async fit(data: TrainingData): Promise<FitReport> {
    const key = JSON.stringify(this.options);
    let bySplits = fittedItemKnn.get(data.splits);
    if (!bySplits) fittedItemKnn.set(data.splits, (bySplits = new Map()));
    const known = bySplits.get(key);
    if (known && known.model.nItems === data.ratings.nItems) {
      Object.assign(this, { ...known.model, cached: undefined, cachedUser: -1 });
      return known.report;
    }
    const report = await this.fitFresh(data);
    bySplits.set(key, { model: this, report });
    return report;
  }

  private async fitFresh(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const b = fitTunedBiases(data, this.options.biases);
    this.biases = b;
    this.explicitByUser = trainCsr(data, 'user', true);
    const all = trainCsr(data, 'user', false);
    const nItems = data.ratings.nItems;
    this.nItems = nItems;
    const cap = this.options.maxItemsPerUser ?? 500;
    const shrinkage = this.options.shrinkage ?? 100;
    const rand = createRandom(this.options.seed ?? 2);

    // Sampled user x item residual matrix (a user's whole list when it is within the cap).
    const lengths = new Uint32Array(all.nRows + 1);
    for (let u = 0; u < all.nRows; u++) lengths[u + 1] = lengths[u]! + Math.min(cap, all.indptr[u + 1]! - all.indptr[u]!);
    const byUser: ResidualCsr = {
      indptr: lengths,
      indices: new Int32Array(lengths[all.nRows]!),
      z: new Float32Array(lengths[all.nRows]!),
      explicit: new Uint8Array(lengths[all.nRows]!),
    };
    let sampledUsers = 0;
    for (let u = 0; u < all.nRows; u++) {
      const from = all.indptr[u]!;
      const n = all.indptr[u + 1]! - from;
      let picks: number[] | undefined;
      if (n > cap) {
        sampledUsers++;
        const order = Array.from({ length: n }, (_, t) => t);
        for (let t = 0; t < cap; t++) {
          const swap = t + Math.floor(rand() * (n - t));
          [order[t], order[swap]] = [order[swap]!, order[t]!];
        }
        picks = order.slice(0, cap).sort((x, y) => x - y);
      }
      const m = picks ? cap : n;
      for (let t = 0; t < m; t++) {
        const e = from + (picks ? picks[t]! : t);
        const at = lengths[u]! + t;
        const i = all.indices[e]!;
        const s = all.values[e]!;
        byUser.indices[at] = i;
        byUser.z[at] = residualOf(b, u, i, s);
        byUser.explicit[at] = s > 0 ? 1 : 0;
      }
    }
    const byItem = transpose(byUser, all.nRows, nItems);

    const keep = this.options.keep ?? 200;
    const keepRank = this.options.keepRank ?? 100;
    this.keep = keep;
    this.keepRank = keepRank;
    this.rating = new NeighbourLists(nItems, keep);
    this.ranking = new NeighbourLists(nItems, keepRank);
    const row = new SimilarityRow(nItems);
    const watchers = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) watchers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    const cols = new Int32Array(nItems);
    const ratingScore = new Float64Array(nItems);
    const rankScore = new Float64Array(nItems);
    // The hot loop (Σ_u n_u² pairs), written against local arrays rather than SimilarityRow.add.
    const { dot, sqA, sqB, common, co, touched } = row;
    const uIndptr = byUser.indptr;
    const uIndices = byUser.indices;
    const uZ = byUser.z;
    const uExplicit = byUser.explicit;
    for (let i = 0; i < nItems; i++) {
      let nTouched = 0;
      for (let e = byItem.indptr[i]!; e < byItem.indptr[i + 1]!; e++) {
        const u = byItem.indices[e]!;
        const za = byItem.z[e]!;
        const ea = byItem.explicit[e]!;
        const end = uIndptr[u + 1]!;
        for (let f = uIndptr[u]!; f < end; f++) {
          const j = uIndices[f]!;
          if (co[j] === 0) touched[nTouched++] = j;
          co[j]!++;
          if (ea & uExplicit[f]!) {
            const zb = uZ[f]!;
            dot[j]! += za * zb;
            sqA[j]! += za * za;
            sqB[j]! += zb * zb;
            common[j]!++;
          }
        }
      }
      // The item itself was counted as its own co-occurrence: drop it.
      co[i] = 0;
      dot[i] = 0;
      sqA[i] = 0;
      sqB[i] = 0;
      common[i] = 0;
      let kept = 0;
      for (let t = 0; t < nTouched; t++) if (touched[t] !== i) touched[kept++] = touched[t]!;
      row.nTouched = kept;
      for (let t = 0; t < row.nTouched; t++) {
        const j = row.touched[t]!;
        cols[t] = j;
        ratingScore[t] = row.rating(j, shrinkage);
        rankScore[t] = row.co[j]! / Math.sqrt(watchers[i]! * watchers[j]!);
      }
      this.rating.append(i, cols, ratingScore, row.nTouched);
      this.ranking.append(i, cols, rankScore, row.nTouched);
      row.reset();
    }
    this.rating.trim();
    this.ranking.trim();
    this.gamma = this.options.gamma ?? tuneGamma(data, b, (u, i) => this.parts(this.knownUser(u), i), 5000);
    return {
      seconds: (performance.now() - start) / 1000,
      notes: { neighbours: this.k, keep, shrinkage, gamma: this.gamma, maxItemsPerUser: cap, sampledUsers },
    };
  }

  private get fitted(): Biases {
    if (!this.biases) throw new ModelFitError(`${this.name} is not fitted yet; call fit first`);
    return this.biases;
  }

  /** A known user's state from their training rows (cached for the last user asked). */
  private knownUser(userIx: number): KnnUser {
    if (this.cachedUser === userIx && this.cached) return this.cached;
    const m = this.explicitByUser!;
    const items = m.indices.subarray(m.indptr[userIx]!, m.indptr[userIx + 1]!);
    const z = new Float32Array(this.nItems).fill(Number.NaN);
    const b = this.fitted;
    for (let e = m.indptr[userIx]!; e < m.indptr[userIx + 1]!; e++) z[m.indices[e]!] = residualOf(b, userIx, m.indices[e]!, m.values[e]!);
    this.cached = { model: this.name, bu: b.bu[userIx]!, z, items: Int32Array.from(items) };
    this.cachedUser = userIx;
    return this.cached;
  }

  /** Baseline plus the weighted residuals of the k most similar anime the person rated. */
  estimate(user: KnnUser, itemIx: number): number {
    const b = this.fitted;
    if (itemIx >= this.nItems) return clampRating(b.mu + user.bu);
    const [num, den] = this.parts(user, itemIx);
    return clampRating(b.mu + user.bu + b.bi[itemIx]! + (den > 0 ? num / (den + this.gamma) : 0));
  }

  /** Σ s·z and Σ s over the k most similar anime the person rated (s > 0). */
  private parts(user: KnnUser, itemIx: number): [number, number] {
    let num = 0;
    let den = 0;
    let used = 0;
    const { ptr, ix, sim } = this.rating;
    const end = ptr[itemIx + 1]!;
    for (let e = ptr[itemIx]!; e < end && used < this.k; e++) {
      const zj = user.z[ix[e]!]!;
      if (Number.isNaN(zj)) continue;
      const s = sim[e]!;
      num += s * zj;
      den += s;
      used++;
    }
    return [num, den];
  }

  /** Unknown user: no rated neighbours, so the baseline (b_u = 0); unknown anime: the user's baseline. */
  predict(userIx: number, itemIx: number): number {
    const b = this.fitted;
    if (userIx >= b.bu.length) return baselineEstimate(b, 0, itemIx);
    return this.estimate(this.knownUser(userIx), itemIx);
  }

  foldIn(profile: Profile): KnnUser {
    const b = this.fitted;
    const { bu, rated } = foldInUserBias(b, profile);
    const z = new Float32Array(this.nItems).fill(Number.NaN);
    const items: number[] = [];
    for (let k = 0; k < profile.itemIx.length; k++) {
      const i = profile.itemIx[k]!;
      if (i < 0 || i >= this.nItems) continue;
      items.push(i);
      const s = profile.score[k]!;
      if (s > 0) z[i] = s - b.mu - bu - b.bi[i]!;
    }
    const user: KnnUser = { model: this.name, bu, z, items: Int32Array.from(items) };
    return rated === 0 ? { ...user, fallback: 'no explicit ratings in the profile: anime biases only' } : user;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.estimate(user as KnnUser, itemIx);
  }

  /** Σ over the person's anime (watched or rated) of the co-watch cosine to each candidate. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    out.fill(0);
    const items = (user as KnnUser).items;
    for (let t = 0; t < items.length; t++) {
      const j = items[t]!;
      const { ptr, ix, sim } = this.ranking;
      for (let e = ptr[j]!; e < ptr[j + 1]!; e++) out[ix[e]!]! += sim[e]!;
    }
  }

  /** The anime with the highest rating similarity (pearson_baseline, shrunk), itself excluded. */
  similar(itemIx: number, k: number): Neighbour[] {
    this.fitted;
    if (itemIx < 0 || itemIx >= this.nItems) return [];
    const out: Neighbour[] = [];
    const { ptr, ix, sim } = this.rating;
    for (let e = ptr[itemIx]!; e < Math.min(ptr[itemIx]! + k, ptr[itemIx + 1]!); e++) out.push({ itemIx: ix[e]!, score: sim[e]! });
    return out;
  }
}

/**
 * Surprise's KNNBaseline with its defaults, exactly: item-based, pearson_baseline similarity with shrinkage
 * 100 over every co-rating (no per-user sample), baselines by ALS (reg_u 15, reg_i 10, 10 epochs, not
 * tuned), k = 40 among every anime the user rated (all positive-similarity neighbours stored), min_k 1 and
 * the plain b_ui + Σ s·z / Σ s (gamma 0). item-knn is the same model with its choices tuned on validation.
 */
export const SURPRISE_KNN_BASELINE: ItemKnnOptions = {
  neighbours: 40,
  keep: Infinity,
  shrinkage: 100,
  maxItemsPerUser: Infinity,
  biases: { regUser: 15, regItem: 10, sweeps: 10 },
  gamma: 0,
};

export class KnnBaseline extends ItemKnn {
  override readonly name: string = 'knn-baseline';

  constructor(options: ItemKnnOptions = {}) {
    super({ ...SURPRISE_KNN_BASELINE, ...options });
  }
}

export interface UserKnnOptions {
  /** Neighbours used per prediction. Default 40. */
  neighbours?: number;
  /** Nearest people (by co-watch cosine) whose lists are summed for ranking. Default 50. */
  rankNeighbours?: number;
  /** Most training users considered as neighbours (seeded sample). Default 8000. */
  poolSize?: number;
  shrinkage?: number;
  seed?: number;
}

interface UserKnnUser extends FoldedUser {
  bu: number;
  /** Rating similarity to each pool member (0 for the person themself). */
  sim: Float32Array;
  rankPool: Int32Array;
  rankWeight: Float32Array;
}

export class UserKnn implements Recommender {
  readonly name = 'user-knn';
  biases: Biases | undefined;
  nItems = 0;
  poolUsers = new Int32Array(0);
  poolOf = new Int32Array(0);
  /** Denominator regulariser, tuned on validation (see tuneGamma). */
  gamma = 0;
  private poolByItem: ResidualCsr | undefined;
  private all: Csr | undefined;
  private row: SimilarityRow | undefined;
  private cached: UserKnnUser | undefined;
  private cachedUser = -1;
  private readonly k: number;
  private readonly rankNeighbours: number;
  private readonly shrinkage: number;
  private readonly topS: Float64Array;
  private readonly topZ: Float64Array;

  constructor(private readonly options: UserKnnOptions = {}) {
    this.k = options.neighbours ?? 40;
    this.rankNeighbours = options.rankNeighbours ?? 50;
    this.shrinkage = options.shrinkage ?? 100;
    this.topS = new Float64Array(this.k);
    this.topZ = new Float64Array(this.k);
  }

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const b = fitTunedBiases(data);
    this.biases = b;
    const all = trainCsr(data, 'user', false);
    this.all = all;
    this.nItems = data.ratings.nItems;
    const candidates: number[] = [];
    for (let u = 0; u < all.nRows; u++) if (all.indptr[u + 1]! > all.indptr[u]!) candidates.push(u);
    const poolSize = Math.min(this.options.poolSize ?? 8000, candidates.length);
    const rand = createRandom(this.options.seed ?? 1);
    for (let t = 0; t < poolSize; t++) {
      const swap = t + Math.floor(rand() * (candidates.length - t));
      [candidates[t], candidates[swap]] = [candidates[swap]!, candidates[t]!];
    }
    this.poolUsers = Int32Array.from(candidates.slice(0, poolSize)).sort();
    this.poolOf = new Int32Array(all.nRows).fill(-1);
    this.poolUsers.forEach((u, p) => (this.poolOf[u] = p));
    this.row = new SimilarityRow(poolSize);
    this.cached = undefined;
    this.cachedUser = -1;

    // Pool members' rows as a pool x item residual matrix, then by item.
    const indptr = new Uint32Array(poolSize + 1);
    for (let p = 0; p < poolSize; p++) indptr[p + 1] = indptr[p]! + all.indptr[this.poolUsers[p]! + 1]! - all.indptr[this.poolUsers[p]!]!;
    const byPool: ResidualCsr = { indptr, indices: new Int32Array(indptr[poolSize]!), z: new Float32Array(indptr[poolSize]!), explicit: new Uint8Array(indptr[poolSize]!) };
    for (let p = 0; p < poolSize; p++) {
      const u = this.poolUsers[p]!;
      for (let e = all.indptr[u]!, at = indptr[p]!; e < all.indptr[u + 1]!; e++, at++) {
        const i = all.indices[e]!;
        const s = all.values[e]!;
        byPool.indices[at] = i;
        byPool.z[at] = residualOf(b, u, i, s);
        byPool.explicit[at] = s > 0 ? 1 : 0;
      }
    }
    this.poolByItem = transpose(byPool, poolSize, this.nItems);
    this.gamma = tuneGamma(data, b, (u, i) => this.parts(this.knownUser(u), i), 3000);
    return {
      seconds: (performance.now() - start) / 1000,
      notes: { neighbours: this.k, rankNeighbours: this.rankNeighbours, pool: poolSize, shrinkage: this.shrinkage, gamma: this.gamma },
    };
  }

  private get fitted(): Biases {
    if (!this.biases) throw new ModelFitError('user-knn is not fitted yet; call fit first');
    return this.biases;
  }

  /**
   * Similarities of a person (items, residuals, explicit flags) to every pool member, into `sim`; with
   * `rank`, also their nearest pool members by co-watch cosine (only fold-in needs those).
   */
  private similarities(items: ArrayLike<number>, z: ArrayLike<number>, explicit: ArrayLike<number>, selfPool: number, bu: number, sim: Float32Array, rank: boolean): UserKnnUser {
    const m = this.poolByItem!;
    const row = this.row!;
    // The hot loop, against local arrays (as in ItemKnn.fitFresh).
    const { dot, sqA, sqB, common, co, touched } = row;
    const mIndices = m.indices;
    const mZ = m.z;
    const mExplicit = m.explicit;
    let nTouched = 0;
    for (let t = 0; t < items.length; t++) {
      const i = items[t]!;
      const za = z[t]!;
      const ea = explicit[t]!;
      const end = m.indptr[i + 1]!;
      for (let e = m.indptr[i]!; e < end; e++) {
        const p = mIndices[e]!;
        if (co[p] === 0) touched[nTouched++] = p;
        co[p]!++;
        if (ea & mExplicit[e]!) {
          const zb = mZ[e]!;
          dot[p]! += za * zb;
          sqA[p]! += za * za;
          sqB[p]! += zb * zb;
          common[p]!++;
        }
      }
    }
    row.nTouched = nTouched;
    sim.fill(0);
    for (let t = 0; t < row.nTouched; t++) {
      const p = row.touched[t]!;
      if (p !== selfPool) sim[p] = row.rating(p, this.shrinkage);
    }
    let rankPool: Int32Array = new Int32Array(0);
    let rankWeight: Float32Array = new Float32Array(0);
    if (rank) {
      const all = this.all!;
      const cosine = new Float64Array(this.poolUsers.length).fill(-Infinity);
      for (let t = 0; t < row.nTouched; t++) {
        const p = row.touched[t]!;
        if (p === selfPool) continue;
        const u = this.poolUsers[p]!;
        cosine[p] = row.co[p]! / Math.sqrt(items.length * (all.indptr[u + 1]! - all.indptr[u]!));
      }
      rankPool = selectTopK(cosine, this.rankNeighbours);
      rankWeight = Float32Array.from(rankPool, (p) => cosine[p]!);
    }
    row.reset();
    return { model: this.name, bu, sim, rankPool, rankWeight };
  }

  private knownUser(userIx: number): UserKnnUser {
    if (this.cachedUser === userIx && this.cached) return this.cached;
    const b = this.fitted;
    const all = this.all!;
    const from = all.indptr[userIx]!;
    const to = all.indptr[userIx + 1]!;
    const items = all.indices.subarray(from, to);
    const z = new Float32Array(to - from);
    const explicit = new Uint8Array(to - from);
    for (let e = from; e < to; e++) {
      z[e - from] = residualOf(b, userIx, all.indices[e]!, all.values[e]!);
      explicit[e - from] = all.values[e]! > 0 ? 1 : 0;
    }
    // One similarity buffer is reused for known users (only the last one is cached).
    const sim = this.cached?.sim ?? new Float32Array(this.poolUsers.length);
    this.cached = this.similarities(items, z, explicit, this.poolOf[userIx]!, b.bu[userIx]!, sim, false);
    this.cachedUser = userIx;
    return this.cached;
  }

  /** Σ s·z and Σ s over the k most similar pool members who rated the anime (s > 0). */
  private parts(user: UserKnnUser, itemIx: number): [number, number] {
    const m = this.poolByItem!;
    const topS = this.topS;
    const topZ = this.topZ;
    let n = 0;
    for (let e = m.indptr[itemIx]!; e < m.indptr[itemIx + 1]!; e++) {
      if (!m.explicit[e]) continue;
      const s = user.sim[m.indices[e]!]!;
      if (s <= 0 || (n === this.k && s <= topS[n - 1]!)) continue;
      let at = n < this.k ? n++ : n - 1;
      while (at > 0 && topS[at - 1]! < s) {
        topS[at] = topS[at - 1]!;
        topZ[at] = topZ[at - 1]!;
        at--;
      }
      topS[at] = s;
      topZ[at] = m.z[e]!;
    }
    let num = 0;
    let den = 0;
    for (let t = 0; t < n; t++) {
      num += topS[t]! * topZ[t]!;
      den += topS[t]!;
    }
    return [num, den];
  }

  private estimate(user: UserKnnUser, itemIx: number): number {
    const b = this.fitted;
    if (itemIx >= this.nItems) return clampRating(b.mu + user.bu);
    const [num, den] = this.parts(user, itemIx);
    return clampRating(b.mu + user.bu + b.bi[itemIx]! + (den > 0 ? num / (den + this.gamma) : 0));
  }

  /** Unknown user: no similar people, so the baseline (b_u = 0); unknown anime: the user's baseline. */
  predict(userIx: number, itemIx: number): number {
    const b = this.fitted;
    if (userIx >= b.bu.length) return baselineEstimate(b, 0, itemIx);
    return this.estimate(this.knownUser(userIx), itemIx);
  }

  /** The person's own rows are compared with the pool directly (user-user needs no model change). */
  foldIn(profile: Profile): UserKnnUser {
    const b = this.fitted;
    const { bu, rated } = foldInUserBias(b, profile);
    const items: number[] = [];
    const z: number[] = [];
    const explicit: number[] = [];
    for (let k = 0; k < profile.itemIx.length; k++) {
      const i = profile.itemIx[k]!;
      if (i < 0 || i >= this.nItems) continue;
      const s = profile.score[k]!;
      items.push(i);
      z.push(s > 0 ? s - b.mu - bu - b.bi[i]! : 0);
      explicit.push(s > 0 ? 1 : 0);
    }
    const user = this.similarities(items, z, explicit, -1, bu, new Float32Array(this.poolUsers.length), true);
    if (items.length === 0) return { ...user, fallback: 'empty profile: anime biases only, nothing to rank by' };
    return rated === 0 ? { ...user, fallback: 'no explicit ratings in the profile: anime biases only' } : user;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.estimate(user as UserKnnUser, itemIx);
  }

  /** Σ over the nearest people (co-watch cosine) of their weight, for each anime on their lists. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    out.fill(0);
    const u = user as UserKnnUser;
    const all = this.all!;
    for (let t = 0; t < u.rankPool.length; t++) {
      const v = this.poolUsers[u.rankPool[t]!]!;
      const w = u.rankWeight[t]!;
      for (let e = all.indptr[v]!; e < all.indptr[v + 1]!; e++) out[all.indices[e]!]! += w;
    }
  }

  similar(): Neighbour[] {
    throw new ModelFitError('user-knn compares people, not anime, so it has no notion of similar anime');
  }
}
