/**
 * The floor of the table: every rating predicted as the mean of the training ratings. It has no notion of
 * ranking or of similarity, and says so.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';

/** Mean of the explicit ratings among rows (WATCHED rows are skipped). */
export function meanRating(score: Int8Array, rows: Uint32Array): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const s = score[rows[k]!]!;
    if (s > 0) {
      sum += s;
      n++;
    }
  }
  if (n === 0) throw new ModelFitError('the training rows hold no explicit rating (1..10), so there is nothing to fit');
  return sum / n;
}

export class GlobalMean implements Recommender {
  readonly name = 'global-mean';
  mu = Number.NaN;

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    this.mu = meanRating(data.ratings.score, data.splits.train);
    return { seconds: (performance.now() - start) / 1000, notes: { mean: Number(this.mu.toFixed(4)) } };
  }

  /** The same for every user and anime, known or not: nothing to fall back from. */
  predict(_userIx: number, _itemIx: number): number {
    if (Number.isNaN(this.mu)) throw new ModelFitError('global-mean is not fitted yet; call fit first');
    return this.mu;
  }

  foldIn(_profile: Profile): FoldedUser {
    return { model: this.name, fallback: 'the global mean is the same for everyone' };
  }

  predictFolded(_user: FoldedUser, itemIx: number): number {
    return this.predict(0, itemIx);
  }

  scoreItems(_user: FoldedUser, _out: Float32Array): void {
    throw new ModelFitError('global-mean predicts one number for every anime, so it cannot rank them');
  }

  similar(_itemIx: number, _k: number): Neighbour[] {
    throw new ModelFitError('global-mean has no notion of similar anime');
  }
}
