/** The LIBMF peer: planted structure, settings chosen on validation only, refit on train + validation, fallbacks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { Libmf } from '../../../src/model/baselines/libmf.js';
import type { TrainingData } from '../../../src/model/types.js';
import { makePlantedData, profileOf, testRmse } from '../plantedData.js';

const { data, unknownUser, unratedItem } = makePlantedData();
const grid = { lambdas: [0.03, 0.1], iterations: [5, 20], threads: 1 };

function validationRmse(model: Libmf, d: TrainingData): number {
  let sse = 0;
  let n = 0;
  for (const r of d.splits.validation) {
    if (d.ratings.score[r]! <= 0) continue;
    sse += (model.predict(d.ratings.userIx[r]!, d.ratings.itemIx[r]!) - d.ratings.score[r]!) ** 2;
    n++;
  }
  return Math.sqrt(sse / n);
}

describe('Libmf', () => {
  let model: Libmf;
  beforeAll(async () => {
    model = new Libmf(grid);
    await model.fit(data);
  });

  it('given planted low-rank tastes then it beats biases only on test RMSE', async () => {
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)) - 0.1);
  });

  it('given the grid then the chosen settings are the trial with the lowest validation RMSE', () => {
    expect(model.trials).toHaveLength(4);
    const best = model.trials.reduce((a, b) => (b.validationRmse < a.validationRmse ? b : a));
    expect([model.lambda, model.iterations]).toEqual([best.lambda, best.iterations]);
  });

  it('given a different test split then the same settings are chosen (test rows are never read)', async () => {
    const other = new Libmf(grid);
    await other.fit({ ...data, splits: { ...data.splits, test: new Uint32Array(0) } });
    expect([other.lambda, other.iterations]).toEqual([model.lambda, model.iterations]);
    expect(other.trials).toEqual(model.trials);
  });

  it('given the chosen settings then the served model is refitted with the validation rows in it', () => {
    // The refit has seen the validation rows, so it fits them better than the tuned trial did unseen.
    const best = model.trials.find((t) => t.lambda === model.lambda && t.iterations === model.iterations)!;
    expect(validationRmse(model, data)).toBeLessThan(best.validationRmse - 0.05);
  });

  it('given a held-out person then fold-in from their profile beats LIBMF\'s mean on their targets', () => {
    let folded = 0;
    let mean = 0;
    let n = 0;
    for (const u of data.splits.heldOutUsers) {
      const person = model.foldIn(profileOf(data, u, data.splits.profile));
      for (const r of data.splits.target) {
        if (data.ratings.userIx[r] !== u || data.ratings.score[r]! <= 0) continue;
        folded += (model.predictFolded(person, data.ratings.itemIx[r]!) - data.ratings.score[r]!) ** 2;
        mean += (model.b - data.ratings.score[r]!) ** 2;
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
    expect(Math.sqrt(folded / n)).toBeLessThan(Math.sqrt(mean / n) - 0.1);
  });

  it('given an unknown user or an anime nobody rated then it answers LIBMF\'s mean rating', () => {
    const u = data.ratings.userIx[data.splits.train[0]!]!;
    for (const p of [model.predict(unknownUser, 0), model.predict(u, unratedItem), model.predict(data.nUsers + 3, 0)]) expect(p).toBeCloseTo(model.b, 5);
  });
});
