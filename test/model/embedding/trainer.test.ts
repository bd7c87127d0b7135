import { describe, expect, it } from 'vitest';
import { trainEmbedding } from '../../../src/model/embedding/index.js';
import { THREADED_MIN_ROWS, trainTables } from '../../../src/model/embedding/trainer.js';
import { AUTO_ADAGRAD_ROWS, resolveOptimizer } from '../../../src/model/embedding/options.js';
import { ModelFitError } from '../../../src/errors.js';
import { makePlantedData, rmseOf } from './fixture.js';

describe('fast trainer', () => {
  const { data } = makePlantedData({ users: 400, anime: 120, ratingsPerUser: 40, seed: 5 });

  it('given the same seed on one thread, then two runs give identical weights', async () => {
    const a = await trainTables(data, { epochs: 5, threads: 1, seed: 11 }, { quiet: true });
    const b = await trainTables(data, { epochs: 5, threads: 1, seed: 11 }, { quiet: true });
    expect(a.threads).toBe(1);
    expect(Buffer.compare(Buffer.from(a.tables.P.buffer, a.tables.P.byteOffset, a.tables.P.byteLength), Buffer.from(b.tables.P.buffer, b.tables.P.byteOffset, b.tables.P.byteLength))).toBe(0);
    expect(Array.from(a.tables.Q)).toEqual(Array.from(b.tables.Q));
    expect(Array.from(a.tables.itemBias)).toEqual(Array.from(b.tables.itemBias));
    const c = await trainTables(data, { epochs: 5, threads: 1, seed: 12 }, { quiet: true });
    expect(Array.from(c.tables.Q)).not.toEqual(Array.from(a.tables.Q));
  });

  it('given threads 0 (one per core) on a set below THREADED_MIN_ROWS, then one thread runs and runs repeat exactly', async () => {
    const a = await trainTables(data, { epochs: 5, threads: 0, seed: 11 }, { quiet: true });
    const b = await trainTables(data, { epochs: 5, threads: 0, seed: 11 }, { quiet: true });
    expect(a.trainRows).toBeLessThan(THREADED_MIN_ROWS);
    expect(a.threads).toBe(1);
    expect(Array.from(a.tables.P)).toEqual(Array.from(b.tables.P));
  });

  it('given two threads, then training runs in workers and reaches a quality close to one thread', async () => {
    const one = await trainEmbedding(data, { epochs: 30, threads: 1, quiet: true });
    const two = await trainEmbedding(data, { epochs: 30, threads: 2, quiet: true });
    expect(two.report.notes?.threads).toBe(2);
    const rmseOne = rmseOf((u, i) => one.predict(u, i), data, data.splits.test);
    const rmseTwo = rmseOf((u, i) => two.predict(u, i), data, data.splits.test);
    expect(Math.abs(rmseTwo - rmseOne)).toBeLessThan(0.05);
  });

  it('given the rowAdagrad optimiser on two threads, then it trains too', async () => {
    const model = await trainEmbedding(data, { epochs: 30, threads: 2, optimizer: 'rowAdagrad', lr: 0.1, reg: 0.1, quiet: true });
    const rmse = rmseOf((u, i) => model.predict(u, i), data, data.splits.test);
    expect(rmse).toBeLessThan(1.2);
  });

  it('given optimizer auto, then small sets get Adam and large ones the AdaGrad-then-Adam schedule', async () => {
    expect(resolveOptimizer('auto', AUTO_ADAGRAD_ROWS - 1)).toBe('adam');
    expect(resolveOptimizer('auto', AUTO_ADAGRAD_ROWS)).toBe('rowAdagradThenAdam');
    expect(resolveOptimizer('rowAdagrad', 10)).toBe('rowAdagrad');
    const result = await trainTables(data, { epochs: 2, threads: 1 }, { quiet: true });
    expect(result.options.optimizer).toBe('adam');
  });

  it('given the rowAdagradThenAdam schedule, then an Adam phase follows the AdaGrad epochs, reproducibly', async () => {
    const options = { optimizer: 'rowAdagradThenAdam', epochs: 4, patience: 2, threads: 1, seed: 3 } as const;
    const a = await trainTables(data, options, { quiet: true });
    const b = await trainTables(data, options, { quiet: true });
    // Each phase runs at most `epochs` epochs: more than 4 in all means the Adam phase ran.
    expect(a.curve.length).toBeGreaterThan(4);
    expect(a.curve.length).toBeLessThanOrEqual(8);
    expect(Array.from(a.tables.Q)).toEqual(Array.from(b.tables.Q));
    const model = await trainEmbedding(data, { ...options, quiet: true });
    expect(rmseOf((u, i) => model.predict(u, i), data, data.splits.test)).toBeLessThan(1.2);
  });

  it('given validation RMSE that worsens, then early stopping restores the best epoch', async () => {
    // No regularisation and a high rate: it overfits after a few epochs.
    const epochs: { epoch: number; validationRmse: number }[] = [];
    const result = await trainTables(data, { epochs: 60, threads: 1, reg: 0, regBias: 0, lr: 0.03, patience: 3 }, {
      quiet: true, onEpoch: (e) => epochs.push(e),
    });
    const best = Math.min(...epochs.map((e) => e.validationRmse));
    expect(epochs.length).toBeLessThan(60);
    expect(epochs.length).toBe(result.bestEpoch + 3);
    expect(result.bestValidationRmse).toBe(best);
    expect(epochs[result.bestEpoch - 1]!.validationRmse).toBe(best);
    const model = await trainEmbedding(data, { epochs: 60, threads: 1, reg: 0, regBias: 0, lr: 0.03, patience: 3, quiet: true });
    expect(rmseOf((u, i) => model.predict(u, i), data, data.splits.validation)).toBeCloseTo(best, 5);
  });

  it('given no explicit ratings in train, then fit fails with a clear ModelFitError', async () => {
    const watchedOnly = { ...data, splits: { ...data.splits, train: Uint32Array.from(Array.from(data.splits.train).filter((r) => data.ratings.score[r]! < 1)) } };
    await expect(trainEmbedding(watchedOnly, { quiet: true })).rejects.toThrow(
      new ModelFitError('no explicit ratings in the training split: the embedding model needs scores 1-10'),
    );
  });
});
