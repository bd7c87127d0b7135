import { describe, expect, it } from 'vitest';
import type { Dataset, Ratings, Splits } from '../../src/data/types.js';
import { ModelFitError } from '../../src/errors.js';
import { evaluateAll, evaluateModel } from '../../src/model/evaluate.js';
import type { FitReport, FoldedUser, Recommender, TrainingData } from '../../src/model/types.js';
import { makePlantedData } from './plantedData.js';

/**
 * Users 0 and 1 are known (test rows: user 0 rated item 3 a 4, user 1 rated item 2 a 6); user 2 is held out
 * with item 0 in their profile and targets item 1 (9) and item 2 (5); user 3 is held out with no target
 * rated 8 or more.
 */
function tinyData(): TrainingData {
  const rows: [number, number, number][] = [
    [0, 0, 7], [0, 3, 4], [1, 1, 8], [1, 2, 6], [2, 0, 10], [2, 1, 9], [2, 2, 5], [3, 0, 6], [3, 3, 5],
  ];
  const ratings: Ratings = {
    count: rows.length,
    userIx: Int32Array.from(rows, (r) => r[0]),
    itemIx: Int32Array.from(rows, (r) => r[1]),
    score: Int8Array.from(rows, (r) => r[2]),
    userIds: Int32Array.from([1, 2, 3, 4]),
    ixByUserId: new Map([[1, 0], [2, 1], [3, 2], [4, 3]]),
    nItems: 4,
  };
  const splits: Splits = {
    seed: 1,
    train: Uint32Array.from([0, 2]),
    validation: new Uint32Array(0),
    test: Uint32Array.from([1, 3]),
    heldOutUsers: Int32Array.from([2, 3]),
    profile: Uint32Array.from([4, 7]),
    target: Uint32Array.from([5, 6, 8]),
  };
  const { data } = makePlantedData();
  return { catalogue: data.catalogue, ratings, splits, nUsers: 4 };
}

/** Predicts 5 for everything and ranks anime in index order (item 0 first). */
class FixedModel implements Recommender {
  readonly name = 'fixed';
  constructor(private readonly rank = true) {}
  async fit(): Promise<FitReport> {
    return { seconds: 0 };
  }
  predict(): number {
    return 5;
  }
  foldIn(): FoldedUser {
    return { model: this.name };
  }
  predictFolded(): number {
    return 5;
  }
  scoreItems(_user: FoldedUser, out: Float32Array): void {
    if (!this.rank) throw new ModelFitError('fixed cannot rank');
    for (let i = 0; i < out.length; i++) out[i] = out.length - i;
  }
  similar(): never {
    throw new ModelFitError('fixed has no notion of similar anime');
  }
}

describe('evaluateModel', () => {
  it('given hand-made splits then rating and ranking metrics are the hand-computed ones', async () => {
    const row = await evaluateModel(new FixedModel(), tinyData(), { k: 2 });
    // Test truths 4 and 6 against 5: errors 1, so RMSE = MAE = MSE = 1 and R² = 1 - 2/2 = 0.
    expect([row.rmse, row.mae, row.mse, row.r2]).toEqual([1, 1, 1, 0]);
    // User 2: item 0 excluded, top 2 = [1, 2]; relevant {1}: hit 1, recall 1, NDCG 1. User 3 is skipped.
    expect([row.hit, row.recall, row.ndcg]).toEqual([1, 1, 1]);
    expect([row.rankedUsers, row.skippedUsers]).toEqual([1, 1]);
    expect(row.coverage).toBe(0.5);
    // New people's targets 9, 5 and 5 against 5: RMSE sqrt(16 / 3).
    expect(row.newPeopleRmse).toBeCloseTo(Math.sqrt(16 / 3), 12);
    expect(row.notApplicable).toEqual({});
  });

  it('given a model that cannot rank then the ranking metrics are n/a with its reason and the rest stand', async () => {
    const row = await evaluateModel(new FixedModel(false), tinyData());
    expect([row.hit, row.recall, row.ndcg, row.coverage]).toEqual([null, null, null, null]);
    expect(row.notApplicable).toEqual({ hit: 'fixed cannot rank', recall: 'fixed cannot rank', ndcg: 'fixed cannot rank', coverage: 'fixed cannot rank' });
    expect(row.rmse).toBe(1);
  });
});

describe('evaluateAll', () => {
  it('given a dataset and two names then both are fitted on one seeded split and reported in order', async () => {
    const { data } = makePlantedData();
    const dataset = { dir: '/planted', catalogue: data.catalogue, ratings: data.ratings } as Dataset;
    const seen: string[] = [];
    const table = await evaluateAll(dataset, ['popularity', 'baseline'], { seed: 5, onRow: (r) => seen.push(r.model) });
    expect(seen).toEqual(['popularity', 'baseline']);
    expect(table.seed).toBe(5);
    expect(table.skipped).toEqual([]);
    expect(table.split.heldOutUsers).toBeGreaterThan(0);
    expect(table.rows[0]!.hit).toBeGreaterThan(0);
  });
});
