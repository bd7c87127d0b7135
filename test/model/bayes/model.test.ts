/** BayesModel as a Recommender: planted tastes, the implicit block, fold-in, fallbacks, samples serving. */
import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { BayesModel, BAYES_NO_RATINGS } from '../../../src/model/bayes/index.js';
import { makePlantedData, profileOf, testRmse } from '../plantedData.js';

const { data, unknownUser, unratedItem, planted } = makePlantedData();

describe('BayesModel', () => {
  it('given planted tastes it beats biases only on test RMSE, choosing its schedule on validation', async () => {
    const model = new BayesModel({ dim: 4, maxSweeps: 30, burnInGrid: [3, 8], seed: 2 });
    const report = await model.fit(data);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)) - 0.1);
    expect([3, 8]).toContain(report.notes!.chosenBurnIn);
    expect(model.schedule!.sweeps).toBeGreaterThan(model.schedule!.burnIn);
    for (let u = 0; u < 5; u++) for (let i = 0; i < 5; i++) {
      const p = model.predict(u, i);
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(10);
    }
  });

  it('given two threads then the fit with the implicit and anime feature blocks gives exactly the numbers of one thread', async () => {
    const fit = async (threads: number) => {
      const model = new BayesModel({ dim: 4, maxSweeps: 10, burnInGrid: [3], seed: 5, threads, implicit: true, itemFeatures: true });
      await model.fit(data);
      return model.posterior;
    };
    const one = await fit(1);
    const two = await fit(2);
    expect(one.implicitItems.length).toBeGreaterThan(0);
    expect(Array.from(two.users)).toEqual(Array.from(one.users));
    expect(Array.from(two.items)).toEqual(Array.from(one.items));
    expect(Array.from(two.implicitItems)).toEqual(Array.from(one.implicitItems));
    expect(two.alpha).toBe(one.alpha);
  });

  it('folds a member in from their rows close to where the chain put them, and falls back without scores', async () => {
    const model = new BayesModel({ dim: 4, maxSweeps: 20, burnInGrid: [3], seed: 2, refitWithValidation: false });
    await model.fit(data);
    // A trained member folded in from their own training rows predicts nearly as the chain does.
    const u = data.ratings.userIx[data.splits.train[0]!]!;
    const folded = model.foldIn(profileOf(data, u, data.splits.train));
    let gap = 0;
    for (let i = 0; i < 20; i++) gap = Math.max(gap, Math.abs(model.predictFolded(folded, i) - model.predict(u, i)));
    expect(gap).toBeLessThan(0.6);
    const watchedOnly = model.foldIn({ itemIx: Int32Array.of(0, 1), score: Int8Array.of(-1, -1) });
    expect(watchedOnly.fallback).toBe(BAYES_NO_RATINGS);
    expect(Number.isFinite(model.predictFolded(watchedOnly, 3))).toBe(true);
    const out = new Float32Array(data.ratings.nItems);
    model.scoreItems(folded, out);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(model.predict(unknownUser, 0))).toBe(true);
    expect(Number.isFinite(model.predict(0, unratedItem))).toBe(true);
    expect(model.similar(0, 5)).toHaveLength(5);
    expect(() => model.predictFolded({ model: 'embedding' }, 0)).toThrow(/bayes/);
  });

  it('serves the average of kept samples when asked, close to the posterior-mean factors', async () => {
    const mean = new BayesModel({ dim: 4, sweeps: 20, burnIn: 5, seed: 2 });
    const samples = new BayesModel({ dim: 4, sweeps: 20, burnIn: 5, seed: 2, serve: 'samples', keptSamples: 5 });
    const train = { ...data, splits: { ...data.splits, validation: new Uint32Array(0) } };
    await mean.fit(train);
    await samples.fit(train);
    expect(samples.posterior.samples).toHaveLength(5);
    const a = testRmse(data, (u, i) => mean.predict(u, i));
    const b = testRmse(data, (u, i) => samples.predict(u, i));
    expect(Math.abs(a - b)).toBeLessThan(0.1);
  });

  it('with anime features, an anime nobody rated is predicted from its genre: its group\'s fans rate it above its haters', async () => {
    const model = new BayesModel({ dim: 4, sweeps: 30, burnIn: 8, seed: 2, itemFeatures: true });
    await model.fit({ ...data, splits: { ...data.splits, validation: new Uint32Array(0) } });
    const action = planted.catalogue.genreNames.indexOf('Action');
    const group = planted.groupOfItem.findIndex((_, i) => planted.catalogue.genreIx[i]![0] === action);
    const groupOf = planted.groupOfItem[group]!;
    const trained = (u: number) => data.ratings.userIds[u] !== undefined && !Array.from(data.splits.heldOutUsers).includes(u);
    const mean = (users: number[]) => users.reduce((a, u) => a + model.predict(u, unratedItem), 0) / users.length;
    const fans = Array.from(planted.lovedGroup.keys()).filter((u) => planted.lovedGroup[u] === groupOf && trained(u));
    const haters = Array.from(planted.hatedGroup.keys()).filter((u) => planted.hatedGroup[u] === groupOf && trained(u));
    expect(mean(fans)).toBeGreaterThan(mean(haters) + 1);
    // Without the feature block it is the same anime for everyone but their bias.
    const plain = new BayesModel({ dim: 4, sweeps: 30, burnIn: 8, seed: 2, itemFeatures: false });
    await plain.fit({ ...data, splits: { ...data.splits, validation: new Uint32Array(0) } });
    const plainGap = fans.reduce((a, u) => a + plain.predict(u, unratedItem), 0) / fans.length - haters.reduce((a, u) => a + plain.predict(u, unratedItem), 0) / haters.length;
    expect(mean(fans) - mean(haters)).toBeGreaterThan(plainGap + 1);
  });
});
