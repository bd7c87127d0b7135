/**
 * The fast byte scanner and the csv-parse reader must agree on every input: the scanner gives up on
 * anything unusual and csv-parse reads the file again. Each case runs through both.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/data/catalogue.js';
import { readRatingCsv, type RatingCsv } from '../../src/data/ratingCsv.js';
import { ratingCsv, writeDataDir } from './dataFixtures.js';

type Outcome = { ok: Omit<RatingCsv, 'reader' | 'ratings'> & { ratings: unknown } } | { error: string };

async function readBoth(text: string, options: { gz?: boolean; skipMalformed?: boolean } = {}) {
  const dir = writeDataDir(text, { gz: options.gz });
  const catalogue = await loadCatalogue(join(dir, 'anime.csv'));
  const file = join(dir, options.gz ? 'rating.csv.gz' : 'rating.csv');
  const outcome = async (fastPath: boolean): Promise<[Outcome, string | undefined]> => {
    try {
      const { reader, ratings, ...rest } = await readRatingCsv(file, catalogue, { fastPath, skipMalformed: options.skipMalformed });
      const { ixByUserId, ...columns } = ratings;
      return [{ ok: { ...rest, ratings: { ...columns, ixByUserId: [...ixByUserId] } } }, reader];
    } catch (error) {
      return [{ error: `${(error as Error).name}: ${(error as Error).message}` }, undefined];
    }
  };
  const [fast, fastReader] = await outcome(true);
  const [slow, slowReader] = await outcome(false);
  return { fast, slow, fastReader, slowReader };
}

const PLAIN = ['1,32281,10', '1,9253,-1', '2,28977,7', '2,32281,1', '3,10000,5', '1,32281,3', '9,4242,5'];

describe('rating.csv readers', () => {
  it.each([
    ['LF lines', ratingCsv(...PLAIN)],
    ['CRLF lines', ratingCsv(...PLAIN).replace(/\n/g, '\r\n')],
    ['no line end after the last row', ratingCsv(...PLAIN).trimEnd()],
    ['leading zeros', ratingCsv('0001,032281,010', '2,9253,-01')],
  ])('given plain rows with %s then the scanner reads them, the same as csv-parse', async (_case, text) => {
    const { fast, slow, fastReader, slowReader } = await readBoth(text);
    expect(fastReader).toBe('scan');
    expect(slowReader).toBe('csv-parse');
    expect('ok' in fast).toBe(true);
    expect(fast).toEqual(slow);
  });

  it('given a gzipped file then the scanner reads it, the same as csv-parse', async () => {
    const { fast, slow, fastReader } = await readBoth(ratingCsv(...PLAIN), { gz: true });
    expect(fastReader).toBe('scan');
    expect(fast).toEqual(slow);
  });

  it.each([
    ['a wrong field count', ratingCsv('1,32281,10', '2,9253,4,1')],
    ['too few fields', ratingCsv('1,32281,10', '2,9253')],
    ['a score that is not a number', ratingCsv('1,32281,10', '2,9253,x')],
    ['score 11', ratingCsv('1,32281,10', '2,9253,11')],
    ['score 0', ratingCsv('1,32281,10', '2,9253,0')],
    ['score -0', ratingCsv('1,32281,10', '2,9253,-0')],
    ['a negative id', ratingCsv('1,32281,10', '-2,9253,4')],
    ['an id too large', ratingCsv('1,32281,10', '99999999999,9253,4')],
    ['a bad header', 'user_id,anime,rating\n1,32281,10\n'],
    ['an empty file', ''],
    ['a header only', 'user_id,anime_id,rating\n'],
    ['a BOM and spaces in the header', '\ufeffuser_id, anime_id ,rating\n1,32281,10\n'],
    ['blank lines', ratingCsv('1,32281,10', '', '2,9253,4', '')],
    ['quoted numbers and spaces', ratingCsv('"1","32281"," 10 "', ' 2 , 9253 ,-1')],
    ['a broken quote', ratingCsv('1,32281,10', '2,"9253"x,4')],
    ['mixed line ends', 'user_id,anime_id,rating\r\n1,32281,10\n2,9253,4\r\n'],
    ['a lone carriage return', 'user_id,anime_id,rating\n1,32281,10\r2,9253,4\n'],
  ])('given %s then both readers give the same result or the same error', async (_case, text) => {
    for (const skipMalformed of [false, true]) {
      const { fast, slow, slowReader } = await readBoth(text, { skipMalformed });
      expect(fast).toEqual(slow);
      expect(slowReader === undefined || slowReader === 'csv-parse').toBe(true);
    }
  });

  it('given a malformed row then the error is the csv-parse one, with file and line', async () => {
    const { fast } = await readBoth(ratingCsv('1,32281,10', '2,9253,x'));
    expect(fast).toEqual({ error: 'CsvFormatError: rating.csv line 3: score "x" is not a number' });
  });

  it('given a rating.csv.gz that is not gzip then both readers give the same error', async () => {
    const dir = writeDataDir('', { gz: true });
    writeFileSync(join(dir, 'rating.csv.gz'), 'not gzip');
    const catalogue = await loadCatalogue(join(dir, 'anime.csv'));
    const errors = await Promise.all(
      [true, false].map((fastPath) => readRatingCsv(join(dir, 'rating.csv.gz'), catalogue, { fastPath }).catch((e: Error) => e.message)),
    );
    expect(errors[0]).toMatch(/^rating\.csv\.gz: not a valid gzip file/);
    expect(errors[0]).toBe(errors[1]);
  });

  it('given a truncated rating.csv.gz then both readers give the same error', async () => {
    const dir = writeDataDir(ratingCsv(...PLAIN, ...PLAIN, ...PLAIN), { gz: true });
    const whole = readFileSync(join(dir, 'rating.csv.gz'));
    writeFileSync(join(dir, 'rating.csv.gz'), whole.subarray(0, whole.length - 12));
    const catalogue = await loadCatalogue(join(dir, 'anime.csv'));
    const errors = await Promise.all(
      [true, false].map((fastPath) => readRatingCsv(join(dir, 'rating.csv.gz'), catalogue, { fastPath }).catch((e: Error) => e.message)),
    );
    expect(errors[0]).toMatch(/^rating\.csv\.gz: not a valid gzip file/);
    expect(errors[0]).toBe(errors[1]);
  });
});
