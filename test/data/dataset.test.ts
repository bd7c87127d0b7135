import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { WATCHED } from '../../src/data/types.js';
import { ANIME_CSV, caught, ratingCsv, tempDir, writeDataDir } from './dataFixtures.js';

const GOOD = ratingCsv('1,32281,10', '1,9253,-1', '2,28977,7', '2,32281,1', '3,10000,5');

function load(dir: string, options: Parameters<typeof loadDataset>[1] = {}) {
  return loadDataset(dir, { cache: false, ...options });
}

describe('loadDataset: anime.csv', () => {
  it('given CRLF lines, quoted genres, HTML entities, empty cells and Unknown episodes then each anime is read right', async () => {
    const { catalogue } = await load(writeDataDir(GOOD));
    expect(catalogue.anime).toEqual([
      { animeId: 32281, name: 'Kimi no Na wa.', genres: ['Drama', 'Romance', 'School', 'Supernatural'], type: 'Movie', episodes: 1, malScore: 9.37, members: 200630 },
      { animeId: 28977, name: "Gintama'", genres: ['Action', 'Comedy', 'Sci-Fi'], type: 'TV', episodes: 51, malScore: 9.25, members: 114262 },
      { animeId: 9253, name: 'Steins;Gate', genres: ['Sci-Fi', 'Thriller'], type: 'TV', episodes: 24, malScore: 9.17, members: 673572 },
      { animeId: 10000, name: 'Tiger & Bunny', genres: [], type: null, episodes: null, malScore: null, members: 5000 },
      { animeId: 20000, name: 'Café A<3> "Q" &bogus;', genres: ['Comedy'], type: 'OVA', episodes: null, malScore: 7.5, members: 12 },
    ]);
    expect(catalogue.ixByAnimeId.get(9253)).toBe(2);
    expect(catalogue.genreNames).toEqual(['Action', 'Comedy', 'Drama', 'Romance', 'School', 'Sci-Fi', 'Supernatural', 'Thriller']);
    expect(Array.from(catalogue.genreIx[2]!)).toEqual([5, 7]);
    expect(catalogue.typeNames).toEqual(['Movie', 'OVA', 'TV']);
    expect(Array.from(catalogue.typeIx)).toEqual([0, 2, 2, -1, 1]);
  });

  it('given LF line endings then the catalogue is the same as with CRLF', async () => {
    const crlf = await load(writeDataDir(GOOD));
    const lf = await load(writeDataDir(GOOD, { animeCsv: ANIME_CSV.replace(/\r\n/g, '\n') }));
    expect(lf.catalogue.anime).toEqual(crlf.catalogue.anime);
  });

  it('given an anime row with a bad members cell then the load fails naming anime.csv and the line', async () => {
    const animeCsv = ANIME_CSV + '30000,Bad,Comedy,TV,12,7.0,lots\r\n';
    const error = await caught(load(writeDataDir(GOOD, { animeCsv })));
    expect(error.name).toBe('CsvFormatError');
    expect(error.message).toBe('anime.csv line 7: members "lots" is not a whole number');
  });

  it('given a broken quote in anime.csv then the load fails even with skipMalformed, as later rows cannot be trusted', async () => {
    const animeCsv = ANIME_CSV + '30000,"Bad"x,Comedy,TV,12,7.0,5\r\n40000,Fine,Comedy,TV,12,7.0,5\r\n';
    const error = await caught(load(writeDataDir(GOOD, { animeCsv }), { skipMalformed: true }));
    expect(error.name).toBe('CsvFormatError');
    expect(error.message).toBe('anime.csv line 7: a quote is followed by a character other than a comma or line end');
  });

  it('given skipMalformed and a bad anime row then it is skipped and counted in the report', async () => {
    const animeCsv = ANIME_CSV + '30000,Bad,Comedy,TV,12,7.0,lots\r\n';
    const { catalogue, report } = await load(writeDataDir(GOOD, { animeCsv }), { skipMalformed: true });
    expect(catalogue.anime).toHaveLength(5);
    expect(report.malformed).toBe(1);
    expect(report.malformedExamples).toEqual(['anime.csv line 7: members "lots" is not a whole number']);
  });

  it('given a repeated anime_id in anime.csv then the load fails naming both lines', async () => {
    const animeCsv = ANIME_CSV + '9253,Again,Comedy,TV,12,7.0,5\r\n';
    const error = await caught(load(writeDataDir(GOOD, { animeCsv })));
    expect(error.message).toBe('anime.csv line 7: anime_id 9253 already appeared on line 4');
  });

  it('given anime.csv with the wrong header then CsvHeaderError names the expected columns', async () => {
    const animeCsv = ANIME_CSV.replace('anime_id,name', 'id,title');
    const error = await caught(load(writeDataDir(GOOD, { animeCsv })));
    expect(error.name).toBe('CsvHeaderError');
    expect(error.message).toBe(
      'anime.csv: unexpected header "id,title,genre,type,episodes,rating,members"; expected the columns anime_id, name, genre, type, episodes, rating, members',
    );
  });
});

describe('loadDataset: rating.csv', () => {
  it('given explicit and -1 rows then ratings hold dense ids, scores and WATCHED, and the report counts them', async () => {
    const { ratings, report } = await load(writeDataDir(GOOD));
    expect(ratings.count).toBe(5);
    expect(Array.from(ratings.userIds)).toEqual([1, 2, 3]);
    expect(Array.from(ratings.userIx)).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(ratings.itemIx)).toEqual([0, 2, 1, 0, 3]);
    expect(Array.from(ratings.score)).toEqual([10, WATCHED, 7, 1, 5]);
    expect(ratings.ixByUserId.get(3)).toBe(2);
    expect(ratings.nItems).toBe(5);
    expect(report).toMatchObject({
      animeFile: 'anime.csv',
      ratingFile: 'rating.csv',
      anime: 5,
      rows: 5,
      users: 3,
      explicit: 4,
      watched: 1,
      duplicates: 0,
      droppedUnknownAnime: 0,
      malformed: 0,
      malformedExamples: [],
      fromCache: false,
    });
  });

  it('given a repeated (user, anime) pair then the last score wins at the first position and it is counted', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,3', '1,9253,8', '2,9253,4', '1,32281,-1', '1,32281,9'));
    const { ratings, report } = await load(dir);
    expect(Array.from(ratings.itemIx)).toEqual([0, 2, 2]);
    expect(Array.from(ratings.userIx)).toEqual([0, 0, 1]);
    expect(Array.from(ratings.score)).toEqual([9, 8, 4]);
    expect(report).toMatchObject({ rows: 5, duplicates: 2, explicit: 3, watched: 0 });
  });

  it('given ratings of anime missing from anime.csv then they are dropped and counted, and their users only if they have nothing else', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,3', '1,424242,8', '7,424242,4'));
    const { ratings, report } = await load(dir);
    expect(ratings.count).toBe(1);
    expect(Array.from(ratings.userIds)).toEqual([1]);
    expect(report).toMatchObject({ rows: 3, users: 1, droppedUnknownAnime: 2 });
  });

  it('given a gzipped rating.csv.gz with CRLF lines then it loads the same as plain rating.csv', async () => {
    const plain = await load(writeDataDir(GOOD));
    const gz = await load(writeDataDir(GOOD.replace(/\n/g, '\r\n'), { gz: true }));
    expect(gz.report.ratingFile).toBe('rating.csv.gz');
    expect(Array.from(gz.ratings.score)).toEqual(Array.from(plain.ratings.score));
    expect(Array.from(gz.ratings.itemIx)).toEqual(Array.from(plain.ratings.itemIx));
  });

  it.each([
    ['a wrong field count', '2,9253,4,1', 'rating.csv line 3: expected 3 fields, found 4'],
    ['too few fields', '2,9253', 'rating.csv line 3: expected 3 fields, found 2'],
    ['a score that is not a number', '2,9253,x', 'rating.csv line 3: score "x" is not a number'],
    ['an empty score', '2,9253,', 'rating.csv line 3: score "" is not a number'],
    ['a fractional score', '2,9253,7.5', 'rating.csv line 3: score "7.5" is not a whole number'],
    ['score 11', '2,9253,11', 'rating.csv line 3: score 11 is not -1 (watched) or 1..10'],
    ['score 0', '2,9253,0', 'rating.csv line 3: score 0 is not -1 (watched) or 1..10'],
    ['score -2', '2,9253,-2', 'rating.csv line 3: score -2 is not -1 (watched) or 1..10'],
    ['a user_id that is not a number', 'bob,9253,4', 'rating.csv line 3: user_id "bob" is not a number'],
    ['a negative anime_id', '2,-9253,4', 'rating.csv line 3: anime_id -9253 is negative'],
    ['a broken quote', '2,"9253"x,4', 'rating.csv line 3: anime_id ""9253"x" is not a number'],
  ])('given %s then the load fails with the file and line, and nothing is cached', async (_case, row, message) => {
    const dir = writeDataDir(ratingCsv('1,32281,10', row, '3,9253,5'));
    const cacheDir = tempDir();
    const error = await caught(loadDataset(dir, { cacheDir }));
    expect(error.name).toBe('CsvFormatError');
    expect(error.message).toBe(message);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('given a malformed row after blank lines then the line number is the physical line in the file', async () => {
    const dir = writeDataDir('user_id,anime_id,rating\r\n1,32281,10\r\n\r\n\r\n2,9253,x\r\n');
    const error = await caught(load(dir));
    expect(error.message).toBe('rating.csv line 5: score "x" is not a number');
  });

  it('given skipMalformed then malformed rows are skipped, counted and the first 10 kept as examples', async () => {
    const bad = Array.from({ length: 12 }, (_, i) => `${i + 10},9253,${i % 2 === 0 ? 'x' : '11'}`);
    const dir = writeDataDir(ratingCsv('1,32281,10', ...bad, '2,"9253"x,4', '3,9253,5'));
    const { ratings, report } = await load(dir, { skipMalformed: true });
    expect(ratings.count).toBe(2);
    expect(report.rows).toBe(15);
    expect(report.malformed).toBe(13);
    expect(report.malformedExamples).toHaveLength(10);
    expect(report.malformedExamples.slice(0, 2)).toEqual([
      'rating.csv line 3: score "x" is not a number',
      'rating.csv line 4: score 11 is not -1 (watched) or 1..10',
    ]);
  });

  it('given skipMalformed and a bad quote then only that row is skipped and counted with its line', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,10', '2,"9253"x,4', '3,9253,5'));
    const { ratings, report } = await load(dir, { skipMalformed: true });
    expect(ratings.count).toBe(2);
    expect(report.malformed).toBe(1);
    expect(report.malformedExamples).toEqual(['rating.csv line 3: anime_id ""9253"x" is not a number']);
  });

  it('given quoted numbers with spaces then they are read as numbers', async () => {
    const { ratings } = await load(writeDataDir(ratingCsv('"1","32281"," 10 "', ' 2 , 9253 ,-1')));
    expect(Array.from(ratings.score)).toEqual([10, WATCHED]);
    expect(Array.from(ratings.userIds)).toEqual([1, 2]);
  });

  it('given rating.csv with the wrong header then CsvHeaderError names the expected columns', async () => {
    const error = await caught(load(writeDataDir('user,anime,score\n1,32281,10\n')));
    expect(error.name).toBe('CsvHeaderError');
    expect(error.message).toBe('rating.csv: unexpected header "user,anime,score"; expected the columns user_id, anime_id, rating');
  });

  it('given an empty rating.csv then CsvHeaderError says the header is missing', async () => {
    const error = await caught(load(writeDataDir('')));
    expect(error.message).toBe('rating.csv: unexpected header ""; expected the columns user_id, anime_id, rating');
  });

  it('given a rating.csv.gz that is not gzip then the load fails naming the file', async () => {
    const dir = writeDataDir(GOOD);
    rmSync(join(dir, 'rating.csv'));
    writeFileSync(join(dir, 'rating.csv.gz'), 'not gzip at all');
    const error = await caught(load(dir));
    expect(error.name).toBe('InputFileError');
    expect(error.message).toMatch(/^rating\.csv\.gz: not a valid gzip file/);
  });
});

describe('loadDataset: missing files', () => {
  it('given a folder without rating.csv then DataMissingError says how to get it', async () => {
    const dir = writeDataDir(GOOD);
    rmSync(join(dir, 'rating.csv'));
    const error = await caught(load(dir));
    expect(error.name).toBe('DataMissingError');
    expect(error.message).toBe(
      `${join(dir, 'rating.csv')} not found. Run \`anirec data --download --data ${dir}\`, or download the Kaggle dataset ` +
        `CooperUnion/anime-recommendations-database and put anime.csv and rating.csv in ${dir}.`,
    );
  });

  it('given a folder that does not exist then DataMissingError names anime.csv', async () => {
    const dir = join(tempDir(), 'nowhere');
    const error = await caught(load(dir));
    expect(error.name).toBe('DataMissingError');
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'anime.csv')} not found\\. Run \`anirec data --download`));
  });
});

describe('loadDataset: binary cache', () => {
  function cacheFile(cacheDir: string): string {
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    return join(cacheDir, files[0]!);
  }

  it('given a second load of unchanged files then it comes from the cache with identical data', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,10', '1,9253,-1', '1,9253,4', '2,28977,7', '5,777,3'));
    const cacheDir = tempDir();
    const first = await loadDataset(dir, { cacheDir });
    const second = await loadDataset(dir, { cacheDir });
    expect(first.report.fromCache).toBe(false);
    expect(second.report.fromCache).toBe(true);
    expect({ ...second.report, seconds: 0, fromCache: false }).toEqual({ ...first.report, seconds: 0 });
    expect(second.catalogue).toEqual(first.catalogue);
    expect(second.ratings).toEqual(first.ratings);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('given a rating file changed since the cache was written then the cache is stale and rebuilt', async () => {
    const dir = writeDataDir(GOOD);
    const cacheDir = tempDir();
    await loadDataset(dir, { cacheDir });
    writeFileSync(join(dir, 'rating.csv'), ratingCsv('1,32281,10'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'rating.csv'), later, later);
    const reloaded = await loadDataset(dir, { cacheDir });
    expect(reloaded.report.fromCache).toBe(false);
    expect(reloaded.ratings.count).toBe(1);
    expect((await loadDataset(dir, { cacheDir })).report.fromCache).toBe(true);
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, bytes.length - 3)],
    ['with a flipped byte in the ratings', (bytes: Buffer) => { const copy = Buffer.from(bytes); copy[copy.length - 6]! ^= 0x55; return copy; }],
    ['garbage', () => Buffer.from('definitely not a cache')],
    ['empty', () => Buffer.alloc(0)],
  ])('given a cache entry that is %s then it is ignored, the files are parsed and the entry rewritten', async (_case, corrupt) => {
    const dir = writeDataDir(GOOD);
    const cacheDir = tempDir();
    const first = await loadDataset(dir, { cacheDir });
    const entry = cacheFile(cacheDir);
    const good = readFileSync(entry);
    writeFileSync(entry, corrupt(good));
    const reloaded = await loadDataset(dir, { cacheDir });
    expect(reloaded.report.fromCache).toBe(false);
    expect(reloaded.ratings).toEqual(first.ratings);
    expect(readFileSync(entry).equals(good)).toBe(true);
  });

  it('given skipMalformed filled the cache then a strict load still fails on the malformed row', async () => {
    const dir = writeDataDir(ratingCsv('1,32281,10', '2,9253,x'));
    const cacheDir = tempDir();
    const lenient = await loadDataset(dir, { cacheDir, skipMalformed: true });
    expect(lenient.report.malformed).toBe(1);
    const again = await loadDataset(dir, { cacheDir, skipMalformed: true });
    expect(again.report).toMatchObject({ fromCache: true, malformed: 1, malformedExamples: ['rating.csv line 3: score "x" is not a number'] });
    const error = await caught(loadDataset(dir, { cacheDir }));
    expect(error.message).toBe('rating.csv line 3: score "x" is not a number');
  });

  it('given a cache folder that cannot be created then the load still succeeds and the failure is reported', async () => {
    const dir = writeDataDir(GOOD);
    const blocker = join(tempDir(), 'file');
    writeFileSync(blocker, '');
    const failures: unknown[] = [];
    const dataset = await loadDataset(dir, { cacheDir: join(blocker, 'cache'), onCacheWriteError: (e) => failures.push(e) });
    expect(dataset.ratings.count).toBe(5);
    expect(failures).toHaveLength(1);
  });

  it('given two source folders then each gets its own cache entry', async () => {
    const cacheDir = tempDir();
    const a = await loadDataset(writeDataDir(GOOD), { cacheDir });
    const b = await loadDataset(writeDataDir(ratingCsv('1,32281,10')), { cacheDir });
    expect(readdirSync(cacheDir)).toHaveLength(2);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('given onProgress then fractions rise to 1', async () => {
    const fractions: number[] = [];
    await load(writeDataDir(GOOD), { onProgress: (f) => fractions.push(f) });
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((x, y) => x - y)).toEqual(fractions);
  });

  it('given the cache option false then no cache folder is written', async () => {
    const cacheDir = join(tempDir(), 'c');
    await loadDataset(writeDataDir(GOOD), { cacheDir, cache: false });
    expect(existsSync(cacheDir)).toBe(false);
    expect(statSync(writeDataDir(GOOD)).isDirectory()).toBe(true);
  });
});

describe('loadDataset: the shared planted fixture', () => {
  it('given a planted set written to disk then loading it gives back the in-memory catalogue and ratings', async () => {
    const { makePlanted, writePlanted } = await import('../../support/planted.js');
    const planted = makePlanted({ users: 50, anime: 40 });
    const dataset = await load(writePlanted(tempDir(), planted));
    expect(dataset.catalogue).toEqual(planted.catalogue);
    expect(dataset.ratings).toEqual(planted.ratings);
  });
});
