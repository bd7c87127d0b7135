import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { Svd } from '../../../src/model/baselines/svd.js';
import { makePlantedData, testRmse } from '../plantedData.js';

const { data, planted } = makePlantedData();

describe('Svd', () => {
  it('given planted low-rank tastes then it beats the baseline on test RMSE with a small rank', async () => {
    const model = new Svd();
    const report = await model.fit(data);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)) - 0.2);
    expect(report.notes!.rank).toBeLessThanOrEqual(16);
  });

  it('given a known user then fold-in of their own training rows reproduces their predictions', async () => {
    const model = new Svd();
    await model.fit(data);
    const u = data.ratings.userIx[data.splits.train[0]!]!;
    const rows = Array.from(data.splits.train).filter((r) => data.ratings.userIx[r] === u);
    const folded = model.foldIn({ itemIx: Int32Array.from(rows, (r) => data.ratings.itemIx[r]!), score: Int8Array.from(rows, (r) => data.ratings.score[r]!) });
    // The user's own bias is refitted with the anime biases fixed, so allow a small difference.
    for (let i = 0; i < 10; i++) expect(Math.abs(model.predictFolded(folded, i) - model.predict(u, i))).toBeLessThan(0.3);
  });

  it('given planted groups then the latent neighbours of an anime are from its group', async () => {
    const model = new Svd();
    await model.fit(data);
    const neighbours = model.similar(4, 5);
    expect(neighbours.filter((n) => planted.groupOfItem[n.itemIx] === planted.groupOfItem[4]).length).toBeGreaterThanOrEqual(4);
  });
});
