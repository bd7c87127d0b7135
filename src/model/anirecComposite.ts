/**
 * The composite model the bot and the CLI serve (name 'anirec'): the explicit embedding model says how
 * much a person would enjoy an anime, the implicit WRMF model how likely they are to watch it at all.
 * Ranking blends the two, so people get anime they are likely both to watch and to enjoy rather than
 * obscure titles with a high predicted score:
 *   score_i = pref_i / max_j pref_j + beta * (predicted rating_i - the person's mean rating)
 * Ratings themselves (predict, predictFolded) come from the explicit model alone.
 */
import { ModelFitError } from '../errors.js';
import { WATCHED, type Catalogue } from '../data/types.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from './recommender.js';
import type { EmbeddingFoldedUser, EmbeddingModel } from './embedding/index.js';
import { ImplicitModel, type ImplicitUser } from './implicit/index.js';
import { selectTopK } from './topK.js';

export interface ModelInfo {
  name: string;
  trainedAt: string;
  dataFingerprint: string;
  backend: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  explicitModel: 'embedding' | 'hybrid';
}

export interface AnirecModel extends Recommender {
  /** The anime the model knows (itemIx as in training). */
  readonly catalogue: Catalogue;
  readonly info: ModelInfo;
  /** Per itemIx, for fallbacks and the bot's "popular picks" (training rows, rated or watched). */
  readonly popularity: Float32Array;
  /** itemIx of the person's liked anime that most explain recommending itemIx ("because you liked ..."), best first. */
  explain(profile: Profile, itemIx: number, limit?: number): number[];
  /** Top-N for a folded-in person, excluding excludeItems (their profile), optional filter by genre/type. */
  recommend(user: FoldedUser, n: number, options?: { exclude?: Int32Array | Set<number>; filter?: (itemIx: number) => boolean }): Neighbour[];
  /** Serialisable fold-in result so the bot can store a member's vector. */
  exportUser(user: FoldedUser): Float32Array;
  importUser(vector: Float32Array): FoldedUser;
}

/** A person as the composite sees them: both fold-ins plus their mean explicit rating. */
export interface AnirecUser extends FoldedUser {
  readonly model: 'anirec';
  readonly explicit: EmbeddingFoldedUser;
  readonly implicit: ImplicitUser;
  /** Mean of the person's 1..10 scores (the training mean when they gave none). */
  readonly mean: number;
}

/** How ranking and similarity blend the parts; saved in info.params. */
export interface BlendParams {
  /** Weight of (predicted rating - person's mean), in preference units per rating point. */
  beta: number;
  /** similar(): genre weight = genrePrior / (genrePrior + rating count of the query anime). */
  genrePrior: number;
}

export const DEFAULT_BLEND: BlendParams = { beta: 0.1, genrePrior: 20 };

export const NO_PROFILE = 'no known anime in the profile: ranked by popularity';

/** explain() compares a pick with at most this many liked anime (the best scored). */
export const EXPLAIN_CANDIDATES = 200;

// exportUser layout: [version, flags, mean, explicit bias, explicit vector..., implicit vector...]
const EXPORT_VERSION = 1;
const FLAG_EXPLICIT_FALLBACK = 1;
const FLAG_IMPLICIT_FALLBACK = 2;

export interface CompositeParts {
  catalogue: Catalogue;
  explicit: EmbeddingModel;
  implicit: ImplicitModel;
  popularity: Float32Array;
  /** Explicit training ratings per itemIx (how far the embedding of an anime can be trusted). */
  ratingCount: Float32Array;
  /** Mean explicit training rating (a person with no scores gets it as their mean). */
  globalMean: number;
  blend: BlendParams;
  info: ModelInfo;
}

/** Rows scaled to unit length (a zero row stays zero, so its cosine with anything is 0). */
function unitRows(factors: Float32Array, n: number, dim: number): Float32Array {
  const unit = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += factors[i * dim + d]! ** 2;
    const norm = Math.sqrt(s);
    if (!(norm > 0)) continue;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = factors[i * dim + d]! / norm;
  }
  return unit;
}

function dotRows(unit: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let d = 0; d < dim; d++) dot += unit[oa + d]! * unit[ob + d]!;
  return dot;
}

/**
 * start + a[ao..ao+dim) · b[bo..bo+dim), unrolled by 4 with one running sum: fewer loop checks, and the
 * same summation order as a plain loop, so scores stay bit-identical to the parts' own scoring.
 * (Four separate sums measured no faster here.)
 */
function dotUnrolled(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number, start = 0): number {
  let sum = start;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    sum += a[ao + d]! * b[bo + d]!;
    sum += a[ao + d + 1]! * b[bo + d + 1]!;
    sum += a[ao + d + 2]! * b[bo + d + 2]!;
    sum += a[ao + d + 3]! * b[bo + d + 3]!;
  }
  for (; d < dim; d++) sum += a[ao + d]! * b[bo + d]!;
  return sum;
}

/** Set bits of a 32-bit word. */
function countBits(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Each anime's genres as a bitmask of `words` 32-bit words, and how many distinct genres it has. */
function buildGenreMasks(genreIx: readonly ArrayLike<number>[], n: number): { words: number; masks: Uint32Array; counts: Uint16Array } {
  let maxGenre = -1;
  for (let i = 0; i < n; i++) for (const g of Array.from(genreIx[i]!)) if (g > maxGenre) maxGenre = g;
  const words = Math.max(1, Math.ceil((maxGenre + 1) / 32));
  const masks = new Uint32Array(n * words);
  const counts = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    for (const g of Array.from(genreIx[i]!)) masks[i * words + (g >>> 5)]! |= 1 << (g & 31);
    let c = 0;
    for (let w = 0; w < words; w++) c += countBits(masks[i * words + w]!);
    counts[i] = c;
  }
  return { words, masks, counts };
}

export class AnirecComposite implements AnirecModel {
  readonly name = 'anirec';
  readonly catalogue: Catalogue;
  readonly popularity: Float32Array;
  readonly explicit: EmbeddingModel;
  readonly implicit: ImplicitModel;
  readonly ratingCount: Float32Array;
  readonly globalMean: number;
  blend: BlendParams;
  info: ModelInfo;
  private readonly nItems: number;
  // Serving tables built once at load, so a request is a tight pass over contiguous typed arrays.
  /** Per itemIx: implicit factors, explicit factors, explicit bias (one row, so scoring reads memory in order). */
  private readonly servingRows: Float32Array;
  private readonly servingStride: number;
  private readonly explicitUnit: Float32Array;
  private readonly implicitUnit: Float32Array;
  private readonly genreMasks: { words: number; masks: Uint32Array; counts: Uint16Array };
  // Scratch buffers: every serving call is synchronous, so one set per model is never shared by two calls.
  private readonly preference: Float32Array;
  private readonly rating: Float32Array;
  private readonly scores: Float32Array;
  /** Per itemIx, the explicit model's rating for a person with a zero vector and bias (a guess to seed recommend). */
  private readonly priorRating: Float32Array;
  /** Per itemIx, |q_i| of the explicit vectors and b_i (float64, for recommend's bounds). */
  private readonly explicitNorms: Float64Array;
  private readonly priorBias: Float64Array;
  /** 1 where the anime's explicit vector is not all zeros. */
  private readonly hasExplicitVector: Uint8Array;
  /** 1 where the anime's implicit vector is not all zeros. */
  private readonly hasImplicitVector: Uint8Array;
  private userIxById: Map<number, number> | undefined;

  constructor(parts: CompositeParts) {
    this.catalogue = parts.catalogue;
    this.explicit = parts.explicit;
    this.implicit = parts.implicit;
    this.popularity = parts.popularity;
    this.ratingCount = parts.ratingCount;
    this.globalMean = parts.globalMean;
    this.blend = parts.blend;
    this.info = parts.info;
    this.nItems = parts.catalogue.anime.length;
    const n = this.nItems;
    const de = this.explicit.dim;
    const di = this.implicit.dim;
    const explicitFactors = this.explicit.itemFactors;
    const explicitBias = this.explicit.itemBias;
    const implicitFactors = this.implicit.exportState().itemFactors;
    this.servingStride = di + de + 1;
    this.servingRows = new Float32Array(n * this.servingStride);
    for (let i = 0; i < n; i++) {
      const o = i * this.servingStride;
      this.servingRows.set(implicitFactors.subarray(i * di, (i + 1) * di), o);
      this.servingRows.set(explicitFactors.subarray(i * de, (i + 1) * de), o + di);
      this.servingRows[o + di + de] = explicitBias[i]!;
    }
    this.explicitUnit = unitRows(explicitFactors, n, de);
    this.implicitUnit = unitRows(implicitFactors, n, di);
    this.genreMasks = buildGenreMasks(this.catalogue.genreIx, n);
    this.preference = new Float32Array(n);
    this.rating = new Float32Array(n);
    this.scores = new Float32Array(n);
    this.priorRating = new Float32Array(n);
    for (let i = 0; i < n; i++) this.priorRating[i] = this.explicit.activate(this.explicit.globalOffset + explicitBias[i]!);
    this.explicitNorms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let d = 0; d < de; d++) sum += explicitFactors[i * de + d]! ** 2;
      // Nudged up so float rounding can never make the bound smaller than the true |q_i|.
      this.explicitNorms[i] = Math.sqrt(sum) * (1 + 1e-9);
    }
    this.priorBias = Float64Array.from(explicitBias.subarray(0, n));
    this.hasExplicitVector = Uint8Array.from(this.explicitNorms, (norm) => (norm > 0 ? 1 : 0));
    this.hasImplicitVector = new Uint8Array(n);
    for (let i = 0; i < n * di; i++) if (implicitFactors[i] !== 0) this.hasImplicitVector[Math.floor(i / di)] = 1;
  }

  /** Dense userIx of a MyAnimeList user the explicit model trained on, -1 for anyone else. */
  userIxOf(userId: number): number {
    if (!this.userIxById) {
      this.userIxById = new Map();
      this.explicit.modelState.userIds.forEach((id, ix) => this.userIxById!.set(id, ix));
    }
    return this.userIxById.get(userId) ?? -1;
  }

  /** Rating estimate by MyAnimeList ids: unknown users get the anime's estimate, unknown anime the global mean. */
  predictByIds(userId: number, animeId: number): number {
    const itemIx = this.catalogue.ixByAnimeId.get(animeId);
    return itemIx === undefined ? this.globalMean : this.predict(this.userIxOf(userId), itemIx);
  }

  /** The composite is assembled by trainAnirecModel (its parts are fitted there), never refitted in place. */
  async fit(_data: TrainingData): Promise<FitReport> {
    throw new ModelFitError('the anirec model is trained with trainAnirecModel (anirec train), not refitted in place');
  }

  predict(userIx: number, itemIx: number): number {
    return this.explicit.predict(userIx, itemIx);
  }

  /** Both fold-ins over the same rows: the one code path of the CLI, eval and bot. Leaves the model untouched. */
  foldIn(profile: Profile): AnirecUser {
    // Rounded to float32 here so a person exported (Float32Array) and imported again ranks identically.
    const folded = this.explicit.foldIn(profile);
    const explicit: EmbeddingFoldedUser = { ...folded, bias: Math.fround(folded.bias) };
    const implicit = this.implicit.foldIn(profile);
    let sum = 0;
    let n = 0;
    for (let j = 0; j < profile.score.length; j++) {
      const s = profile.score[j]!;
      const ix = profile.itemIx[j]!;
      if (s !== WATCHED && ix >= 0 && ix < this.nItems) {
        sum += s;
        n++;
      }
    }
    const fallback = implicit.fallback !== undefined ? NO_PROFILE : undefined;
    return { model: 'anirec', explicit, implicit, mean: Math.fround(n > 0 ? sum / n : this.globalMean), ...(fallback ? { fallback } : {}) };
  }

  private asUser(user: FoldedUser): AnirecUser {
    if (user.model !== 'anirec') throw new ModelFitError(`the anirec model cannot use a person folded in by the ${user.model} model`);
    return user as AnirecUser;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.explicit.predictFolded(this.asUser(user).explicit, itemIx);
  }

  /**
   * Fills the two parts of the ranking score for a person: preference normalised by its maximum (so 1 is
   * the person's most likely watch) and predicted rating minus their mean. Exposed for tuning beta.
   */
  scoreParts(user: AnirecUser, preference: Float32Array, rating: Float32Array): void {
    this.fillParts(user, preference, rating);
  }

  /**
   * Preference x·y_i per anime (float32, as the implicit model's own scoreItems) over servingRows;
   * returns its maximum (0 when nothing is positive).
   */
  private fillPreference(user: AnirecUser, preference: Float32Array, n: number): number {
    const rows = this.servingRows;
    const stride = this.servingStride;
    const di = this.implicit.dim;
    const x = user.implicit.vector;
    const fallbackPreference = user.implicit.fallback !== undefined ? this.implicit.exportState().itemCount : undefined;
    const hasVector = this.hasImplicitVector;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      let pref = 0;
      if (fallbackPreference !== undefined) pref = fallbackPreference[i]!;
      else if (hasVector[i] === 1) {
        // (An anime without implicit factors, e.g. one nobody watched in training, has preference exactly 0.)
        pref = dotUnrolled(x, 0, rows, o, di);
      }
      preference[i] = pref;
      const p = preference[i]!;
      if (p > max) max = p;
    }
    return max;
  }

  /**
   * The explicit model's predicted rating of anime i, lo + span * sigmoid(base + b_i + v·q_i), with the
   * same arithmetic in the same order as its own scoreItems (so scores are bit-identical to it).
   */
  private predictRating(v: Float32Array, base: number, lo: number, span: number, i: number): number {
    const rows = this.servingRows;
    const di = this.implicit.dim;
    const de = this.explicit.dim;
    const oq = i * this.servingStride + di;
    const z = dotUnrolled(v, 0, rows, oq, de, base + rows[oq + de]!);
    return lo + span / (1 + Math.exp(-z));
  }

  private fillParts(user: AnirecUser, preference: Float32Array, rating: Float32Array): void {
    const n = Math.min(this.nItems, preference.length, rating.length);
    const max = this.fillPreference(user, preference, n);
    const v = user.explicit.vector;
    const base = this.explicit.globalOffset + user.explicit.bias;
    const { lo, hi } = this.explicit.scale;
    const span = hi - lo;
    for (let i = 0; i < n; i++) rating[i] = this.predictRating(v, base, lo, span, i);
    const scale = max > 0 ? 1 / max : 0;
    const mean = user.mean;
    for (let i = 0; i < n; i++) {
      preference[i] = preference[i]! * scale;
      rating[i] = rating[i]! - mean;
    }
  }

  /** Composite ranking score; a person with no known anime gets popularity. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const person = this.asUser(user);
    const n = Math.min(out.length, this.nItems);
    if (person.fallback !== undefined) {
      out.set(this.popularity.subarray(0, n));
      return;
    }
    this.fillParts(person, this.preference, this.rating);
    const beta = this.blend.beta;
    const preference = this.preference;
    const rating = this.rating;
    for (let i = 0; i < n; i++) out[i] = preference[i]! + beta * rating[i]!;
  }

  /**
   * The same top-n as selectTopK over scoreItems (same scores, same tie order), without predicting a
   * rating for anime that cannot make it. score_i = p_i + beta * (rating_i - mean); a few likely
   * winners are scored first and the n-th best of them is a threshold T. An anime is then skipped when
   * an upper bound of its score is below T: with rating_i <= hi, or, tighter, with the rating of the
   * largest logit it could have (Cauchy-Schwarz: v·q_i <= |v| |q_i|). On the MyAnimeList sample this
   * predicts a few hundred ratings instead of 12,294 (the /recommend CPU profile's largest cost).
   */
  recommend(user: FoldedUser, n: number, options: { exclude?: Int32Array | Set<number>; filter?: (itemIx: number) => boolean } = {}): Neighbour[] {
    const person = this.asUser(user);
    if (!(n > 0)) return [];
    const nItems = this.nItems;
    const scores = this.scores;
    const exclude = options.exclude ?? [];
    const filter = options.filter;
    if (person.fallback !== undefined) {
      this.scoreItems(person, scores);
      this.blockItems(scores, exclude, filter);
      return Array.from(selectTopK(scores, n), (itemIx) => ({ itemIx, score: scores[itemIx]! }));
    }
    // scores holds p_i (normalised preference) first, then the final score or NaN (out of the running).
    const max = this.fillPreference(person, scores, nItems);
    const scale = max > 0 ? 1 / max : 0;
    for (let i = 0; i < nItems; i++) scores[i] = scores[i]! * scale;
    this.blockItems(scores, exclude, filter);
    const v = person.explicit.vector;
    const base = this.explicit.globalOffset + person.explicit.bias;
    // The unclipped sigmoid: anime predicted past the top score keep their order instead of tying.
    const { lo, hi } = this.explicit.scale;
    const span = hi - lo;
    const mean = person.mean;
    const beta = this.blend.beta;
    const rating = this.rating;
    const scoreOf = (i: number, p: number) => {
      rating[i] = this.predictRating(v, base, lo, span, i);
      rating[i] = rating[i]! - mean;
      return Math.fround(p + beta * rating[i]!);
    };
    // Threshold from likely winners (best preference plus the anime's rating for an average person):
    // the n-th best of their exact scores. rating is free scratch until scoreOf runs.
    const prior = this.priorRating;
    for (let i = 0; i < nItems; i++) rating[i] = scores[i]! + beta * (prior[i]! - mean);
    const candidates = selectTopK(rating, Math.max(4 * n, 64));
    let threshold = -Infinity;
    if (candidates.length >= n) {
      const exact = Float64Array.from(candidates, (i) => scoreOf(i, scores[i]!)).sort();
      threshold = exact[exact.length - n]!;
    }
    // Bounds on the score, each with a margin far above float32 rounding. An anime whose bound is
    // strictly below the threshold can neither enter the top n nor tie with a kept one.
    const margin = 1e-4;
    const bonus = Math.max(beta * (hi - mean), beta * (lo - mean)) + margin;
    // Cauchy-Schwarz: v·q_i <= |v| |q_i|, so the rating is at most lo + span * sigmoid(base + b_i + |v| |q_i|).
    let vNorm = 0;
    for (let d = 0; d < v.length; d++) vNorm += v[d]! * v[d]!;
    vNorm = Math.sqrt(vNorm);
    const qNorms = this.explicitNorms;
    const itemBias = this.priorBias;
    const boundRatings = beta >= 0;
    // Most anime have preference <= 0 (many exactly 0): for them the rating bound is below the
    // threshold whenever the logit bound is below zCut, the logit where preference 0 would just reach
    // it. One log per request instead of one exp per anime.
    const reach = beta > 0 ? (threshold - margin - beta * (lo - mean)) / (beta * span) : 0;
    const zCut = beta <= 0 || reach <= 0 || reach === 1 ? -Infinity : reach > 1 ? Infinity : Math.log(reach / (1 - reach)) - 1e-6;
    for (let i = 0; i < nItems; i++) {
      const p = scores[i]!;
      if (!(p > -Infinity)) continue;
      if (p + bonus < threshold) {
        scores[i] = Number.NaN;
        continue;
      }
      if (boundRatings) {
        const zBound = base + itemBias[i]! + vNorm * qNorms[i]!;
        if (p <= 0 && zBound < zCut) {
          scores[i] = Number.NaN;
          continue;
        }
        const ratingBound = lo + span / (1 + Math.exp(-zBound));
        if (p + beta * (ratingBound - mean) + margin < threshold) {
          scores[i] = Number.NaN;
          continue;
        }
      }
      scores[i] = scoreOf(i, p);
    }
    return Array.from(selectTopK(scores, n), (itemIx) => ({ itemIx, score: scores[itemIx]! }));
  }

  /** NaN (never selected) for excluded anime and those the filter rejects. */
  private blockItems(scores: Float32Array, exclude: Iterable<number>, filter: ((itemIx: number) => boolean) | undefined): void {
    for (const itemIx of exclude) if (itemIx >= 0 && itemIx < this.nItems) scores[itemIx] = Number.NaN;
    if (filter !== undefined) for (let i = 0; i < this.nItems; i++) if (!filter(i)) scores[i] = Number.NaN;
  }

  /** Shared genres over all genres of a and b (0 when either has none). */
  private jaccard(a: number, b: number): number {
    const { words, masks, counts } = this.genreMasks;
    const ca = counts[a]!;
    const cb = counts[b]!;
    if (ca === 0 || cb === 0) return 0;
    let common = 0;
    for (let w = 0; w < words; w++) common += countBits(masks[a * words + w]! & masks[b * words + w]!);
    return common / (ca + cb - common);
  }

  /** Weight of shared genres in how alike anything is to anime a (a's vector is noise when few rated it). */
  private genreWeight(a: number): number {
    return this.blend.genrePrior / (this.blend.genrePrior + this.ratingCount[a]!);
  }

  /**
   * How alike anime b is to anime a: embedding cosine, leaning on shared genres when a has few ratings
   * (its vector is then mostly noise). The genre share is weighted by a alone, which keeps a well-rated
   * anime's neighbours from being flooded by obscure titles that merely share its genres; the cosine is
   * also discounted by b's own confidence, so an obscure title's noisy vector cannot match by chance
   * (measured on the synthetic set: about half of the 100 most rated anime's top-10 neighbours had
   * under 50 ratings before the discount).
   */
  private likeness(a: number, b: number): number {
    const w = this.genreWeight(a);
    return (1 - w) * (1 - this.genreWeight(b)) * dotRows(this.explicitUnit, this.explicit.dim, a, b) + w * this.jaccard(a, b);
  }

  similar(itemIx: number, k: number): Neighbour[] {
    if (!(itemIx >= 0 && itemIx < this.nItems) || k <= 0) return [];
    // likeness(itemIx, i) for every i, inlined into one pass over the unit vectors and genre masks.
    const n = this.nItems;
    const dim = this.explicit.dim;
    const unit = this.explicitUnit;
    const { words, masks, counts } = this.genreMasks;
    const w = this.genreWeight(itemIx);
    const cosWeight = 1 - w;
    const ca = counts[itemIx]!;
    const oa = itemIx * dim;
    const scores = this.scores;
    const hasVector = this.hasExplicitVector;
    const cosines = hasVector[itemIx] === 1;
    const queryMask = masks.slice(itemIx * words, (itemIx + 1) * words);
    for (let i = 0; i < n; i++) {
      const oi = i * dim;
      let dot = 0;
      // A zero vector (cosine 0 by definition) needs no sums.
      if (cosines && hasVector[i] === 1) {
        // The neighbour's vector is trusted as far as its own ratings go, as the query's is.
        dot = dotUnrolled(unit, oa, unit, oi, dim) * (1 - this.genreWeight(i));
      }
      let shared = 0;
      if (ca !== 0) {
        let both = 0;
        for (let g = 0; g < words; g++) both |= queryMask[g]! & masks[i * words + g]!;
        // Most anime share no genre with the query: no bit count, no division.
        if (both !== 0) {
          let common = 0;
          for (let g = 0; g < words; g++) common += countBits(queryMask[g]! & masks[i * words + g]!);
          shared = common / (ca + counts[i]! - common);
        }
      }
      scores[i] = cosWeight * dot + w * shared;
    }
    scores[itemIx] = Number.NaN;
    return Array.from(selectTopK(scores, k), (i) => ({ itemIx: i, score: scores[i]! }));
  }

  /**
   * The liked anime behind a pick: those the person scored highest (8+, else at least their mean, else
   * merely watched), ranked by how alike they are to itemIx in both the watching and the rating space.
   * Only the EXPLAIN_CANDIDATES best scored of them are compared (a big imported list would otherwise
   * cost a cosine per liked anime for every pick); they are the likeliest reasons anyway.
   */
  explain(profile: Profile, itemIx: number, limit = 3): number[] {
    const rows: { ix: number; score: number }[] = [];
    for (let j = 0; j < profile.itemIx.length; j++) {
      const ix = profile.itemIx[j]!;
      if (ix >= 0 && ix < this.nItems && ix !== itemIx) rows.push({ ix, score: profile.score[j]! });
    }
    const rated = rows.filter((r) => r.score !== WATCHED);
    const mean = rated.length > 0 ? rated.reduce((s, r) => s + r.score, 0) / rated.length : 0;
    let liked = rated.filter((r) => r.score >= 8);
    if (liked.length === 0) liked = rated.filter((r) => r.score >= mean);
    if (liked.length === 0) liked = rows;
    if (liked.length > EXPLAIN_CANDIDATES) liked = [...liked].sort((a, b) => b.score - a.score).slice(0, EXPLAIN_CANDIDATES);
    const seen = new Set<number>();
    const ranked: { ix: number; s: number }[] = [];
    for (const r of liked) {
      if (seen.has(r.ix)) continue;
      seen.add(r.ix);
      const s = dotRows(this.implicitUnit, this.implicit.dim, r.ix, itemIx) + this.likeness(r.ix, itemIx);
      ranked.push({ ix: r.ix, s });
    }
    ranked.sort((a, b) => b.s - a.s || a.ix - b.ix);
    return ranked.slice(0, Math.max(0, limit)).map((r) => r.ix);
  }

  exportUser(user: FoldedUser): Float32Array {
    const person = this.asUser(user);
    const de = this.explicit.dim;
    const di = this.implicit.dim;
    const out = new Float32Array(4 + de + di);
    out[0] = EXPORT_VERSION;
    out[1] = (person.explicit.fallback !== undefined ? FLAG_EXPLICIT_FALLBACK : 0) | (person.implicit.fallback !== undefined ? FLAG_IMPLICIT_FALLBACK : 0);
    out[2] = person.mean;
    out[3] = person.explicit.bias;
    out.set(person.explicit.vector, 4);
    out.set(person.implicit.vector, 4 + de);
    return out;
  }

  importUser(vector: Float32Array): AnirecUser {
    const de = this.explicit.dim;
    const di = this.implicit.dim;
    if (vector.length !== 4 + de + di || vector[0] !== EXPORT_VERSION) {
      throw new ModelFitError(`a stored person vector of length ${vector.length} does not fit this model (expected ${4 + de + di}); fold the person in again`);
    }
    const flags = vector[1]!;
    const explicitFallback = this.explicit.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) }).fallback;
    const explicit: EmbeddingFoldedUser = {
      model: this.explicit.name,
      vector: vector.slice(4, 4 + de),
      bias: vector[3]!,
      ...(flags & FLAG_EXPLICIT_FALLBACK && explicitFallback ? { fallback: explicitFallback } : {}),
    };
    const implicitFallback = flags & FLAG_IMPLICIT_FALLBACK ? this.implicit.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) }).fallback : undefined;
    const implicit: ImplicitUser = { model: 'implicit', vector: vector.slice(4 + de), ...(implicitFallback ? { fallback: implicitFallback } : {}) };
    return { model: 'anirec', explicit, implicit, mean: vector[2]!, ...(implicitFallback ? { fallback: NO_PROFILE } : {}) };
  }
}
