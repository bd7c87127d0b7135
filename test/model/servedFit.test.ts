/**
 * The served model: selection on the splits, then the chosen settings replayed on every row, so every user
 * of the data is served from their own rows; the choice is written into the saved model.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSplits } from '../../src/data/splits.js';
import { WATCHED, type Dataset } from '../../src/data/types.js';
import { allRowsSplits, loadAnirecModel, saveAnirecModel, trainAnirecModel, type ModelSelection } from '../../src/model/anirecModel.js';
import { trainTables } from '../../src/model/embedding/trainer.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/model/embedding/options.js';
import type { EmbeddingModel } from '../../src/model/embedding/index.js';
import { makePlanted } from '../../support/planted.js';

const planted = makePlanted({ users: 300, anime: 90, groups: 3, ratingsPerUser: 25, seed: 21 });
const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'planted-21' };
const options = { explicit: { threads: 1, dim: 8 }, implicit: { threads: 1, dim: 8 }, quiet: true, explicitKinds: ['embedding' as const] };
const served = await trainAnirecModel(dataset, options);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the served model (anirec train)', () => {
  it('given no splits then it is fitted on every row: every user with a score is trained, those the selection split holds out too', () => {
    const { ratings } = planted;
    const counts = served.explicit.modelState.userCounts;
    const explicitPerUser = new Int32Array(ratings.userIds.length);
    for (let r = 0; r < ratings.count; r++) if (ratings.score[r] !== WATCHED) explicitPerUser[ratings.userIx[r]!]!++;
    for (let u = 0; u < explicitPerUser.length; u++) expect(counts[u]).toBe(explicitPerUser[u]);
    const heldOut = makeSplits(ratings, { seed: 42 }).heldOutUsers;
    expect(heldOut.length).toBeGreaterThan(10);
    for (const u of heldOut) expect(counts[u]).toBeGreaterThan(0);
  });

  it('given a held-out user of the selection split then their predictions follow their own scores, not the anime average', () => {
    const { ratings } = planted;
    const heldOut = makeSplits(ratings, { seed: 42 }).heldOutUsers;
    // Served from their own rows, a held-out user's predictions for their rated anime track their scores.
    let sseOwn = 0, sseFallback = 0, n = 0;
    const fallback = (itemIx: number) => served.explicit.predict(-1, itemIx);
    for (let r = 0; r < ratings.count; r++) {
      if (ratings.score[r] === WATCHED || !heldOut.includes(ratings.userIx[r]!)) continue;
      sseOwn += (served.predict(ratings.userIx[r]!, ratings.itemIx[r]!) - ratings.score[r]!) ** 2;
      sseFallback += (fallback(ratings.itemIx[r]!) - ratings.score[r]!) ** 2;
      n++;
    }
    expect(n).toBeGreaterThan(100);
    expect(Math.sqrt(sseOwn / n)).toBeLessThan(0.8 * Math.sqrt(sseFallback / n));
  });

  it('given splits then it returns the selection model, fitted on splits.train only (what anirec eval judges)', async () => {
    const splits = makeSplits(planted.ratings, { seed: 42 });
    const judged = await trainAnirecModel(dataset, { ...options, splits });
    expect(judged.info.params.fittedOn).toBe('splits.train');
    for (const u of splits.heldOutUsers) expect(judged.explicit.modelState.userCounts[u]).toBe(0);
  });

  it('given a saved model then the settings chosen on validation are in it, and the full fit replayed them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    dirs.push(dir);
    await saveAnirecModel(served, dir);
    const info = JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8'));
    expect(info.params.fittedOn).toBe('all rows');
    const selection = info.params.selection as ModelSelection;
    expect(selection.explicitKind).toBe('embedding');
    expect(selection.beta).toBe(served.blend.beta);
    expect(selection.schedule.epochs.length).toBeGreaterThan(0);
    expect(selection.schedule.epochs[0]).toBeGreaterThan(0);
    // The replayed fit ran exactly the chosen epochs (no early stopping without validation).
    const ran = (served.explicit as EmbeddingModel).report.curve!.length;
    expect(ran).toBe(selection.schedule.epochs.reduce((a, b) => a + b, 0));
    const loaded = await loadAnirecModel(dir);
    expect(loaded.info.params.selection).toEqual(selection);
    expect(loaded.predict(3, 7)).toBeCloseTo(served.predict(3, 7), 5);
  });
});

describe('the penalty on small sets', () => {
  const data = { catalogue: planted.catalogue, ratings: planted.ratings, splits: makeSplits(planted.ratings, { seed: 4 }), nUsers: planted.ratings.userIds.length };
  it('given optimizer auto on a small set and no reg then Adam trains with regSmall; a reg given wins', async () => {
    const auto = await trainTables(data, { threads: 1, dim: 8, epochs: 2 }, { quiet: true });
    expect(auto.options.optimizer).toBe('adam');
    expect(auto.options.reg).toBe(DEFAULT_TRAIN_OPTIONS.regSmall);
    const given = await trainTables(data, { threads: 1, dim: 8, epochs: 2, reg: 1.5 }, { quiet: true });
    expect(given.options.reg).toBe(1.5);
    const adam = await trainTables(data, { threads: 1, dim: 8, epochs: 2, optimizer: 'adam' }, { quiet: true });
    expect(adam.options.reg).toBe(DEFAULT_TRAIN_OPTIONS.reg);
  });
});

describe('trainTables with a schedule', () => {
  const data = { catalogue: planted.catalogue, ratings: planted.ratings, splits: allRowsSplits(planted.ratings, 1), nUsers: planted.ratings.userIds.length };

  it('given [3] then it runs exactly three epochs on every explicit row', async () => {
    const result = await trainTables(data, { threads: 1, dim: 8, optimizer: 'adam' }, { quiet: true, schedule: [3] });
    expect(result.curve).toHaveLength(3);
    let explicit = 0;
    for (let r = 0; r < planted.ratings.count; r++) if (planted.ratings.score[r] !== WATCHED) explicit++;
    expect(result.trainRows).toBe(explicit);
    expect(result.schedule).toEqual([3]);
  });

  it('given the two-phase optimiser and [2, 3] then it runs two AdaGrad epochs and three Adam epochs', async () => {
    const result = await trainTables(data, { threads: 1, dim: 8, optimizer: 'rowAdagradThenAdam' }, { quiet: true, schedule: [2, 3] });
    expect(result.curve).toHaveLength(5);
    expect(result.schedule).toEqual([2, 3]);
    const noAdam = await trainTables(data, { threads: 1, dim: 8, optimizer: 'rowAdagradThenAdam' }, { quiet: true, schedule: [4, 0] });
    expect(noAdam.curve).toHaveLength(4);
  });

  it('given validation rows and early stopping then the schedule it reports replays to the same tables', async () => {
    const splits = makeSplits(planted.ratings, { seed: 3 });
    const withValidation = { ...data, splits };
    const chosen = await trainTables(withValidation, { threads: 1, dim: 8, optimizer: 'adam', epochs: 40 }, { quiet: true });
    expect(chosen.schedule).toEqual([chosen.bestEpoch]);
    const replay = await trainTables({ ...withValidation, splits: { ...splits, validation: new Uint32Array(0) } }, { threads: 1, dim: 8, optimizer: 'adam', epochs: 40 }, { quiet: true, schedule: chosen.schedule });
    expect(replay.curve).toHaveLength(chosen.bestEpoch);
    expect(Array.from(replay.tables.P.subarray(0, 16))).toEqual(Array.from(chosen.tables.P.subarray(0, 16)));
  });
});
