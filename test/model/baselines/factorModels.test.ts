/** Surprise's SVD and SVD++ (funk-svd, svdpp): planted structure, seeds, fold-in and fallbacks. */
import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import type { SgdOptions } from '../../../src/model/baselines/factorModel.js';
import { FunkSvd } from '../../../src/model/baselines/funkSvd.js';
import { SvdPp } from '../../../src/model/baselines/svdpp.js';
import type { FoldedUser, Profile } from '../../../src/model/types.js';
import { makePlantedData, profileOf, testRmse } from '../plantedData.js';

const { data, unknownUser, unratedItem } = makePlantedData();
const pairs = Array.from(data.splits.test.subarray(0, 50), (r) => [data.ratings.userIx[r]!, data.ratings.itemIx[r]!] as const);

/** RMSE over held-out people's explicit targets, each person as `person(u)` makes them. */
function targetRmse(predict: (u: number, person: FoldedUser | undefined, itemIx: number) => number, person: (u: number) => FoldedUser | undefined): number {
  let sse = 0;
  let n = 0;
  for (const u of data.splits.heldOutUsers) {
    const folded = person(u);
    for (const r of data.splits.target) {
      if (data.ratings.userIx[r] !== u || data.ratings.score[r]! <= 0) continue;
      sse += (predict(u, folded, data.ratings.itemIx[r]!) - data.ratings.score[r]!) ** 2;
      n++;
    }
  }
  expect(n).toBeGreaterThan(50);
  return Math.sqrt(sse / n);
}

describe.each([
  ['funk-svd', (o: SgdOptions) => new FunkSvd(o)],
  ['svdpp', (o: SgdOptions) => new SvdPp(o)],
] as const)('%s', (name, make) => {
  it('given planted low-rank tastes then it beats biases only on test RMSE, and the validation curve falls', async () => {
    const model = make({ epochs: 40, lr: 0.01 });
    const report = await model.fit(data);
    expect(model.name).toBe(name);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)) - 0.1);
    expect(report.curve).toHaveLength(40);
    expect(report.curve!.at(-1)!.validationRmse).toBeLessThan(report.curve![0]!.validationRmse);
  });

  it('given the same seed then two fits agree exactly, and another seed differs', async () => {
    const a = make({ factors: 8, epochs: 5 });
    const b = make({ factors: 8, epochs: 5 });
    const c = make({ factors: 8, epochs: 5, seed: 9 });
    await Promise.all([a.fit(data), b.fit(data), c.fit(data)]);
    expect(pairs.map(([u, i]) => a.predict(u, i))).toEqual(pairs.map(([u, i]) => b.predict(u, i)));
    expect(pairs.map(([u, i]) => a.predict(u, i))).not.toEqual(pairs.map(([u, i]) => c.predict(u, i)));
  });

  it('given a held-out person then fold-in from their profile beats the anime-bias fallback on their targets', async () => {
    const model = make({ epochs: 40, lr: 0.01 });
    await model.fit(data);
    const folded = targetRmse((_u, p, i) => model.predictFolded(p!, i), (u) => model.foldIn(profileOf(data, u, data.splits.profile)));
    const fallback = targetRmse((u, _p, i) => model.predict(u, i), () => undefined);
    expect(folded).toBeLessThan(fallback - 0.1);
  });

  it('given an unknown user or anime then it predicts mu plus the known side bias', async () => {
    const model = make({ factors: 8, epochs: 5 });
    await model.fit(data);
    const clamp = (x: number) => Math.min(10, Math.max(1, x));
    expect(model.predict(unknownUser, 3)).toBeCloseTo(clamp(model.mu + model.bi[3]!), 5);
    expect(model.predict(data.nUsers + 5, unratedItem + 5)).toBeCloseTo(clamp(model.mu), 5);
    const u = data.ratings.userIx[data.splits.train[0]!]!;
    expect(model.predict(u, unratedItem)).toBeCloseTo(clamp(model.mu + model.bu[u]!), 5);
  });
});

describe('svdpp implicit feedback', () => {
  it('given a held-out person with only watched rows then the implicit term alone beats the anime biases', async () => {
    const model = new SvdPp({ epochs: 40, lr: 0.01 });
    await model.fit(data);
    const watchedOnly = (u: number): Profile => {
      const p = profileOf(data, u, data.splits.profile);
      return { itemIx: p.itemIx, score: new Int8Array(p.score.length).fill(-1) };
    };
    const implicit = targetRmse((_u, p, i) => model.predictFolded(p!, i), (u) => model.foldIn(watchedOnly(u)));
    const biasesOnly = targetRmse((u, _p, i) => model.predict(u, i), () => undefined);
    expect(implicit).toBeLessThan(biasesOnly - 0.05);
    // FunkSvd has no implicit term: watched rows alone leave it at the anime biases.
    const funk = new FunkSvd({ epochs: 40, lr: 0.01 });
    await funk.fit(data);
    const person = funk.foldIn(watchedOnly(data.splits.heldOutUsers[0]!));
    expect(person.fallback).toBeDefined();
    expect(funk.predictFolded(person, 3)).toBeCloseTo(Math.min(10, Math.max(1, funk.mu + funk.bi[3]!)), 5);
  });
});
