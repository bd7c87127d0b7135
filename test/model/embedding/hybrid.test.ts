import { describe, expect, it } from 'vitest';
import { trainEmbedding } from '../../../src/model/embedding/index.js';
import type { TrainingData } from '../../../src/model/types.js';
import { makePlantedData, rmseOf } from './fixture.js';

describe('genre-aware hybrid', () => {
  const { planted, data } = makePlantedData({ users: 400, anime: 120, ratingsPerUser: 40, seed: 21 });
  // Anime 96..119 keep only their first 2 training ratings: the rest of their rows become the test set.
  const rare = (i: number): boolean => i >= 96;
  const kept = new Map<number, number>();
  const train: number[] = [], test: number[] = [];
  for (const r of data.splits.train) {
    const i = data.ratings.itemIx[r]!;
    if (!rare(i)) { train.push(r); continue; }
    const seen = kept.get(i) ?? 0;
    if (data.ratings.score[r]! >= 1 && seen < 2) { kept.set(i, seen + 1); train.push(r); }
    else if (data.ratings.score[r]! >= 1) test.push(r);
  }
  const sparse: TrainingData = { ...data, splits: { ...data.splits, train: Uint32Array.from(train), test: Uint32Array.from(test) } };

  it('given anime with 2 ratings each, then the hybrid predicts them better than the plain model', async () => {
    const options = { epochs: 40, threads: 1, quiet: true } as const;
    const plain = await trainEmbedding(sparse, options);
    const hybrid = await trainEmbedding(sparse, { ...options, hybrid: true });
    expect(hybrid.name).toBe('hybrid');
    const plainRmse = rmseOf((u, i) => plain.predict(u, i), sparse, sparse.splits.test);
    const hybridRmse = rmseOf((u, i) => hybrid.predict(u, i), sparse, sparse.splits.test);
    expect(test.length).toBeGreaterThan(500);
    expect(hybridRmse).toBeLessThan(plainRmse - 0.1);
  });

  it('given a rare anime, then the hybrid finds its group mates as similar', async () => {
    const hybrid = await trainEmbedding(sparse, { epochs: 40, threads: 1, quiet: true, hybrid: true });
    const neighbours = hybrid.similar(100, 5);
    for (const n of neighbours) expect(planted.groupOfItem[n.itemIx]).toBe(planted.groupOfItem[100]);
  });
});
