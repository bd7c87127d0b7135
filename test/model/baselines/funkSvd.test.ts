import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { FunkSvd } from '../../../src/model/baselines/funkSvd.js';
import { makePlantedData, profileOf, testRmse } from '../plantedData.js';

const { data, unknownUser, unratedItem } = makePlantedData();

describe('FunkSvd', () => {
  it('given planted low-rank tastes then it beats biases only on test RMSE', async () => {
    const model = new FunkSvd({ epochs: 40, lr: 0.01 });
    const report = await model.fit(data);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)) - 0.1);
    // The validation curve is reported per epoch and falls overall.
    expect(report.curve).toHaveLength(40);
    expect(report.curve!.at(-1)!.validationRmse).toBeLessThan(report.curve![0]!.validationRmse);
  });

  it('given the same seed then two fits agree exactly, and another seed differs', async () => {
    const a = new FunkSvd({ factors: 8, epochs: 5 });
    const b = new FunkSvd({ factors: 8, epochs: 5 });
    const c = new FunkSvd({ factors: 8, epochs: 5, seed: 9 });
    await Promise.all([a.fit(data), b.fit(data), c.fit(data)]);
    const pairs = Array.from(data.splits.test.subarray(0, 50), (r) => [data.ratings.userIx[r]!, data.ratings.itemIx[r]!] as const);
    expect(pairs.map(([u, i]) => a.predict(u, i))).toEqual(pairs.map(([u, i]) => b.predict(u, i)));
    expect(pairs.map(([u, i]) => a.predict(u, i))).not.toEqual(pairs.map(([u, i]) => c.predict(u, i)));
  });

  it('given a held-out person then fold-in from their profile beats the anime-bias fallback on their targets', async () => {
    const model = new FunkSvd({ epochs: 40, lr: 0.01 });
    await model.fit(data);
    let folded = 0;
    let fallback = 0;
    let n = 0;
    for (const u of data.splits.heldOutUsers) {
      const person = model.foldIn(profileOf(data, u, data.splits.profile));
      for (const r of data.splits.target) {
        if (data.ratings.userIx[r] !== u || data.ratings.score[r]! <= 0) continue;
        const s = data.ratings.score[r]!;
        folded += (model.predictFolded(person, data.ratings.itemIx[r]!) - s) ** 2;
        fallback += (model.predict(u, data.ratings.itemIx[r]!) - s) ** 2;
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
    expect(Math.sqrt(folded / n)).toBeLessThan(Math.sqrt(fallback / n) - 0.1);
  });

  it('given an unknown user or anime then it predicts mu + the known side bias', async () => {
    const model = new FunkSvd({ factors: 8, epochs: 5 });
    await model.fit(data);
    expect(model.predict(unknownUser, 3)).toBeCloseTo(Math.min(10, Math.max(1, model.mu + model.bi[3]!)), 5);
    const u = data.ratings.userIx[data.splits.train[0]!]!;
    expect(model.predict(u, unratedItem)).toBeCloseTo(Math.min(10, Math.max(1, model.mu + model.bu[u]!)), 5);
    expect(model.predict(data.nUsers + 5, unratedItem + 5)).toBeCloseTo(Math.min(10, Math.max(1, model.mu)), 5);
  });
});
