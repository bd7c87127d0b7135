/**
 * k-fold cross-validation over explicit rows: how defaults are chosen on small data, where one validation
 * split of a few thousand ratings moves by ±0.02 RMSE from seed to seed. Every explicit row is validation
 * in exactly one fold; watched rows are always training rows. No test rows are involved: the test split
 * is read once, by `anirec eval`, to report.
 */
import { WATCHED, type Ratings, type Splits } from '../data/types.js';
import { InvalidOptionError } from '../errors.js';
import { createRandom } from '../random.js';
import { rmseOnRows } from './metrics.js';
import type { TrainingData } from './types.js';

/** k splits of the ratings: fold f's explicit rows are its validation, every other row trains. */
export function kFoldSplits(ratings: Ratings, k: number, seed: number): Splits[] {
  if (!Number.isInteger(k) || k < 2) throw new InvalidOptionError('--folds', `${k} is not a whole number of at least 2`);
  const random = createRandom(seed);
  const fold = new Int8Array(ratings.count).fill(-1);
  const sizes = new Int32Array(k);
  for (let r = 0; r < ratings.count; r++) {
    if (ratings.score[r] === WATCHED) continue;
    const f = Math.floor(random() * k);
    fold[r] = f;
    sizes[f]!++;
  }
  const none = new Uint32Array(0);
  return Array.from({ length: k }, (_, f) => {
    const validation = new Uint32Array(sizes[f]!);
    const train = new Uint32Array(ratings.count - sizes[f]!);
    let v = 0, t = 0;
    for (let r = 0; r < ratings.count; r++) {
      if (fold[r] === f) validation[v++] = r;
      else train[t++] = r;
    }
    return { seed, train, validation, test: none, heldOutUsers: new Int32Array(0), profile: none, target: none };
  });
}

export interface CrossValidation {
  /** Mean of the folds' validation RMSE. */
  rmse: number;
  /** Standard error of that mean across folds. */
  stderr: number;
  folds: number[];
}

/**
 * Fits `fit` on each fold's training rows and scores its validation rows. A model that stops early or tunes
 * itself sees the same validation rows it is scored on, so compare settings of one model with it, not
 * a model that tunes against one that does not.
 */
export async function crossValidate(
  data: Omit<TrainingData, 'splits'>, folds: Splits[],
  fit: (data: TrainingData) => Promise<{ predict(userIx: number, itemIx: number): number }>,
): Promise<CrossValidation> {
  const scores: number[] = [];
  for (const splits of folds) {
    const model = await fit({ ...data, splits });
    scores.push(rmseOnRows((u, i) => model.predict(u, i), data.ratings, splits.validation));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const variance = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, scores.length - 1);
  return { rmse: mean, stderr: Math.sqrt(variance / scores.length), folds: scores };
}
