/**
 * `anirec eval --holdout P`: rows removed before anything trains, the served pipeline on the rest, peers
 * fitted on the same rest.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WATCHED, type Dataset, type Ratings } from '../../src/data/types.js';
import { InvalidOptionError } from '../../src/errors.js';
import command from '../../src/interfaces/cli/evalCommand.js';
import { subsetRows } from '../../src/model/anirecModel.js';
import { evaluateHoldout, predictServed, removeHoldout } from '../../src/model/holdout.js';
import { makePlanted, writePlanted } from '../../support/planted.js';

const planted = makePlanted({ users: 260, anime: 80, groups: 4, ratingsPerUser: 25, seed: 5 });
const train = { explicit: { threads: 1, dim: 8 }, implicit: { threads: 1, dim: 8 }, explicitKinds: ['embedding' as const] };

describe('removeHoldout', () => {
  it('given 20% then it removes a fifth of the explicit rows, no watched row and never a user\'s last score', () => {
    const { ratings } = planted;
    const { rest, removed } = removeHoldout(ratings, 20, 1);
    let explicit = 0;
    for (let r = 0; r < ratings.count; r++) if (ratings.score[r] !== WATCHED) explicit++;
    expect(removed.length).toBe(Math.round(0.2 * explicit));
    expect(rest.count + removed.length).toBe(ratings.count);
    for (const r of removed) expect(ratings.score[r]).not.toBe(WATCHED);
    const left = new Int32Array(ratings.userIds.length);
    for (let r = 0; r < rest.count; r++) if (rest.score[r] !== WATCHED) left[rest.userIx[r]!]!++;
    const had = new Int32Array(ratings.userIds.length);
    for (let r = 0; r < ratings.count; r++) if (ratings.score[r] !== WATCHED) had[ratings.userIx[r]!]!++;
    for (let u = 0; u < had.length; u++) if (had[u]! > 0) expect(left[u]).toBeGreaterThan(0);
    // No removed (user, anime) pair is left in the rest.
    const restPairs = new Set(Array.from({ length: rest.count }, (_, r) => rest.userIx[r]! * 1000 + rest.itemIx[r]!));
    for (const r of removed) expect(restPairs.has(ratings.userIx[r]! * 1000 + ratings.itemIx[r]!)).toBe(false);
  });

  it('given the same seed then the same rows, and another seed other rows', () => {
    const a = removeHoldout(planted.ratings, 10, 7).removed;
    expect(removeHoldout(planted.ratings, 10, 7).removed).toEqual(a);
    expect(removeHoldout(planted.ratings, 10, 8).removed).not.toEqual(a);
  });

  it.each([0, 100, -5, 150, Number.NaN])('given %s%% then a one-line InvalidOptionError', (percent) => {
    expect(() => removeHoldout(planted.ratings, percent, 1)).toThrow(InvalidOptionError);
    try {
      removeHoldout(planted.ratings, percent, 1);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain('between 0 and 100');
    }
  });
});

describe('the served pipeline on the rest', () => {
  it('given planted rows far off a user\'s taste then, removed, they are predicted from the user\'s taste, never from the planted score', async () => {
    // Every user gives their own group 9-10. Plant a 1 on an anime of their own group for 120 users:
    // removed before training, the prediction must stay high; had a removed row reached training, the
    // model would pull it towards 1.
    const { ratings } = planted;
    const score = Int8Array.from(ratings.score);
    const plantedRows: number[] = [];
    const seen = new Set<number>();
    for (let r = 0; r < ratings.count && plantedRows.length < 120; r++) {
      const u = ratings.userIx[r]!;
      if (seen.has(u) || score[r]! < 8 || planted.groupOfItem[ratings.itemIx[r]!] !== planted.lovedGroup[u]) continue;
      seen.add(u);
      score[r] = 1;
      plantedRows.push(r);
    }
    expect(plantedRows.length).toBe(120);
    const withPlanted: Ratings = { ...ratings, score };
    const { rest, removed } = removeHoldout(withPlanted, 30, 3);
    const removedPlanted = plantedRows.filter((r) => removed.includes(r));
    expect(removedPlanted.length).toBeGreaterThan(20);
    const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: rest, report: {} as Dataset['report'], fingerprint: 'p' };
    const predictions = await predictServed(dataset, withPlanted, removed, train);
    for (const r of removedPlanted) expect(predictions[removed.indexOf(r)]).toBeGreaterThan(6);
    // A control: the same rows left in training are pulled down (so the check above can fail).
    const keepAll = subsetRows(withPlanted, Uint32Array.from({ length: withPlanted.count }, (_, r) => r));
    const seenAll = await predictServed({ ...dataset, ratings: keepAll }, withPlanted, Uint32Array.from(removedPlanted), train);
    const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(seenAll)).toBeLessThan(mean(removedPlanted.map((r) => predictions[removed.indexOf(r)]!)) - 0.3);
  });

  it('given a folder then the table has ours beside each peer, every figure on the same removed rows', async () => {
    const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'p' };
    const table = await evaluateHoldout(dataset, { percent: 10, seed: 2, peers: ['global-mean', 'baseline'], train });
    expect(table.rows.map((r) => r.model)).toEqual(['anirec', 'global-mean', 'baseline']);
    for (const row of table.rows) expect(row.rmse).toBeGreaterThan(0);
    const [ours, mean, baseline] = table.rows;
    // Planted tastes are group against group, which biases cannot express; the factor model can.
    expect(ours!.rmse!).toBeLessThan(0.8 * mean!.rmse!);
    expect(ours!.rmse!).toBeLessThan(0.8 * baseline!.rmse!);
    expect(table.servedSplit.heldOutUsers.rows).toBeGreaterThan(0);
    expect(table.servedSplit.heldOutUsers.rows + table.servedSplit.others.rows).toBe(table.removedRows);
  });

  it('given a folder too small to split then a one-line error', async () => {
    const tiny = subsetRows(planted.ratings, Uint32Array.from({ length: 150 }, (_, r) => r));
    const dataset: Dataset = { dir: 'tiny', catalogue: planted.catalogue, ratings: tiny, report: {} as Dataset['report'], fingerprint: 't' };
    await expect(evaluateHoldout(dataset, { percent: 10, train })).rejects.toThrow(/too small to hold out 10%/);
  });
});

describe('anirec eval --holdout (CLI)', () => {
  let dir: string;
  let stdout: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    writePlanted(join(dir, 'data'), makePlanted({ users: 200, anime: 60 }));
    vi.stubEnv('ANIREC_CACHE_DIR', join(dir, 'cache'));
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it.each(['0', '100', 'ten'])('given --holdout %s then InvalidOptionError naming --holdout', async (value) => {
    await expect(command.run(['--data', join(dir, 'data'), '--holdout', value])).rejects.toThrow(/--holdout/);
  });

  it('given --holdout 10 then it prints the table and writes holdout.json', async () => {
    const out = join(dir, 'results');
    const code = await command.run(['--data', join(dir, 'data'), '--holdout', '10', '--models', 'baseline', '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| anirec +\| +\d\.\d{4} \|/);
    expect(stdout).toMatch(/\| baseline +\| +\d\.\d{4} \|/);
    expect(stdout).toContain('removed before training');
  });
});
