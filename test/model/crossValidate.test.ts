import { describe, expect, it } from 'vitest';
import { WATCHED } from '../../src/data/types.js';
import { InvalidOptionError } from '../../src/errors.js';
import { combinations, parseGrid } from '../../src/interfaces/cli/tuneCommand.js';
import { crossValidate, kFoldSplits } from '../../src/model/crossValidate.js';
import { fitServedExplicit } from '../../src/model/anirecModel.js';
import { GlobalMean } from '../../src/model/baselines/globalMean.js';
import { makePlanted } from '../../support/planted.js';

const planted = makePlanted({ users: 150, anime: 50, seed: 3 });
const { ratings } = planted;

describe('kFoldSplits', () => {
  it('given 5 folds then every explicit row is validation exactly once, watched rows always train, nothing is test', () => {
    const folds = kFoldSplits(ratings, 5, 9);
    const times = new Int32Array(ratings.count);
    for (const f of folds) {
      expect(f.test.length).toBe(0);
      expect(f.train.length + f.validation.length).toBe(ratings.count);
      for (const r of f.validation) {
        times[r]!++;
        expect(ratings.score[r]).not.toBe(WATCHED);
      }
    }
    for (let r = 0; r < ratings.count; r++) expect(times[r]).toBe(ratings.score[r] === WATCHED ? 0 : 1);
  });

  it('given k below 2 then a one-line error', () => {
    expect(() => kFoldSplits(ratings, 1, 1)).toThrow(InvalidOptionError);
  });
});

describe('crossValidate', () => {
  it('given the served explicit pipeline against the global mean then it scores far lower, each fold on rows its fit never saw', async () => {
    const data = { catalogue: planted.catalogue, ratings, nUsers: ratings.userIds.length };
    const folds = kFoldSplits(ratings, 4, 2);
    const seen: number[] = [];
    const mean = await crossValidate(data, folds, async (d) => {
      const trainSet = new Set(d.splits.train);
      for (const r of d.splits.validation) if (trainSet.has(r)) seen.push(r);
      const m = new GlobalMean();
      await m.fit(d);
      return m;
    });
    const served = await crossValidate(data, folds, (d) => fitServedExplicit(d, { explicit: { threads: 1, dim: 8 }, explicitKinds: ['embedding'] }));
    expect(seen).toEqual([]);
    expect(mean.folds).toHaveLength(4);
    expect(served.rmse).toBeLessThan(0.7 * mean.rmse);
    expect(served.stderr).toBeGreaterThan(0);
  });
});

describe('anirec tune --grid', () => {
  it('given two options then every combination', () => {
    expect(combinations(parseGrid('dim=8,16; topMargin=0,0.5'))).toEqual([
      { dim: 8, topMargin: 0 }, { dim: 8, topMargin: 0.5 }, { dim: 16, topMargin: 0 }, { dim: 16, topMargin: 0.5 },
    ]);
    expect(combinations(parseGrid(undefined))).toEqual([{}]);
  });

  it.each(['size=3', 'dim=a,b', 'dim', 'optimizer=1'])('given "%s" then InvalidOptionError naming --grid', (spec) => {
    expect(() => parseGrid(spec)).toThrow(/--grid/);
  });
});
