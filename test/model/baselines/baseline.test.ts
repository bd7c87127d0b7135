import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { GlobalMean } from '../../../src/model/baselines/globalMean.js';
import { Popularity } from '../../../src/model/baselines/popularity.js';
import { makeSplits } from '../../../src/data/splits.js';
import type { Ratings } from '../../../src/data/types.js';
import type { TrainingData } from '../../../src/model/types.js';
import { makePlantedData, testRmse } from '../plantedData.js';

/** Everyone rates everything as 5.5 + user bias + anime bias, biases in -2..2: the baseline's own model. */
function makeAdditiveData(): TrainingData {
  const { data } = makePlantedData();
  const users = 60;
  const items = 30;
  const userIx: number[] = [];
  const itemIx: number[] = [];
  const score: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      userIx.push(u);
      itemIx.push(i);
      score.push(Math.round(5.5 + ((u % 5) - 2) + ((i % 5) - 2)));
    }
  }
  const ratings: Ratings = {
    count: score.length,
    userIx: Int32Array.from(userIx),
    itemIx: Int32Array.from(itemIx),
    score: Int8Array.from(score),
    userIds: Int32Array.from({ length: users }, (_, u) => u + 1),
    ixByUserId: new Map(Array.from({ length: users }, (_, u) => [u + 1, u])),
    nItems: items,
  };
  const catalogue = { ...data.catalogue, anime: data.catalogue.anime.slice(0, items), genreIx: data.catalogue.genreIx.slice(0, items) };
  return { catalogue, ratings, splits: makeSplits(ratings, { seed: 3 }), nUsers: users };
}

const { data } = makePlantedData();

describe('GlobalMean', () => {
  it('given training ratings then it predicts their mean for everyone and refuses to rank', async () => {
    const model = new GlobalMean();
    await model.fit(data);
    let sum = 0;
    let n = 0;
    for (const r of data.splits.train) if (data.ratings.score[r]! > 0) (sum += data.ratings.score[r]!), n++;
    expect(model.predict(0, 0)).toBeCloseTo(sum / n, 10);
    expect(() => model.scoreItems(model.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) }), new Float32Array(3))).toThrowErrorMatchingInlineSnapshot(`[ModelFitError: global-mean predicts one number for every anime, so it cannot rank them]`);
  });
});

describe('Baseline', () => {
  it('given ratings that are exactly mean + user bias + anime bias then it recovers them and the global mean cannot', async () => {
    const additive = makeAdditiveData();
    const mean = new GlobalMean();
    await mean.fit(additive);
    const model = new Baseline();
    await model.fit(additive);
    expect(testRmse(additive, (u, i) => model.predict(u, i))).toBeLessThan(0.5);
    expect(testRmse(additive, (u, i) => mean.predict(u, i))).toBeGreaterThan(1.5);
  });

  it('given a person who rates everything 10 then fold-in gives them a positive bias', async () => {
    const model = new Baseline();
    await model.fit(data);
    const folded = model.foldIn({ itemIx: Int32Array.from([0, 1, 2, 3]), score: Int8Array.from([10, 10, 10, 10]) });
    expect(folded.fallback).toBeUndefined();
    expect(model.predictFolded(folded, 5)).toBeGreaterThan(model.predict(data.splits.heldOutUsers[0]!, 5));
  });

  it('given an unfitted model then it says to fit first', () => {
    expect(() => new Baseline().predict(0, 0)).toThrowErrorMatchingInlineSnapshot(`[ModelFitError: baseline is not fitted yet; call fit first]`);
  });
});

describe('Popularity', () => {
  it('given planted popularity (earlier anime in a group more watched) then it ranks by watchers, watched rows included', async () => {
    const model = new Popularity();
    await model.fit(data);
    const watchers = new Float64Array(data.ratings.nItems);
    for (const r of data.splits.train) watchers[data.ratings.itemIx[r]!]!++;
    const out = new Float32Array(data.ratings.nItems);
    model.scoreItems(model.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) }), out);
    const best = out.indexOf(Math.max(...out));
    expect(watchers[best]).toBe(Math.max(...watchers));
  });
});
