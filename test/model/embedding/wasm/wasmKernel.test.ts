import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ModelFitError } from '../../../../src/errors.js';
import { trainEmbedding } from '../../../../src/model/embedding/index.js';
import { trainTables } from '../../../../src/model/embedding/trainer.js';
import { createArena } from '../../../../src/model/embedding/wasm/arena.js';
import { compileKernelModule } from '../../../../src/model/embedding/wasm/compile.js';
import { getWasmApi } from '../../../../src/model/embedding/wasm/runtime.js';
import type { Tables } from '../../../../src/model/embedding/params.js';
import { globalMeanRmse, makePlantedData, rmseOf } from '../fixture.js';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

function expectTablesClose(a: Tables, b: Tables, tolerance: number): void {
  expect(maxAbsDiff(a.P, b.P)).toBeLessThan(tolerance);
  expect(maxAbsDiff(a.Q, b.Q)).toBeLessThan(tolerance);
  expect(maxAbsDiff(a.userBias, b.userBias)).toBeLessThan(tolerance);
  expect(maxAbsDiff(a.itemBias, b.itemBias)).toBeLessThan(tolerance);
}

describe('wasm kernel', () => {
  const { data } = makePlantedData({ users: 400, anime: 120, ratingsPerUser: 40, seed: 5 });

  it('given its sigmoid, then it matches 1 / (1 + Math.exp(-z)) to 1e-12, saturates, and passes NaN through', async () => {
    const arena = createArena();
    const api = getWasmApi();
    const { exports } = new api.Instance(await compileKernelModule(), { env: { memory: arena.memory } });
    const sigmoid = exports.sigmoid as (z: number) => number;
    let worst = 0;
    for (let z = -60; z <= 60; z += 0.01) worst = Math.max(worst, Math.abs(sigmoid(z) - 1 / (1 + Math.exp(-z))));
    expect(worst).toBeLessThan(1e-12);
    expect(sigmoid(1e6)).toBe(1);
    expect(sigmoid(-1e6)).toBeLessThan(1e-300);
    expect(sigmoid(Infinity)).toBe(1);
    expect(Number.isNaN(sigmoid(NaN))).toBe(true);
  });

  // dim 32: whole pairs of f32x4 lanes; 12 and 4: the dot product's odd lane left over.
  const cases = [['adam', 'users', 32], ['rowAdagrad', 'users', 32], ['adam', 'ratings', 32], ['rowAdagrad', 'users', 12], ['adam', 'users', 4]] as const;
  for (const [optimizer, order, dim] of cases) {
    it(`given ${optimizer} passes in ${order} order at dim ${dim} from the same seed, then wasm and JS draw the same orders and give the same tables within f32 rounding`, async () => {
      const options = { epochs: 3, patience: 10, threads: 1, seed: 4, optimizer, order, dim, lr: optimizer === 'adam' ? 0.005 : 0.05 };
      const js = await trainTables(data, { ...options, kernel: 'js' }, { quiet: true });
      const wasm = await trainTables(data, { ...options, kernel: 'wasm' }, { quiet: true });
      expect(js.options.kernel).toBe('js');
      expect(wasm.options.kernel).toBe('wasm');
      // Training moved the tables far more than the tolerance.
      expect(maxAbsDiff(wasm.tables.Q, (await trainTables(data, { ...options, epochs: 0, kernel: 'js' }, { quiet: true })).tables.Q)).toBeGreaterThan(0.01);
      expectTablesClose(js.tables, wasm.tables, 1e-5);
      expect(wasm.curve).toHaveLength(3);
      for (let e = 0; e < 3; e++) {
        expect(wasm.curve[e]!.trainLoss).toBeCloseTo(js.curve[e]!.trainLoss, 5);
        expect(wasm.curve[e]!.validationRmse).toBeCloseTo(js.curve[e]!.validationRmse, 5);
      }
    });
  }

  it('given the same seed on one thread, then two wasm runs give identical weights, and another seed does not', async () => {
    const options = { epochs: 4, threads: 1, seed: 11, kernel: 'wasm', optimizer: 'rowAdagradThenAdam', patience: 2 } as const;
    const a = await trainTables(data, options, { quiet: true });
    const b = await trainTables(data, options, { quiet: true });
    expect(a.curve.length).toBeGreaterThan(4); // the Adam phase ran too
    expect(Array.from(a.tables.P)).toEqual(Array.from(b.tables.P));
    expect(Array.from(a.tables.Q)).toEqual(Array.from(b.tables.Q));
    expect(Array.from(a.tables.userBias)).toEqual(Array.from(b.tables.userBias));
    expect(Array.from(a.tables.itemBias)).toEqual(Array.from(b.tables.itemBias));
    const c = await trainTables(data, { ...options, seed: 12 }, { quiet: true });
    expect(Array.from(c.tables.Q)).not.toEqual(Array.from(a.tables.Q));
  });

  it('given a wasm run, then the returned tables are copies that do not hold the training memory', async () => {
    const result = await trainTables(data, { epochs: 1, threads: 1, kernel: 'wasm' }, { quiet: true });
    for (const table of [result.tables.P, result.tables.Q, result.tables.userBias, result.tables.itemBias]) {
      expect(table.buffer.byteLength).toBe(table.byteLength);
    }
  });

  for (const threads of [1, 2]) {
    it(`given kernel wasm on ${threads} thread(s), then the model recovers the planted structure`, async () => {
      const model = await trainEmbedding(data, { epochs: 30, threads, kernel: 'wasm', quiet: true });
      expect(model.report.notes?.threads).toBe(threads);
      expect(model.report.notes?.kernel).toBe('wasm');
      const rmse = rmseOf((u, i) => model.predict(u, i), data, data.splits.test);
      expect(rmse).toBeLessThan(globalMeanRmse(data) * 0.6);
    });
  }

  it('given kernel auto, then the plain model gets wasm and the hybrid or a dim not divisible by 4 gets js', async () => {
    const plain = await trainTables(data, { epochs: 1, threads: 1 }, { quiet: true });
    expect(plain.options.kernel).toBe('wasm');
    const hybrid = await trainTables(data, { epochs: 1, threads: 1, kernel: 'auto' }, { quiet: true, hybrid: true });
    expect(hybrid.options.kernel).toBe('js');
    const odd = await trainTables(data, { epochs: 1, threads: 1, dim: 6 }, { quiet: true });
    expect(odd.options.kernel).toBe('js');
  });

  it('given a step size that blows the weights up, then wasm training stops with the same ModelFitError as JS', async () => {
    const options = { epochs: 3, threads: 1, optimizer: 'rowAdagrad', lr: 1e30 } as const;
    const message = 'training diverged at epoch 1 (lr 1e+30 too high?)';
    await expect(trainTables(data, { ...options, kernel: 'js' }, { quiet: true })).rejects.toThrow(new ModelFitError(message));
    await expect(trainTables(data, { ...options, kernel: 'wasm' }, { quiet: true })).rejects.toThrow(new ModelFitError(message));
  });

  it('given kernel wasm where it cannot run, then training fails with a clear InvalidOptionError', async () => {
    await expect(trainTables(data, { epochs: 1, kernel: 'wasm' }, { quiet: true, hybrid: true })).rejects.toThrow(
      new InvalidOptionError('kernel', "wasm cannot run here: it runs the plain model only, not the hybrid; use 'auto' or 'js'"),
    );
    await expect(trainTables(data, { epochs: 1, kernel: 'wasm', dim: 6 }, { quiet: true })).rejects.toThrow(
      new InvalidOptionError('kernel', "wasm cannot run here: it needs dim to be a multiple of 4 (got 6); use 'auto' or 'js'"),
    );
  });
});
