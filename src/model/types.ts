/**
 * The surface every model shares (after implicit's RecommenderBase and Surprise's AlgoBase): the eval
 * table, the CLI and the bot speak only this. Rows are dense indices (userIx, itemIx); MyAnimeList ids
 * never reach a model.
 */
import type { Catalogue, Ratings, Splits } from '../data/types.js';

/** What `fit` learns from: only `splits.train` rows are fitted; `splits.validation` may steer early stopping. */
export interface TrainingData {
  catalogue: Catalogue;
  ratings: Ratings;
  splits: Splits;
  /** Number of users (userIx ranges over 0..nUsers-1, held-out users included but never trained on). */
  nUsers: number;
}

/** A person's rows as fold-in takes them: anime and score (1..10, or WATCHED = -1). */
export interface Profile {
  itemIx: Int32Array;
  score: Int8Array;
}

/** A person as one model sees them after fold-in. Opaque outside the model that made it. */
export interface FoldedUser {
  readonly model: string;
  /** Why the model fell back (no usable rows...), or undefined when it did not. */
  readonly fallback?: string;
}

export interface Neighbour {
  itemIx: number;
  score: number;
}

export interface FitReport {
  seconds: number;
  /** Per-epoch curves where the model has epochs (for the eval chart). */
  curve?: { epoch: number; trainLoss: number; validationRmse: number; seconds: number }[];
  /** Anything else worth printing (backend, threads, throughput...). */
  notes?: Record<string, string | number>;
}

export interface Recommender {
  readonly name: string;
  fit(data: TrainingData): Promise<FitReport>;
  /** Rating estimate (on the 1..10 scale) for a known user; a sensible fallback when impossible. */
  predict(userIx: number, itemIx: number): number;
  /** A new person's state from their rows; the model itself is left untouched (like recalculate_user). */
  foldIn(profile: Profile): FoldedUser;
  /** Rating estimate for a folded-in person. */
  predictFolded(user: FoldedUser, itemIx: number): number;
  /** Fills out[itemIx] with a ranking score for a folded-in person: higher means recommend first. */
  scoreItems(user: FoldedUser, out: Float32Array): void;
  /** Anime most like itemIx, best first, itemIx itself excluded. Models with no such notion throw ModelFitError. */
  similar(itemIx: number, k: number): Neighbour[];
}
