/**
 * BayesModel (name 'bayes'): the Gibbs-sampled factor model as a Recommender. fit runs the chain on
 * splits.train; with validation rows it chooses the burn-in and the number of kept sweeps there and
 * (refitWithValidation) replays that schedule on train + validation, as the LIBMF peer refits. Without
 * validation rows it runs the given schedule (burnIn, sweeps): the served model's fit on every row.
 * Predictions are linear (μ + b_u + b_i + p_u·q_i, clipped to 1..10) from the posterior-mean factors or
 * from kept samples (BayesOptions.serve); fold-in is the conditional mean of a new member's row given
 * the posterior-mean anime rows and the members' learnt hyperprior (one (dim+1)² Cholesky).
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { buildCsr, type Csr } from '../sparse.js';
import { cosineNeighbours } from '../baselines/factorModel.js';
import { runChain, type ChainResult, type Posterior, type ScoredRows } from './gibbs.js';
import { rowScratch, sampleRow } from './gaussianRow.js';
import { resolveBayesOptions, type BayesOptions } from './options.js';

export interface BayesFoldedUser extends FoldedUser {
  readonly model: 'bayes';
  /** dim + 1: factors, then bias. */
  readonly row: Float32Array;
}

export const BAYES_NO_RATINGS = 'no scored ratings (1-10): the members\' prior mean (anime biases and the average taste)';

/** The explicit rows of `rows` as parallel arrays. */
export function scoredRows(data: TrainingData, rows: Uint32Array): ScoredRows {
  const keep = Array.from(rows).filter((r) => data.ratings.score[r]! >= 1);
  return {
    users: Int32Array.from(keep, (r) => data.ratings.userIx[r]!),
    items: Int32Array.from(keep, (r) => data.ratings.itemIx[r]!),
    scores: Float32Array.from(keep, (r) => data.ratings.score[r]!),
  };
}

function meanScore(data: TrainingData, rows: Uint32Array): number {
  let sum = 0, n = 0;
  for (const r of rows) {
    const s = data.ratings.score[r]!;
    if (s >= 1) {
      sum += s;
      n++;
    }
  }
  return n > 0 ? sum / n : 5.5;
}

/** Runs the chain on `rows` of data (validation rows given: selection; else the fixed schedule). */
export function fitChain(data: TrainingData, rows: Uint32Array, options: BayesOptions, validation?: Uint32Array, fixed?: { burnIn: number; sweeps: number }): Promise<ChainResult> {
  const byUser = buildCsr(data.ratings, rows, { by: 'user', explicitOnly: true, nUsers: data.nUsers });
  const byItem = buildCsr(data.ratings, rows, { by: 'item', explicitOnly: true, nUsers: data.nUsers });
  const history = options.implicit
    ? { byUser: buildCsr(data.ratings, rows, { by: 'user', nUsers: data.nUsers }), byItem: buildCsr(data.ratings, rows, { by: 'item', nUsers: data.nUsers }) }
    : undefined;
  const features = options.itemFeatures ? itemFeatureCsr(data) : undefined;
  return runChain({
    byUser, byItem, globalMean: meanScore(data, rows),
    ...(validation ? { validation: scoredRows(data, validation) } : {}), ...(history ? { history } : {}), ...(features ? { features } : {}),
  }, options, fixed);
}

/** Anime x (genres, then types) as CSRs both ways: the anime feature block's rows. */
function itemFeatureCsr(data: TrainingData): { byItem: Csr; byFeature: Csr } {
  const { catalogue } = data;
  const nItems = data.ratings.nItems;
  const nGenres = catalogue.genreNames.length;
  const nFeatures = nGenres + catalogue.typeNames.length;
  const pairs: [number, number][] = [];
  for (let i = 0; i < nItems; i++) {
    for (const g of catalogue.genreIx[i] ?? []) pairs.push([i, g]);
    const t = catalogue.typeIx[i] ?? -1;
    if (t >= 0) pairs.push([i, nGenres + t]);
  }
  const build = (rows: number, cols: number, list: [number, number][]): Csr => {
    const sorted = [...list].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const indptr = new Uint32Array(rows + 1);
    for (const [r] of sorted) indptr[r + 1]!++;
    for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
    return { nRows: rows, nCols: cols, indptr, indices: Int32Array.from(sorted, (p) => p[1]), values: new Float32Array(sorted.length).fill(1) };
  };
  return { byItem: build(nItems, nFeatures, pairs), byFeature: build(nFeatures, nItems, pairs.map(([i, f]) => [f, i])) };
}

export class BayesModel implements Recommender {
  readonly name = 'bayes';
  readonly options: BayesOptions;
  private post: Posterior | undefined;
  private chosen: { burnIn: number; sweeps: number } | undefined;
  /** userIx -> MyAnimeList user id of the rows fitted (what serving maps ids with). */
  userIds: Int32Array = new Int32Array(0);

  constructor(options: Partial<BayesOptions> = {}) {
    this.options = resolveBayesOptions(options);
  }

  /** A model from a posterior read back from disk (tfFormat.ts). */
  static fromPosterior(options: Partial<BayesOptions>, posterior: Posterior, schedule?: { burnIn: number; sweeps: number }, userIds?: Int32Array): BayesModel {
    const model = new BayesModel(options);
    model.post = posterior;
    model.chosen = schedule;
    if (userIds) model.userIds = userIds;
    return model;
  }

  async fit(data: TrainingData): Promise<FitReport> {
    const started = performance.now();
    const o = this.options;
    const hasValidation = data.splits.validation.some((r) => data.ratings.score[r]! >= 1);
    let result: ChainResult;
    const notes: Record<string, string | number> = { dim: o.dim, serve: o.serve };
    if (hasValidation) {
      result = await fitChain(data, data.splits.train, o, data.splits.validation);
      notes.chosenBurnIn = result.burnIn;
      notes.chosenSweeps = result.sweeps;
      notes.validationRmse = Number(result.validationRmse!.toFixed(5));
      notes.validationRmseMeanFactors = Number(result.meanFactorRmse!.toFixed(5));
      if (o.refitWithValidation) {
        const all = Uint32Array.from([...data.splits.train, ...data.splits.validation]);
        result = await fitChain(data, all, o, undefined, { burnIn: result.burnIn, sweeps: result.sweeps });
      }
    } else {
      result = await fitChain(data, data.splits.train, o, undefined, { burnIn: o.burnIn, sweeps: o.sweeps });
    }
    this.post = result.posterior;
    this.userIds = Int32Array.from(data.ratings.userIds.subarray(0, data.nUsers));
    this.chosen = { burnIn: result.burnIn, sweeps: result.sweeps };
    notes.alpha = Number(result.posterior.alpha.toFixed(4));
    return { seconds: (performance.now() - started) / 1000, notes };
  }

  /** The (burn-in, sweeps) the last fit ran: what a fit on every row replays. */
  get schedule(): { burnIn: number; sweeps: number } | undefined {
    return this.chosen;
  }

  get posterior(): Posterior {
    if (!this.post) throw new ModelFitError('the bayes model is not trained yet');
    return this.post;
  }

  private raw(userRow: Float32Array, uo: number, items: Float32Array, itemIx: number): number {
    const { k, globalMean } = this.posterior;
    const io = itemIx * k, dim = k - 1;
    let z = globalMean + userRow[uo + dim]! + items[io + dim]!;
    for (let d = 0; d < dim; d++) z += userRow[uo + d]! * items[io + d]!;
    return z;
  }

  /** Unclipped estimate; unknown members are the members' mean row, unknown anime the global mean + member bias. */
  private estimate(u: number, itemIx: number, folded?: Float32Array): number {
    const p = this.posterior;
    if (!(itemIx >= 0 && itemIx < p.nItems)) return p.globalMean + (folded ? folded[p.k - 1]! : 0);
    if (folded) return this.raw(folded, 0, p.items, itemIx);
    const known = u >= 0 && u < p.nUsers;
    if (this.options.serve === 'samples' && p.samples.length > 0 && known && p.userCounts[u]! > 0) {
      let sum = 0;
      for (const s of p.samples) sum += this.raw(s.users, u * p.k, s.items, itemIx);
      return sum / p.samples.length;
    }
    if (!known) return this.raw(Float32Array.from(p.userHyper.mu), 0, p.items, itemIx);
    return this.raw(p.users, u * p.k, p.items, itemIx);
  }

  predict(userIx: number, itemIx: number): number {
    return clampRating(this.estimate(userIx, itemIx));
  }

  foldIn(profile: Profile): BayesFoldedUser {
    const p = this.posterior;
    const dim = p.k - 1;
    const cols: number[] = [];
    const scores: number[] = [];
    // The implicit part: every anime in the profile (watched ones too), as the chain's s_u.
    const shift = new Float64Array(dim);
    let history = 0;
    for (let j = 0; j < profile.itemIx.length; j++) {
      const i = profile.itemIx[j]!;
      if (!(i >= 0 && i < p.nItems)) continue;
      history++;
      if (p.implicitItems.length > 0) for (let d = 0; d < dim; d++) shift[d] = shift[d]! + p.implicitItems[i * dim + d]!;
      if (profile.score[j]! >= 1) {
        cols.push(i);
        scores.push(profile.score[j]!);
      }
    }
    if (history > 0) for (let d = 0; d < dim; d++) shift[d] = shift[d]! / Math.sqrt(history);
    const out = new Float64Array(p.k);
    if (cols.length > 0) {
      sampleRow(foldInItems(p), Int32Array.from(cols), Float32Array.from(scores), 0, cols.length, p.globalMean, p.alpha, p.userHyper, rowScratch(p.k), out, 0, null, shift, 0);
    } else {
      out.set(p.userHyper.mu);
    }
    const row = new Float32Array(p.k);
    for (let d = 0; d < p.k; d++) row[d] = out[d]! + (d < dim ? shift[d]! : 0);
    return cols.length > 0 ? { model: 'bayes', row } : { model: 'bayes', row, fallback: BAYES_NO_RATINGS };
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return clampRating(this.estimate(-1, itemIx, this.asFolded(user).row));
  }

  scoreItems(user: FoldedUser, out: Float32Array): void {
    const row = this.asFolded(user).row;
    for (let i = 0; i < out.length; i++) out[i] = this.estimate(-1, i, row);
  }

  similar(itemIx: number, k: number): Neighbour[] {
    const p = this.posterior;
    const dim = p.k - 1;
    const factors = new Float32Array(p.nItems * dim);
    for (let i = 0; i < p.nItems; i++) factors.set(p.items.subarray(i * p.k, i * p.k + dim), i * dim);
    return cosineNeighbours(factors, dim, p.nItems, itemIx, k);
  }

  private asFolded(user: FoldedUser): BayesFoldedUser {
    const folded = user as BayesFoldedUser;
    if (folded.model !== 'bayes' || !(folded.row instanceof Float32Array)) throw new ModelFitError(`the bayes model cannot use a person folded in by the ${user.model} model`);
    return folded;
  }
}

const itemTables = new WeakMap<Posterior, Float64Array>();
/** The posterior-mean anime rows in doubles, once per model (fold-in reads them for every member). */
function foldInItems(p: Posterior): Float64Array {
  let t = itemTables.get(p);
  if (!t) itemTables.set(p, (t = Float64Array.from(p.items)));
  return t;
}

export function clampRating(x: number): number {
  return x < 1 ? 1 : x > 10 ? 10 : x;
}
