import { describe, expect, it } from 'vitest';
import { trainEmbedding } from '../../../src/model/embedding/index.js';
import { solveUser } from '../../../src/model/embedding/foldIn.js';
import { refitTables } from '../../../src/model/embedding/refit.js';
import { selectExplicitRows, trainTables } from '../../../src/model/embedding/trainer.js';
import { buildCsr } from '../../../src/model/sparse.js';
import { applyTastePrior, describeHistory, fitTastePrior, inputLength, isZeroPrior } from '../../../src/model/embedding/tastePrior.js';
import { createRandom, gaussian } from '../../../src/random.js';
import { makePlantedData, rmseOf } from './fixture.js';

describe('taste prior', () => {
  it('given vectors that are a linear map of the history inputs plus noise, then the fit recovers the map', () => {
    const dim = 3, nIn = inputLength(dim), nUsers = 2_000;
    const random = createRandom(5);
    const truth = Float64Array.from({ length: nIn * (dim + 1) }, () => gaussian(random));
    const inputs = new Float64Array(nUsers * nIn);
    const vectors = new Float32Array(nUsers * dim);
    const biases = new Float32Array(nUsers);
    const out = new Float64Array(dim + 1);
    for (let u = 0; u < nUsers; u++) {
      for (let a = 0; a < nIn - 1; a++) inputs[u * nIn + a] = gaussian(random);
      inputs[u * nIn + nIn - 1] = 1;
      applyTastePrior({ dim, weights: truth, shrink: 0 }, inputs.subarray(u * nIn, (u + 1) * nIn), 1, out);
      for (let d = 0; d < dim; d++) vectors[u * dim + d] = out[d]! + 0.05 * gaussian(random);
      biases[u] = out[dim]! + 0.05 * gaussian(random);
    }
    const users = Array.from({ length: nUsers }, (_, u) => u);
    const fitted = fitTastePrior(inputs, vectors, biases, dim, users, 0);
    for (let k = 0; k < truth.length; k++) expect(fitted.weights[k]).toBeCloseTo(truth[k]!, 1);
  });

  it('given a shrink of 10, then a 10-row history gets half the prior, a 90-row one 0.9 of it, and shrink 0 all of it', () => {
    const dim = 1;
    const weights = Float64Array.of(2, 0, 0, 4, 1, -1); // (dim + 2) inputs x (dim + 1) outputs
    const input = Float64Array.of(0.5, 1, 1); // unscaled prior: [0.5*2 + 1*0 + 1*1, 0.5*0 + 1*4 + 1*-1] = [2, 3]
    const at = (shrink: number, h: number): number[] => Array.from(applyTastePrior({ dim, weights, shrink }, input, h, new Float64Array(2)));
    expect(at(0, 3)).toEqual([2, 3]);
    expect(at(10, 10)).toEqual([1, 1.5]);
    expect(at(10, 90)).toEqual([1.8, 2.7]);
    expect(at(10, 0)).toEqual([0, 0]);
  });

  it('given a history, then its input is the mean anime vector, the mean anime bias and a constant', () => {
    const items = { factors: Float32Array.of(1, 2, 3, 5), bias: Float32Array.of(0.5, 1.5) };
    const out = new Float64Array(inputLength(2));
    describeHistory(items, 2, [0, 1, 1], 0, 3, out);
    expect(Array.from(out)).toEqual([7 / 3, 4, 3.5 / 3, 1]);
    describeHistory(items, 2, [], 0, 0, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 1]);
  });

  it('given no scores, then solveUser leaves the person where the prior put them; with many, the scores win', () => {
    const items = { factors: Float32Array.from({ length: 40 }, (_, k) => ((k * 7) % 5) / 5 - 0.4), bias: new Float32Array(20) };
    const shape = { dim: 2, lo: 1, hi: 10, mu: 0 };
    const prior = Float64Array.of(0.8, -0.4, 0.3);
    const x = Float64Array.from(prior);
    const mean = new Float64Array(3);
    expect(solveUser(x, items, shape, [], [], 0, 0, { perSqrtRating: 0.5, prior: 60 }, prior, 2, mean)).toBe(true);
    expect(Array.from(x)).toEqual(Array.from(prior));
    const cols = Array.from({ length: 400 }, (_, k) => k % 20);
    const scores = cols.map(() => 2);
    const y = Float64Array.from(prior);
    solveUser(y, items, shape, cols, scores, 0, cols.length, { perSqrtRating: 0.5, prior: 1 }, prior, 6, mean);
    // 400 scores of 2 pull the person's bias far below the prior's 0.3.
    expect(y[2]!).toBeLessThan(-1);
  });
});

describe('refit after training', () => {
  const { planted, data } = makePlantedData({ users: 400, anime: 120, ratingsPerUser: 40, watchedShare: 0.3, seed: 11 });

  it('given an under-trained model, then the refit lowers validation RMSE and keeps its best sweep', async () => {
    const model = await trainEmbedding(data, { epochs: 2, patience: 10, threads: 1, quiet: true });
    const notes = model.report.notes!;
    const curve = String(notes.refitValidationRmse).split(' ').map(Number);
    expect(Number(notes.refitSweeps)).toBeGreaterThan(0);
    expect(curve[Number(notes.refitSweeps)]!).toBeLessThan(curve[0]! - 0.05);
    expect(Math.min(...curve)).toBe(curve[Number(notes.refitSweeps)]);
    const unrefitted = await trainEmbedding(data, { epochs: 2, patience: 10, threads: 1, quiet: true, refitSweeps: 0 });
    expect(unrefitted.report.notes!.refitSweeps).toBe(0);
    expect(rmseOf((u, i) => model.predict(u, i), data, data.splits.test))
      .toBeLessThan(rmseOf((u, i) => unrefitted.predict(u, i), data, data.splits.test));
  });

  it('given a person who has only watched group-A anime, then the taste prior ranks group A first', async () => {
    const model = await trainEmbedding(data, { epochs: 2, patience: 10, threads: 1, quiet: true });
    expect(isZeroPrior(model.modelState.prior)).toBe(false);
    const loved = 1;
    const watched = Array.from({ length: 120 }, (_, i) => i).filter((i) => planted.groupOfItem[i] === loved).slice(0, 8);
    const person = model.foldIn({ itemIx: Int32Array.from(watched), score: new Int8Array(watched.length).fill(-1) });
    expect(person.fallback).toBeUndefined();
    const out = new Float32Array(planted.ratings.nItems);
    model.scoreItems(person, out);
    const top = Array.from(out.keys()).filter((i) => !watched.includes(i)).sort((a, b) => out[b]! - out[a]!).slice(0, 10);
    expect(top.filter((i) => planted.groupOfItem[i] === loved).length).toBeGreaterThanOrEqual(8);
  });

  it('given a refit that does not help, then the trained tables and a zero prior are kept', async () => {
    const model = await trainEmbedding(data, { epochs: 2, patience: 10, threads: 1, quiet: true, refitItemReg: 1e4, refitUserReg: 1e4 });
    expect(model.report.notes!.refitSweeps).toBe(0);
    expect(isZeroPrior(model.modelState.prior)).toBe(true);
    expect(model.modelState.userPenalty).toEqual({ perSqrtRating: 0, prior: model.modelState.options.foldInReg });
  });
});

describe('refit of rarely scored anime', () => {
  it('given anime with 2-4 scores, then the bias floor keeps their biases near zero instead of fitting those scores', async () => {
    const { data } = makePlantedData({ users: 300, anime: 600, ratingsPerUser: 30, seed: 4 });
    const { ratings, splits, nUsers } = data;
    const refitData = {
      byUser: buildCsr(ratings, splits.train, { by: 'user', explicitOnly: true, nUsers }),
      byItem: buildCsr(ratings, splits.train, { by: 'item', explicitOnly: true, nUsers }),
      history: buildCsr(ratings, splits.train, { by: 'user', nUsers }),
      validation: selectExplicitRows(data, splits.validation, false),
    };
    const rare: number[] = [];
    for (let i = 0; i < refitData.byItem.nRows; i++) {
      const n = refitData.byItem.indptr[i + 1]! - refitData.byItem.indptr[i]!;
      if (n >= 2 && n <= 4) rare.push(i);
    }
    expect(rare.length).toBeGreaterThanOrEqual(20);
    const meanAbsRareBias = async (itemFloor: number): Promise<number> => {
      const trained = await trainTables(data, { epochs: 2, patience: 10, threads: 1 }, { quiet: true });
      // Validation is not the point here: force the sweep to be kept by judging it on its own rows.
      const sweeps: number[][] = [];
      const result = refitTables(trained.tables, trained.shape, { ...refitData, validation: selectExplicitRows(data, splits.train, false) }, {
        sweeps: 1, steps: 4, user: { perSqrtRating: 0.5, prior: 60 }, itemReg: 1.5, itemFloor, priorMinRatings: 20, priorShrink: 10,
      }, (sweep, rmse, before) => sweeps.push([sweep, rmse, before]));
      // The progress callback hears each sweep with the RMSE before and after it.
      expect(sweeps).toEqual([[1, result.curve[1], result.curve[0]]]);
      return rare.reduce((sum, i) => sum + Math.abs(trained.tables.itemBias[i]!), 0) / rare.length;
    };
    const free = await meanAbsRareBias(0);
    const floored = await meanAbsRareBias(20);
    expect(floored).toBeLessThan(free / 2);
  });
});
