import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHED } from '../../../src/data/types.js';
import { ListImportError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { toTenPoint } from '../../../src/data/lists/anilist.js';
import { fetchList, type ListImportOptions } from '../../../src/data/lists/index.js';
import { CLIENT_ID, manyEntries, startFakeListServers, type FakeListServers } from './fakeListServers.js';

let fake: FakeListServers;
const waits: number[] = [];
beforeAll(async () => {
  fake = await startFakeListServers();
});
afterAll(() => fake.close());

const options = (extra: Partial<ListImportOptions> = {}): ListImportOptions => ({
  anilistUrl: fake.anilistUrl,
  malApiUrl: fake.malApiUrl,
  malClientId: CLIENT_ID,
  timeoutMs: 200,
  sleep: async (ms) => {
    waits.push(ms);
  },
  ...extra,
});

async function failure(user: string, extra: Partial<ListImportOptions> = {}): Promise<ListImportError> {
  const error = await fetchList('anilist', user, options(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ListImportError);
  return error as ListImportError;
}

describe('toTenPoint', () => {
  it('given each AniList score format then scores land on 1..10 and 0 stays "no score"', () => {
    expect([0, 1, 5, 54, 55, 85, 100].map((s) => toTenPoint(s, 'POINT_100'))).toEqual([0, 1, 1, 5, 6, 9, 10]);
    expect([0, 0.5, 7.4, 7.5, 10].map((s) => toTenPoint(s, 'POINT_10_DECIMAL'))).toEqual([0, 1, 7, 8, 10]);
    expect([0, 1, 7, 10].map((s) => toTenPoint(s, 'POINT_10'))).toEqual([0, 1, 7, 10]);
    expect([0, 1, 3, 5].map((s) => toTenPoint(s, 'POINT_5'))).toEqual([0, 2, 6, 10]);
    expect([0, 1, 2, 3].map((s) => toTenPoint(s, 'POINT_3'))).toEqual([0, 3, 6, 9]);
  });
});

describe('fetchList anilist', () => {
  it.each([
    ['POINT_100', [85, 40, 0], [9, 4, WATCHED]],
    ['POINT_10_DECIMAL', [8.5, 3.2, 0], [9, 3, WATCHED]],
    ['POINT_10', [9, 4, 0], [9, 4, WATCHED]],
    ['POINT_5', [5, 2, 0], [10, 4, WATCHED]],
    ['POINT_3', [3, 1, 0], [9, 3, WATCHED]],
  ] as const)('given a user scoring in %s then the scores arrive on 1..10, and 0 on a seen status is watched', async (format, scores, expected) => {
    const name = `fmt${format.replace(/_/g, '').toLowerCase()}`;
    fake.lists.set(name, {
      format,
      entries: [
        { idMal: 1000, title: 'A', score: scores[0], anilistStatus: 'COMPLETED' },
        { idMal: 1001, title: 'B', score: scores[1], anilistStatus: 'DROPPED' },
        { idMal: 1002, title: 'C', score: scores[2], anilistStatus: 'CURRENT' },
      ],
    });
    const list = await fetchList('anilist', name, options());
    expect(list.entries.map((e) => [e.animeId, e.score])).toEqual([
      [1000, expected[0]],
      [1001, expected[1]],
      [1002, expected[2]],
    ]);
  });

  it('given planning entries, entries without idMal and every seen status then planning and id-less ones are counted and skipped', async () => {
    fake.lists.set('mixed', {
      format: 'POINT_10',
      entries: [
        { idMal: 1000, title: 'Seen', score: 0, anilistStatus: 'PAUSED' },
        { idMal: 1001, title: 'Again', score: 0, anilistStatus: 'REPEATING' },
        { idMal: 1002, title: 'Later', score: 0, anilistStatus: 'PLANNING' },
        { idMal: 1003, title: 'Later scored', score: 8, anilistStatus: 'PLANNING' },
        { idMal: null, title: 'Only on AniList', score: 9, anilistStatus: 'COMPLETED' },
      ],
    });
    const list = await fetchList('anilist', 'mixed', options());
    expect(list).toEqual({
      source: 'anilist',
      user: 'mixed',
      entries: [
        { animeId: 1000, score: WATCHED, title: 'Seen' },
        { animeId: 1001, score: WATCHED, title: 'Again' },
      ],
      planToWatch: 2,
      noMalId: 1,
      skipped: 0,
    });
  });

  it('given a list of 1,200 entries then it is read in chunks of 500 until hasNextChunk is false', async () => {
    fake.lists.set('chunky', { entries: manyEntries(1200, 20_000) });
    const before = fake.anilistRequests.length;
    const list = await fetchList('anilist', 'chunky', options());
    expect(list.entries).toHaveLength(1200);
    expect(new Set(list.entries.map((e) => e.animeId)).size).toBe(1200);
    expect(fake.anilistRequests.slice(before)).toEqual([
      { userName: 'chunky', chunk: 1, perChunk: 500 },
      { userName: 'chunky', chunk: 2, perChunk: 500 },
      { userName: 'chunky', chunk: 3, perChunk: 500 },
    ]);
  });

  it('given a list of 5,000 entries then all arrive; past maxEntries the import is refused whole', async () => {
    fake.lists.set('huge', { entries: manyEntries(5000, 30_000) });
    expect((await fetchList('anilist', 'huge', options())).entries).toHaveLength(5000);
    const error = await failure('huge', { maxEntries: 4000 });
    expect(error.code).toBe('list_too_large');
    expect(describeError(error)).toBe('That list has more than 4,000 entries, more than I import at once. Nothing was imported.');
  });

  it('given an unknown user then list_not_found in one line', async () => {
    const error = await failure('ghost');
    expect(error.code).toBe('list_not_found');
    expect(describeError(error)).toBe('AniList has no user called "ghost". Nothing was imported.');
  });

  it('given a private list then list_private says how to fix it', async () => {
    const error = await failure('hidden');
    expect(error.code).toBe('list_private');
    expect(describeError(error)).toBe(
      'AniList keeps the list of "hidden" private, so I cannot read it. Make it public there (or use /import file: with your export) and try again.',
    );
  });

  it('given a server slower than the timeout then list_unavailable names the timeout', async () => {
    const error = await failure('sleepy', { timeoutMs: 150 });
    expect(error.code).toBe('list_unavailable');
    expect(error.details).toMatchObject({ reason: 'timeout' });
    expect(describeError(error)).toBe('AniList did not answer within 1 s. Nothing was imported; try again later.');
  });

  it('given a 429 with a short Retry-After then it waits that long and succeeds', async () => {
    fake.lists.set('busy', { entries: manyEntries(3, 1000) });
    waits.length = 0;
    const list = await fetchList('anilist', 'busy', options());
    expect(waits).toEqual([1000]);
    expect(list.entries).toHaveLength(3);
  });

  it('given a 429 with a Retry-After beyond the import\'s time then "try again in N s" without waiting', async () => {
    waits.length = 0;
    const error = await failure('swamped');
    expect(waits).toEqual([]);
    expect(error.code).toBe('list_busy');
    expect(describeError(error)).toBe('AniList is busy right now. Nothing was imported; try again in 120 s.');
  });

  it('given an answer that is not JSON, or JSON of another shape, then list_malformed', async () => {
    const garbled = await failure('garbled');
    expect(describeError(garbled)).toBe('AniList answered something I could not read (not JSON). Nothing was imported.');
    const odd = await failure('odd');
    expect(odd.code).toBe('list_malformed');
    expect(describeError(odd)).toBe('AniList answered something I could not read (no MediaListCollection). Nothing was imported.');
  });

  it('given a 503 or nobody listening then list_unavailable', async () => {
    expect(describeError(await failure('down'))).toBe('AniList answered with an error (HTTP 503). Nothing was imported; try again later.');
    const closed = await failure('anyone', { anilistUrl: 'http://127.0.0.1:9' });
    expect(describeError(closed)).toBe('AniList could not be reached. Nothing was imported; try again later.');
  });

  it('given an answer larger than maxBytes then list_too_large without reading it all', async () => {
    fake.lists.set('wordy', { entries: manyEntries(400, 40_000) });
    const error = await failure('wordy', { maxBytes: 10_000 });
    expect(error.code).toBe('list_too_large');
    expect(error.details).toMatchObject({ maxBytes: 10_000 });
  });
});
