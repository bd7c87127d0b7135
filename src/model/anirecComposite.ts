/**
 * The composite model the bot and the CLI serve (name 'anirec'): the explicit model (the embedding, or the
 * Bayesian factor model when it wins on validation: composite/explicitPart.ts) says how much a person
 * would enjoy an anime; the implicit WRMF model and the item-item EASE model say how likely
 * they are to watch it at all. Ranking blends them, so people get anime they are likely both to watch and
 * to enjoy rather than obscure titles with a high predicted score:
 *   score_i = (1 - w) pref_i / max_j pref_j + w ease_i / max_j ease_j + beta * (predicted rating_i - the person's mean)
 * Ratings themselves (predict, predictFolded) come from the explicit model alone.
 * This class composes the pieces in composite/: serving tables, ranking, pruned top-k, similarity,
 * explanations, member export and id maps.
 */
import { ModelFitError } from '../errors.js';
import { WATCHED, type Catalogue } from '../data/types.js';
import type { FitReport, FoldedUser, Neighbour, Profile, TrainingData } from './types.js';
import type { ExplicitFoldedUser, ExplicitPart } from './composite/explicitPart.js';
import type { ImplicitModel } from './implicit/index.js';
import type { EaseState } from './itemItem/ease.js';
import { explainPick } from './composite/explain.js';
import { IdMaps } from './composite/idMaps.js';
import { dotFrom } from './embedding/scoring.js';
import { exportMember, importMember } from './composite/memberExport.js';
import { prunedTopK } from './composite/prunedTopK.js';
import { fillParts, rankingScratch, scoreAll, type RankingScratch } from './composite/ranking.js';
import { buildServingTables, type ServingTables } from './composite/servingTables.js';
import { similarAnime, type Confidence } from './composite/similarity.js';
import { NO_PROFILE, type AnirecModel, type AnirecUser, type BlendParams, type CompositeParts, type ModelInfo, type RecommendOptions } from './composite/types.js';

export { DEFAULT_BLEND, NO_PROFILE, type AnirecModel, type AnirecUser, type BlendParams, type CompositeParts, type ModelInfo, type RecommendOptions } from './composite/types.js';
export { EXPLAIN_CANDIDATES } from './composite/explain.js';
export type { ExplicitFoldedUser, ExplicitKind, ExplicitLink, ExplicitPart } from './composite/explicitPart.js';

export class AnirecComposite implements AnirecModel {
  readonly name = 'anirec';
  readonly catalogue: Catalogue;
  readonly popularity: Float32Array;
  /** The rating predictor: the embedding model (sigmoid link) or the Bayesian model (linear link), whichever won on validation. */
  readonly explicit: ExplicitPart;
  readonly implicit: ImplicitModel;
  readonly ratingCount: Float32Array;
  readonly globalMean: number;
  /** The item-item part of the ranking; undefined for models saved before it (they rank by WRMF alone). */
  readonly ease: EaseState | undefined;
  blend: BlendParams;
  info: ModelInfo;
  private readonly tables: ServingTables;
  private readonly scratch: RankingScratch;
  private readonly ids: IdMaps;

  constructor(parts: CompositeParts) {
    this.catalogue = parts.catalogue;
    this.explicit = parts.explicit;
    this.implicit = parts.implicit;
    this.popularity = parts.popularity;
    this.ratingCount = parts.ratingCount;
    this.globalMean = parts.globalMean;
    this.blend = parts.blend;
    this.info = parts.info;
    this.ease = parts.ease;
    this.tables = buildServingTables(this.catalogue, this.explicit, this.implicit, parts.ease);
    this.scratch = rankingScratch(this.tables.nItems);
    this.ids = new IdMaps(() => this.explicit.modelState.userIds, this.catalogue);
  }

  /** Dense userIx of a MyAnimeList user the explicit model trained on, -1 for anyone else. */
  userIxOf(userId: number): number {
    return this.ids.userIxOf(userId);
  }

  /** Rating estimate by MyAnimeList ids: unknown users get the anime's estimate, unknown anime the global mean. */
  predictByIds(userId: number, animeId: number): number {
    const itemIx = this.ids.itemIxOf(animeId);
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
    const explicit: ExplicitFoldedUser = { ...folded, bias: Math.fround(folded.bias) };
    const implicit = this.implicit.foldIn(profile);
    let sum = 0;
    let n = 0;
    for (let j = 0; j < profile.score.length; j++) {
      const s = profile.score[j]!;
      const ix = profile.itemIx[j]!;
      if (s !== WATCHED && ix >= 0 && ix < this.tables.nItems) {
        sum += s;
        n++;
      }
    }
    const fallback = implicit.fallback !== undefined ? NO_PROFILE : undefined;
    const items = this.ease !== undefined ? knownItems(profile, this.tables.nItems) : undefined;
    return { model: 'anirec', explicit, implicit, mean: Math.fround(n > 0 ? sum / n : this.globalMean), ...(items ? { items } : {}), ...(fallback ? { fallback } : {}) };
  }

  private asUser(user: FoldedUser): AnirecUser {
    if (user.model !== 'anirec') throw new ModelFitError(`the anirec model cannot use a person folded in by the ${user.model} model`);
    return user as AnirecUser;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.explicit.predictFolded(this.asUser(user).explicit, itemIx);
  }

  /**
   * out[itemIx] = predictFolded(user, itemIx) for every anime the model knows, the same numbers in one pass
   * (the watch party needs a member's every prediction: this skips a call and its checks per anime).
   */
  predictFoldedAll(user: FoldedUser, out: Float32Array): void {
    const { vector, bias } = this.asUser(user).explicit;
    const part = this.explicit;
    const { dim, itemFactors, itemBias } = part;
    const base = part.globalOffset + bias;
    const n = Math.min(out.length, itemBias.length);
    for (let i = 0; i < n; i++) out[i] = part.activate(dotFrom(vector, 0, itemFactors, i * dim, dim, base + itemBias[i]!));
  }

  /**
   * Fills the two parts of the ranking score for a person: preference normalised by its maximum (so 1 is
   * the person's most likely watch) and predicted rating minus their mean. Exposed for tuning beta.
   */
  scoreParts(user: AnirecUser, preference: Float32Array, rating: Float32Array): void {
    fillParts(this.tables, user, this.blend.easeWeight, preference, rating, this.scratch.ease);
  }

  /** Composite ranking score; a person with no known anime gets popularity. */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    scoreAll(this.tables, this.asUser(user), this.blend.beta, this.blend.easeWeight, this.popularity, this.scratch, out);
  }

  /** The same top-n as selectTopK over scoreItems (same scores, same tie order), pruned: see composite/prunedTopK.ts. */
  recommend(user: FoldedUser, n: number, options: RecommendOptions = {}): Neighbour[] {
    return prunedTopK(this.tables, this.asUser(user), n, this.blend.beta, this.blend.easeWeight, this.popularity, this.scratch, options);
  }

  private get confidence(): Confidence {
    return { ratingCount: this.ratingCount, genrePrior: this.blend.genrePrior };
  }

  similar(itemIx: number, k: number): Neighbour[] {
    return similarAnime(this.tables, this.confidence, itemIx, k, this.scratch.scores);
  }

  /** The liked anime behind a pick, best first: see composite/explain.ts. */
  explain(profile: Profile, itemIx: number, limit = 3): number[] {
    return explainPick(this.tables, this.confidence, profile, itemIx, limit);
  }

  exportUser(user: FoldedUser): Float32Array {
    return exportMember(this.asUser(user), this.explicit.link === 'linear');
  }

  importUser(vector: Float32Array): AnirecUser {
    return importMember(vector, this.explicit, this.implicit, this.ease !== undefined);
  }
}

/** The profile's anime the model knows, each once, ascending (what the item-item part ranks from). */
function knownItems(profile: Profile, nItems: number): Int32Array {
  const set = new Set<number>();
  for (const ix of profile.itemIx) if (ix >= 0 && ix < nItems) set.add(ix);
  return Int32Array.from(set).sort();
}
