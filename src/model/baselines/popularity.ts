/**
 * Popularity: ranks anime by how many training users have them on their list (WATCHED rows count: a
 * watch is a watch), the same list for everyone. Predicts an anime's mean rating, shrunk towards the
 * global mean by `shrink` pseudo-ratings so an anime rated once by a 10 does not predict 10.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { trainCsr } from '../sparse.js';
import { meanRating } from './globalMean.js';

export class Popularity implements Recommender {
  readonly name = 'popularity';
  watchers = new Float32Array(0);
  itemMean = new Float32Array(0);
  mu = Number.NaN;

  constructor(private readonly shrink = 5) {}

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const all = trainCsr(data, 'item', false);
    this.mu = meanRating(data.ratings.score, data.splits.train);
    const n = data.ratings.nItems;
    this.watchers = new Float32Array(n);
    this.itemMean = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let rated = 0;
      for (let e = all.indptr[i]!; e < all.indptr[i + 1]!; e++) {
        const s = all.values[e]!;
        if (s > 0) {
          sum += s;
          rated++;
        }
      }
      this.watchers[i] = all.indptr[i + 1]! - all.indptr[i]!;
      this.itemMean[i] = (sum + this.shrink * this.mu) / (rated + this.shrink);
    }
    return { seconds: (performance.now() - start) / 1000, notes: { shrink: this.shrink } };
  }

  /** The anime's shrunk mean rating; the global mean for an anime nobody rated. The user plays no part. */
  predict(_userIx: number, itemIx: number): number {
    if (Number.isNaN(this.mu)) throw new ModelFitError('popularity is not fitted yet; call fit first');
    return this.itemMean[itemIx] ?? this.mu;
  }

  foldIn(_profile: Profile): FoldedUser {
    return { model: this.name, fallback: 'popularity recommends the same anime to everyone' };
  }

  predictFolded(_user: FoldedUser, itemIx: number): number {
    return this.predict(0, itemIx);
  }

  scoreItems(_user: FoldedUser, out: Float32Array): void {
    // Ties (equal watcher counts) broken by mean rating, scaled below one watcher.
    for (let i = 0; i < out.length; i++) out[i] = this.watchers[i]! + this.itemMean[i]! / 20;
  }

  similar(): Neighbour[] {
    throw new ModelFitError('popularity has no notion of similar anime (it ranks everything the same for everyone)');
  }
}
