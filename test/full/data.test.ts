/** The data layer on the real sample and the full-scale synthetic set (../shared/data). */
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { makeSplits } from '../../src/data/splits.js';
import { buildTitleIndex } from '../../src/data/titles.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED = resolve(ROOT, process.env.ANIREC_SHARED_DATA ?? '../shared/data');
const SAMPLE = join(SHARED, 'mal-sample');
const SYNTHETIC = join(SHARED, 'synthetic');
// Cache folders hold up to 70 MB each: removed after the suite.
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, CI: '1', ...env }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** An independent count of rating.csv: plain line splitting, a Map of pairs (last wins). */
function countRatings(animeCsv: string, ratingCsv: string) {
  const animeIds = new Set(animeCsv.split(/\r?\n/).slice(1).filter(Boolean).map((line) => Number(line.slice(0, line.indexOf(',')))));
  const pairs = new Map<string, number>();
  let rows = 0;
  let dropped = 0;
  let duplicates = 0;
  for (const line of ratingCsv.split(/\r?\n/).slice(1)) {
    if (line === '') continue;
    rows++;
    const [user, anime, score] = line.split(',');
    if (!animeIds.has(Number(anime))) {
      dropped++;
      continue;
    }
    const key = `${user},${anime}`;
    if (pairs.has(key)) duplicates++;
    pairs.set(key, Number(score));
  }
  const scores = [...pairs.values()];
  const watched = scores.filter((s) => s === -1).length;
  const users = new Set([...pairs.keys()].map((k) => k.split(',')[0])).size;
  return { anime: animeIds.size, rows, users, explicit: scores.length - watched, watched, duplicates, droppedUnknownAnime: dropped };
}

describe('mal-sample (real data)', () => {
  it('given the real sample then loadDataset matches an independent count of the files: 78,089 rows', async () => {
    const expected = countRatings(readFileSync(join(SAMPLE, 'anime.csv'), 'utf8'), readFileSync(join(SAMPLE, 'rating.csv'), 'utf8'));
    expect(expected.rows).toBe(78_089);
    const dataset = await loadDataset(SAMPLE, { cacheDir: tempDir() });
    expect(dataset.report).toMatchObject({ ...expected, malformed: 0 });
    expect(dataset.ratings.count).toBe(expected.explicit + expected.watched);
  });

  it('given the real sample then `anirec data` prints its breakdown', async () => {
    const result = await run(['src/interfaces/cli/main.ts', 'data', '--data', SAMPLE], { ANIREC_CACHE_DIR: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  rows                       78,089\n');
    expect(result.stdout).toContain('  anime                      12,294\n');
    expect(result.stdout).toContain('    explicit ratings         62,070\n');
    expect(result.stdout).toContain('    watched, not rated       16,019\n');
  });

  it('given the real catalogue then names are decoded and titles resolve', async () => {
    const { catalogue } = await loadDataset(SAMPLE, { cacheDir: tempDir() });
    const names = new Set(catalogue.anime.map((a) => a.name));
    expect(names.has("Gintama'")).toBe(true);
    expect(names.has('Tiger & Bunny')).toBe(true);
    expect(catalogue.anime.some((a) => /&(#\d+|amp|quot|gt|lt);/.test(a.name))).toBe(false);
    expect(catalogue.anime.some((a) => a.episodes === null)).toBe(true);
    const index = buildTitleIndex(catalogue);
    const nameOf = (query: string) => catalogue.anime[index.resolve(query)]!.name;
    expect(nameOf('steins gate')).toBe('Steins;Gate');
    expect(nameOf('clanad')).toBe('Clannad');
    expect(nameOf('kimi no na wa')).toBe('Kimi no Na wa.');
    expect(nameOf('gintama')).toBe('Gintama');
    expect(nameOf('fullmetal alchemist brotherhood')).toBe('Fullmetal Alchemist: Brotherhood');
    expect(nameOf('5114')).toBe('Fullmetal Alchemist: Brotherhood');
    expect(index.search('naruto', 3).map((m) => m.name)).toEqual(['Naruto', 'Naruto: Shippuuden', expect.any(String)]);
    expect(index.search('a')).toHaveLength(25);
    expect(() => index.resolve('qwxzv qwxzv')).toThrowError(expect.objectContaining({ name: 'UnknownTitleError' }));
  });

  it('given the real ratings then the default split covers every row once and holds out about 10% of users', async () => {
    const { ratings } = await loadDataset(SAMPLE, { cacheDir: tempDir() });
    const splits = makeSplits(ratings);
    const total = splits.train.length + splits.validation.length + splits.test.length + splits.profile.length + splits.target.length;
    expect(total).toBe(ratings.count);
    expect(new Set([...splits.train, ...splits.validation, ...splits.test, ...splits.profile, ...splits.target]).size).toBe(ratings.count);
    expect(splits.heldOutUsers.length).toBe(Math.round(0.1 * ratings.userIds.length));
  });
});

describe('synthetic (full scale)', () => {
  it('given the synthetic set then `anirec data` reports 7,251,127 rows, as a plain line count of the gz says', async () => {
    let newlines = 0;
    for await (const chunk of createReadStream(join(SYNTHETIC, 'rating.csv.gz')).pipe(createGunzip())) {
      for (const byte of chunk as Buffer) if (byte === 10) newlines++;
    }
    expect(newlines - 1).toBe(7_251_127);
    const cacheDir = tempDir();
    const result = await run(['src/interfaces/cli/main.ts', 'data', '--data', SYNTHETIC], { ANIREC_CACHE_DIR: cacheDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}rows +7,251,127$/m);
    const again = await run(['src/interfaces/cli/main.ts', 'data', '--data', SYNTHETIC], { ANIREC_CACHE_DIR: cacheDir });
    expect(again.stdout).toContain(`from the cache in ${cacheDir}`);
  });

  it.each([true, false])('given the synthetic set then ingest peaks under 1 GB of RSS (byte scanner: %s)', async (fastPath) => {
    const script = `import { loadDataset } from './src/data/dataset.ts';
const d = await loadDataset(${JSON.stringify(SYNTHETIC)}, { cache: false, fastPath: ${fastPath} });
console.log(JSON.stringify({ count: d.ratings.count, maxRssKb: process.resourceUsage().maxRSS }));`;
    const result = await run(['--input-type=module', '-e', script]);
    expect(result.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    const { count, maxRssKb } = JSON.parse(result.stdout) as { count: number; maxRssKb: number };
    expect(count).toBe(7_251_127);
    expect(maxRssKb).toBeLessThan(1024 * 1024);
  });
});
