import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANIME_CSV, ratingCsv, tempDir, writeDataDir } from './dataFixtures.js';
import { serveOnLoopback } from './loopbackServer.js';
import { makeZip } from './zipWriter.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function anirec(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/interfaces/cli/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, CI: '1', ANIREC_CACHE_DIR: join(tempDir(), 'cache'), ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The summary with the load time masked. */
const masked = (text: string) => text.replace(/load time \d+\.\d\d s/, 'load time X s');

const RATINGS = ratingCsv('1,32281,10', '1,9253,-1', '1,9253,8', '2,28977,7', '2,555,3');

const server = serveOnLoopback(() => {
  const zip = makeZip({ 'anime.csv': ANIME_CSV, 'rating.csv': RATINGS });
  return { '/data.zip': (_req, res) => res.end(zip) };
});

describe('anirec data', () => {
  it('given a data folder then it prints the breakdown, and the second run comes from the cache', async () => {
    const dir = writeDataDir(RATINGS);
    const cacheDir = join(tempDir(), 'cache');
    const storeFile = join(tempDir(), 'none.sqlite');
    const first = await anirec(['data', '--data', dir], { ANIREC_CACHE_DIR: cacheDir, ANIREC_STORE_URL: `sqlite://${storeFile}` });
    expect(first.code).toBe(0);
    expect(masked(first.stdout)).toBe(
      [
        `data folder ${dir} (anime.csv, rating.csv)`,
        '  anime                      5',
        '  users                      2',
        '  rows                       5',
        '    explicit ratings         3',
        '    watched, not rated       0',
        '    duplicates (last kept)   1',
        '    dropped (unknown anime)  1',
        '    malformed (skipped)      0',
        '  load time X s, parsed from the CSV files',
        `members in the store: none yet (sqlite://${storeFile})`,
        '',
      ].join('\n'),
    );
    const second = await anirec(['data', '--data', dir], { ANIREC_CACHE_DIR: cacheDir });
    expect(second.stdout).toContain(`from the cache in ${cacheDir}`);
  });

  it('given ANIREC_DATA_DIR and no --data then that folder is read', async () => {
    const dir = writeDataDir(RATINGS);
    const run = await anirec(['data'], { ANIREC_DATA_DIR: dir });
    expect(run.stdout).toContain(`data folder ${dir} (anime.csv, rating.csv)`);
  });

  it('given a folder without the files then it says how to get them and exits 1', async () => {
    const dir = tempDir();
    const run = await anirec(['data', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `anirec data: ${join(dir, 'anime.csv')} not found. Run \`anirec data --download --data ${dir}\`, or download the ` +
        `Kaggle dataset CooperUnion/anime-recommendations-database and put anime.csv and rating.csv in ${dir}.`,
    );
  });

  it('given a store URL with a password then the members line shows it as ***, readable or not', async () => {
    const dir = writeDataDir(RATINGS);
    const storeFile = join(tempDir(), 'none.sqlite');
    const sqlite = await anirec(['data', '--data', dir], { ANIREC_STORE_URL: `sqlite://${storeFile}?password=hunter22` });
    expect(sqlite.code).toBe(0);
    expect(sqlite.stdout).toContain(`members in the store: none yet (sqlite://${storeFile}?password=***)\n`);
    const redis = await anirec(['data', '--data', dir], { ANIREC_STORE_URL: 'redis://default:hunter22@127.0.0.1:1' });
    expect(redis.stdout).toContain('members in the store');
    for (const run of [sqlite, redis]) expect(run.stdout + run.stderr).not.toContain('hunter22');
  });

  it('given a malformed row then it prints the one-line error naming file and line and exits 1', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,10', '2,9253,x'));
    const run = await anirec(['data', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe('anirec data: rating.csv line 3: score "x" is not a number');
  });

  it('given --skip-malformed then it loads and reports the count and examples', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,10', '2,9253,x', '3,9253,11', '4,9253'));
    const run = await anirec(['data', '--data', dir, '--skip-malformed']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('    malformed (skipped)      3\n');
    // The examples end the data summary (the store's member count follows it).
    expect(run.stdout).toContain(
      [
        'malformed rows skipped (first ones):',
        '  rating.csv line 3: score "x" is not a number',
        '  rating.csv line 4: score 11 is not -1 (watched) or 1..10',
        '  rating.csv line 5: expected 3 fields, found 2',
        'members in the store',
      ].join('\n'),
    );
  });

  it('given a ratings store with members then it counts what anirec train would add, bookkeeping records aside', async () => {
    const dir = writeDataDir(RATINGS);
    const storeUrl = `sqlite://${join(tempDir(), 'store.sqlite')}`;
    const store = await openRatingsStore(storeUrl);
    await store.set('111111111111111111', { ratings: { '32281': 9, '9253': -1, '52991': 10 }, updatedAt: 1 });
    await store.set('222222222222222222', { ratings: { '28977': 7 }, updatedAt: 1 });
    await store.set('community:index', { ratings: { '52991': 1 }, updatedAt: 1 });
    await store.close();
    const run = await anirec(['data', '--data', dir], { ANIREC_STORE_URL: storeUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`members in the store (${storeUrl}): 2 members, 3 ratings (2 scored) that anirec train adds as extra users; 1 of anime not in anime.csv\n`);
  });

  it('given --download then the archive is fetched and unpacked before the summary', async () => {
    const dir = join(tempDir(), 'data');
    const run = await anirec(['data', '--data', dir, '--download'], { ANIREC_DATA_URL: `${server.base}/data.zip` });
    expect(run.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['anime.csv', 'rating.csv']);
    expect(run.stdout).toContain('  rows                       5\n');
  });

  it('given --download from a URL that answers 404 then it fails with one line and leaves the folder clean', async () => {
    const dir = tempDir();
    const run = await anirec(['data', '--data', dir, '--download'], { ANIREC_DATA_URL: `${server.base}/gone.zip` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(`anirec data: download failed: HTTP 404 from ${server.base}/gone.zip`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('given an unknown option then it says so and exits 1', async () => {
    const run = await anirec(['data', '--bogus']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("anirec data: arguments: Unknown option '--bogus'");
  });
});
