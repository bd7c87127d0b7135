/**
 * knn-baseline against a plain re-implementation of Surprise's KNNBaseline (its defaults: item-based
 * pearson_baseline, shrinkage 100, k 40, min_k 1, ALS baselines reg_u 15, reg_i 10, 10 epochs), written
 * here with dense loops and nothing shared with src/, on a small planted set.
 */
import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { ItemKnn, KnnBaseline } from '../../../src/model/baselines/knn.js';
import type { TrainingData } from '../../../src/model/types.js';
import { makePlantedData, testRmse } from '../plantedData.js';

const { data, unknownUser } = makePlantedData({ users: 120, anime: 40, ratingsPerUser: 20 });

/** Surprise's KNNBaseline.estimate, straight from its definition, clipped as Surprise's predict clips. */
function surpriseKnnBaseline(d: TrainingData): (u: number, i: number) => number {
  const nU = d.nUsers;
  const nI = d.ratings.nItems;
  const ur: [number, number][][] = Array.from({ length: nU }, () => []);
  const ir: [number, number][][] = Array.from({ length: nI }, () => []);
  let sum = 0;
  let n = 0;
  for (const r of d.splits.train) {
    const s = d.ratings.score[r]!;
    if (s <= 0) continue;
    ur[d.ratings.userIx[r]!]!.push([d.ratings.itemIx[r]!, s]);
    ir[d.ratings.itemIx[r]!]!.push([d.ratings.userIx[r]!, s]);
    sum += s;
    n++;
  }
  const mu = sum / n;
  const bu = new Array<number>(nU).fill(0);
  const bi = new Array<number>(nI).fill(0);
  for (let epoch = 0; epoch < 10; epoch++) {
    for (let i = 0; i < nI; i++) bi[i] = ir[i]!.reduce((acc, [u, s]) => acc + s - mu - bu[u]!, 0) / (10 + ir[i]!.length);
    for (let u = 0; u < nU; u++) bu[u] = ur[u]!.reduce((acc, [i, s]) => acc + s - mu - bi[i]!, 0) / (15 + ur[u]!.length);
  }
  const rating = new Map<number, number>();
  for (let u = 0; u < nU; u++) for (const [i, s] of ur[u]!) rating.set(u * nI + i, s);
  const sim = (a: number, b: number): number => {
    let prods = 0;
    let sqa = 0;
    let sqb = 0;
    let freq = 0;
    for (const [u, s] of ir[a]!) {
      const t = rating.get(u * nI + b);
      if (t === undefined) continue;
      const za = s - mu - bu[u]! - bi[a]!;
      const zb = t - mu - bu[u]! - bi[b]!;
      prods += za * zb;
      sqa += za * za;
      sqb += zb * zb;
      freq++;
    }
    if (freq < 1 || sqa * sqb === 0) return 0;
    return ((prods / Math.sqrt(sqa * sqb)) * (freq - 1)) / (freq - 1 + 100);
  };
  return (u, i) => {
    let est = mu + bu[u]! + bi[i]!;
    const neighbours = ur[u]!.map(([j, s]) => [sim(i, j), s - mu - bu[u]! - bi[j]!] as const).filter(([, ], t) => ur[u]![t]![0] !== i);
    neighbours.sort((x, y) => y[0] - x[0]);
    let sumSim = 0;
    let sumRatings = 0;
    for (const [s, z] of neighbours.slice(0, 40)) {
      if (s <= 0) continue;
      sumSim += s;
      sumRatings += s * z;
    }
    if (sumSim > 0) est += sumRatings / sumSim;
    return Math.min(10, Math.max(1, est));
  };
}

describe('KnnBaseline', () => {
  it("given a small planted set then its predictions are Surprise's KNNBaseline's", async () => {
    const model = new KnnBaseline();
    await model.fit(data);
    const reference = surpriseKnnBaseline(data);
    const rows = Array.from(data.splits.test).filter((r) => data.ratings.score[r]! > 0);
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) expect(model.predict(data.ratings.userIx[r]!, data.ratings.itemIx[r]!)).toBeCloseTo(reference(data.ratings.userIx[r]!, data.ratings.itemIx[r]!), 4);
    expect(model.predict(unknownUser, 0)).toBeCloseTo(Math.min(10, Math.max(1, model.biases!.mu + model.biases!.bi[0]!)), 5);
  });

  it('given planted structure then it beats biases only, and item-knn (the tuned variant) differs from it', async () => {
    const model = new KnnBaseline();
    const tuned = new ItemKnn();
    const baseline = new Baseline();
    await Promise.all([model.fit(data), tuned.fit(data), baseline.fit(data)]);
    expect(model.name).toBe('knn-baseline');
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)));
    expect(model.biases!.regUser).toBe(15);
    expect(model.biases!.regItem).toBe(10);
    expect(model.gamma).toBe(0);
  });
});
