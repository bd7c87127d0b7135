/** The composite model's public types and its default blend (re-exported by ../anirecComposite.ts). */
import type { Catalogue } from '../../data/types.js';
import type { ExplicitFoldedUser, ExplicitKind, ExplicitPart } from './explicitPart.js';
import type { ImplicitModel, ImplicitUser } from '../implicit/index.js';
import type { EaseState } from '../itemItem/ease.js';
import type { FoldedUser, Neighbour, Profile, Recommender } from '../types.js';

export interface ModelInfo {
  name: string;
  trainedAt: string;
  dataFingerprint: string;
  backend: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  explicitModel: ExplicitKind;
}

/** What recommend may leave out: the person's own anime, and anime a filter (genre, type) rejects. */
export interface RecommendOptions {
  exclude?: Int32Array | Set<number>;
  filter?: (itemIx: number) => boolean;
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
  recommend(user: FoldedUser, n: number, options?: RecommendOptions): Neighbour[];
  /** Serialisable fold-in result so the bot can store a member's vector. */
  exportUser(user: FoldedUser): Float32Array;
  importUser(vector: Float32Array): FoldedUser;
  /** out[itemIx] = predictFolded(user, itemIx) for every anime the model knows, in one pass. */
  predictFoldedAll(user: FoldedUser, out: Float32Array): void;
}

/** A person as the composite sees them: both fold-ins plus their mean explicit rating. */
export interface AnirecUser extends FoldedUser {
  readonly model: 'anirec';
  readonly explicit: ExplicitFoldedUser;
  readonly implicit: ImplicitUser;
  /** Mean of the person's 1..10 scores (the training mean when they gave none). */
  readonly mean: number;
  /** The person's known anime (itemIx, each once), which the item-item (EASE) part ranks from; absent without one. */
  readonly items?: Int32Array;
}

/** How ranking and similarity blend the parts; saved in info.params. */
export interface BlendParams {
  /** Weight of (predicted rating - person's mean), in preference units per rating point. */
  beta: number;
  /** similar(): genre weight = genrePrior / (genrePrior + rating count of the query anime). */
  genrePrior: number;
  /**
   * Share of the item-item (EASE) scores in the watch preference, (1 - w) x WRMF / its max + w x EASE /
   * its max; ignored by a model saved without an EASE part (such a model ranks as before). 0.75 was chosen
   * on validation people (bench/newMembers.ts, docs/model-bayes.md).
   */
  easeWeight: number;
}

export const DEFAULT_BLEND: BlendParams = { beta: 0.1, genrePrior: 20, easeWeight: 0.75 };

export const NO_PROFILE = 'no known anime in the profile: ranked by popularity';

export interface CompositeParts {
  catalogue: Catalogue;
  /** The rating predictor: the embedding model (sigmoid link) or the Bayesian model (linear link). */
  explicit: ExplicitPart;
  implicit: ImplicitModel;
  popularity: Float32Array;
  /** Explicit training ratings per itemIx (how far the embedding of an anime can be trusted). */
  ratingCount: Float32Array;
  /** Mean explicit training rating (a person with no scores gets it as their mean). */
  globalMean: number;
  blend: BlendParams;
  info: ModelInfo;
  /** The item-item part of the ranking (optional: models saved before it rank with WRMF alone). */
  ease?: EaseState;
}
