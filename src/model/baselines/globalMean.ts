/**
 * The floor of the table: every rating predicted as the mean of the training ratings. It has no notion of
 * ranking or of similarity, and says so.
 */
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../recommender.js';

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

  predict(): number {
    return this.mu;
  }

  foldIn(_profile: Profile): FoldedUser {
    return { model: this.name, fallback: 'the global mean is the same for everyone' };
  }

  predictFolded(): number {
    return this.mu;
  }

  scoreItems(): void {
    throw new ModelFitError('global-mean predicts one number for every anime, so it cannot rank them');
  }

  similar(): Neighbour[] {
    throw new ModelFitError('global-mean has no notion of similar anime');
  }
}
