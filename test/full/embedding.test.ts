import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { makeSplits } from '../../src/data/splits.js';
import { trainEmbedding } from '../../src/model/embedding/index.js';
import type { TrainingData } from '../../src/model/recommender.js';

const SHARED = resolve(process.env.ANIREC_SHARED_DATA ?? '../shared/data');

function heldOutRmse(data: TrainingData, predict: (u: number, i: number) => number): number {
  let sse = 0, n = 0;
  for (const r of data.splits.test) {
    const s = data.ratings.score[r]!;
    if (s < 1) continue;
    const e = predict(data.ratings.userIx[r]!, data.ratings.itemIx[r]!) - s;
    sse += e * e;
    n++;
  }
  return Math.sqrt(sse / n);
}

describe('embedding model on the real MyAnimeList sample', () => {
  it('given the default options, then held-out RMSE beats the global mean by a wide margin and meets 1.24', async () => {
    const ds = await loadDataset(resolve(SHARED, 'mal-sample'), { cache: false });
    const data: TrainingData = { catalogue: ds.catalogue, ratings: ds.ratings, splits: makeSplits(ds.ratings), nUsers: ds.ratings.userIds.length };
    const model = await trainEmbedding(data, { quiet: true, threads: 1 });
    let sum = 0, n = 0;
    for (const r of data.splits.train) if (ds.ratings.score[r]! >= 1) { sum += ds.ratings.score[r]!; n++; }
    const mean = heldOutRmse(data, () => sum / n);
    const ours = heldOutRmse(data, (u, i) => model.predict(u, i));
    expect(mean).toBeGreaterThan(1.5);
    expect(ours).toBeLessThan(1.24);
  });
});
