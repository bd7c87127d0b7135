import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAnirecModel } from '../../../src/model/anirecModel.js';
import { makePlanted, writePlanted } from '../../../support/planted.js';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'anirec-'));
const dataDir = join(work, 'data');
const modelDir = join(work, 'model');
const planted = makePlanted({ users: 200, anime: 60, groups: 3, ratingsPerUser: 20, seed: 5 });
writePlanted(dataDir, planted);

function anirec(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ANIREC_CACHE_DIR: join(work, 'cache'), ANIREC_MODEL_DIR: join(work, 'unset-model'), ANIREC_LOG_LEVEL: 'info', ANIREC_STORE_URL: `sqlite://${join(work, 'no-store.sqlite')}` },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The last line of stderr (the TF.js backend line may come first when a model is loaded). */
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const csv = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

beforeAll(() => {
  const run = anirec('train', '--data', dataDir, '--model', modelDir, '--threads', '1', '--dim', '8', '--explicit', 'embedding');
  expect(run.stderr).toContain(`anirec train: saved to ${modelDir}`);
  expect(run.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('anirec predict', () => {
  it('given pairs with extra columns in any order then it prints one prediction per row, in order, with fallbacks', async () => {
    const pairs = file('pairs.csv', 'note,anime_id,user_id\nx,1003,2\ny,1000,1\nz,999999,1\nw,1005,777777\n');
    const run = anirec('predict', '--model', modelDir, '--pairs', pairs);
    expect(run.code).toBe(0);
    const rows = csv(run.stdout);
    expect(rows.map((r) => [r.user_id, r.anime_id])).toEqual([['2', '1003'], ['1', '1000'], ['1', '999999'], ['777777', '1005']]);
    const model = await loadAnirecModel(modelDir);
    expect(rows.map((r) => Number(r.prediction))).toEqual([
      Number(model.predictByIds(2, 1003).toFixed(4)),
      Number(model.predictByIds(1, 1000).toFixed(4)),
      Number(model.globalMean.toFixed(4)),
      Number(model.explicit.predict(-1, 5).toFixed(4)),
    ]);
  });

  it('given pairs without an anime_id column then it fails with one line naming the column', () => {
    const pairs = file('bad-pairs.csv', 'user_id,rating\n1,5\n');
    const run = anirec('predict', '--model', modelDir, '--pairs', pairs);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`anirec predict: ${pairs}: no "anime_id" column in the header (found: user_id, rating)\n`);
  });

  it('given a model folder that does not exist then it says what to run, in one line', () => {
    const pairs = file('pairs2.csv', 'user_id,anime_id\n1,1000\n');
    const missing = join(work, 'no-model');
    const run = anirec('predict', '--model', missing, '--pairs', pairs);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`anirec predict: no trained model in ${missing}; run \`npm run anirec -- train\` first\n`);
  });
});

describe('anirec recommend', () => {
  it('given profiles of two new people then each gets exactly N picks, in order of first appearance, none from their profile', () => {
    const group0 = [1000, 1003, 1006, 1009, 1012];
    const group1 = [1001, 1004, 1007];
    const lines = ['rating,anime_id,user_id', ...group1.map((a) => `9,${a},42`), ...group0.map((a, k) => `${k === 0 ? -1 : 10},${a},7`), '2,1002,42'];
    const profiles = file('profiles.csv', lines.join('\n') + '\n');
    const run = anirec('recommend', '--model', modelDir, '--profiles', profiles, '--top', '5');
    expect(run.code).toBe(0);
    const rows = csv(run.stdout);
    expect(Object.keys(rows[0]!)).toEqual(['user_id', 'rank', 'anime_id', 'score']);
    expect(rows.map((r) => `${r.user_id}#${r.rank}`)).toEqual([1, 2, 3, 4, 5].map((k) => `42#${k}`).concat([1, 2, 3, 4, 5].map((k) => `7#${k}`)));
    const mine = (user: string) => rows.filter((r) => r.user_id === user).map((r) => Number(r.anime_id));
    expect(mine('42').some((a) => [...group1, 1002].includes(a))).toBe(false);
    expect(mine('7').some((a) => group0.includes(a))).toBe(false);
    // Planted: anime 1000 + i belongs to group i % 3; a group-0 fan gets mostly group 0.
    expect(mine('7').filter((a) => (a - 1000) % 3 === 0).length).toBeGreaterThanOrEqual(4);
    const scores = rows.filter((r) => r.user_id === '7').map((r) => Number(r.score));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('given a profile with a score of 11 then it fails with one line naming file, line and value', () => {
    const profiles = file('bad-profiles.csv', 'user_id,anime_id,rating\n1,1000,9\n1,1001,11\n');
    const run = anirec('recommend', '--model', modelDir, '--profiles', profiles);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`anirec recommend: ${profiles}: line 3: rating 11 is not -1 (watched) or 1..10\n`);
  });

  it('given a profile with a score that is not a number then it fails with one line', () => {
    const profiles = file('bad-profiles2.csv', 'user_id,anime_id,rating\n1,1000,great\n');
    const run = anirec('recommend', '--model', modelDir, '--profiles', profiles);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`anirec recommend: ${profiles}: line 2: rating "great" is not a whole number\n`);
  });
});

describe('anirec similar', () => {
  it('given a title then it prints ranked neighbours without the anime itself', () => {
    const run = anirec('similar', '--model', modelDir, '--anime', 'action story 1', '--top', '4');
    expect(run.code).toBe(0);
    const rows = csv(run.stdout);
    expect(Object.keys(rows[0]!)).toEqual(['rank', 'anime_id', 'name', 'score']);
    expect(rows.map((r) => r.rank)).toEqual(['1', '2', '3', '4']);
    expect(rows.map((r) => r.anime_id)).not.toContain('1000');
  });

  it('given an unknown title then it fails with one "did you mean" line', () => {
    const run = anirec('similar', '--model', modelDir, '--anime', 'Comedy Storyy 3');
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toMatch(/^anirec similar: I don't know an anime called "Comedy Storyy 3"\. Did you mean "Comedy Story 3"/);
  });
});
