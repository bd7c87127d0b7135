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
import { ImplicitModel, selectTop, type ImplicitUser } from './implicit/index.js';

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

function unitNorms(factors: Float32Array, n: number, dim: number): Float32Array {
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += factors[i * dim + d]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

function cosine(f: Float32Array, norms: Float32Array, dim: number, a: number, b: number): number {
  const denom = norms[a]! * norms[b]!;
  if (!(denom > 0)) return 0;
  let dot = 0;
  for (let d = 0; d < dim; d++) dot += f[a * dim + d]! * f[b * dim + d]!;
  return dot / denom;
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
  private readonly explicitNorms: Float32Array;
  private readonly implicitFactors: Float32Array;
  private readonly implicitNorms: Float32Array;
  private readonly preference: Float32Array;
  private readonly rating: Float32Array;
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
    this.explicitNorms = unitNorms(this.explicit.itemFactors, this.nItems, this.explicit.dim);
    this.implicitFactors = this.implicit.exportState().itemFactors;
    this.implicitNorms = unitNorms(this.implicitFactors, this.nItems, this.implicit.dim);
    this.preference = new Float32Array(this.nItems);
    this.rating = new Float32Array(this.nItems);
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
    this.implicit.scoreItems(user.implicit, preference);
    let max = 0;
    for (let i = 0; i < this.nItems; i++) if (preference[i]! > max) max = preference[i]!;
    const scale = max > 0 ? 1 / max : 0;
    for (let i = 0; i < this.nItems; i++) preference[i] = preference[i]! * scale;
    this.explicit.scoreItems(user.explicit, rating);
    for (let i = 0; i < this.nItems; i++) rating[i] = rating[i]! - user.mean;
  }

  /** Composite ranking score; a person with no known anime gets popularity. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const person = this.asUser(user);
    const n = Math.min(out.length, this.nItems);
    if (person.fallback !== undefined) {
      out.set(this.popularity.subarray(0, n));
      return;
    }
    this.scoreParts(person, this.preference, this.rating);
    const beta = this.blend.beta;
    for (let i = 0; i < n; i++) out[i] = this.preference[i]! + beta * this.rating[i]!;
  }

  recommend(user: FoldedUser, n: number, options: { exclude?: Int32Array | Set<number>; filter?: (itemIx: number) => boolean } = {}): Neighbour[] {
    const scores = new Float32Array(this.nItems);
    this.scoreItems(user, scores);
    const excluded = options.exclude instanceof Set ? options.exclude : new Set(options.exclude ?? []);
    const filter = options.filter;
    return selectTop(scores, n, (i) => excluded.has(i) || (filter !== undefined && !filter(i)));
  }

  private jaccard(a: number, b: number): number {
    const ga = this.catalogue.genreIx[a]!;
    const gb = this.catalogue.genreIx[b]!;
    if (ga.length === 0 || gb.length === 0) return 0;
    let common = 0;
    for (const g of ga) if (gb.includes(g)) common++;
    return common / (ga.length + gb.length - common);
  }

  /**
   * How alike anime b is to anime a: embedding cosine, leaning on shared genres when a has few ratings
   * (its vector is then mostly noise). Weighting by a alone keeps a well-rated anime's neighbours from
   * being flooded by obscure titles that merely share its genres.
   */
  private likeness(a: number, b: number): number {
    const w = this.blend.genrePrior / (this.blend.genrePrior + this.ratingCount[a]!);
    const cos = cosine(this.explicit.itemFactors, this.explicitNorms, this.explicit.dim, a, b);
    return (1 - w) * cos + w * this.jaccard(a, b);
  }

  similar(itemIx: number, k: number): Neighbour[] {
    if (!(itemIx >= 0 && itemIx < this.nItems) || k <= 0) return [];
    const scores = new Float32Array(this.nItems);
    for (let i = 0; i < this.nItems; i++) scores[i] = this.likeness(itemIx, i);
    return selectTop(scores, k, (i) => i === itemIx);
  }

  /**
   * The liked anime behind a pick: those the person scored highest (8+, else at least their mean, else
   * merely watched), ranked by how alike they are to itemIx in both the watching and the rating space.
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
    const seen = new Set<number>();
    const ranked: { ix: number; s: number }[] = [];
    for (const r of liked) {
      if (seen.has(r.ix)) continue;
      seen.add(r.ix);
      const s = cosine(this.implicitFactors, this.implicitNorms, this.implicit.dim, r.ix, itemIx) + this.likeness(r.ix, itemIx);
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
