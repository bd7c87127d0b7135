import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHED } from '../../../src/data/types.js';
import { ListImportError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { createLogger } from '../../../src/log.js';
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
  const error = await fetchList('mal', user, options(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ListImportError);
  return error as ListImportError;
}

describe('fetchList mal', () => {
  it('given a list then the documented request is sent and scores 1-10 stay, 0 on a seen status is watched, plan_to_watch is skipped', async () => {
    fake.lists.set('josh', {
      entries: [
        { idMal: 1000, title: 'A', score: 9, malStatus: 'completed' },
        { idMal: 1001, title: 'B', score: 0, malStatus: 'on_hold' },
        { idMal: 1002, title: 'C', score: 0, malStatus: 'dropped' },
        { idMal: 1003, title: 'D', score: 0, malStatus: 'plan_to_watch' },
        { idMal: 1004, title: 'E', score: 6, malStatus: 'watching' },
      ],
    });
    const before = fake.malRequests.length;
    const list = await fetchList('mal', 'josh', options());
    expect(fake.malRequests.slice(before)).toEqual([{ path: '/v2/users/josh/animelist?fields=list_status&limit=1000&nsfw=true', clientId: CLIENT_ID }]);
    expect(list).toEqual({
      source: 'mal',
      user: 'josh',
      entries: [
        { animeId: 1000, score: 9, title: 'A' },
        { animeId: 1001, score: WATCHED, title: 'B' },
        { animeId: 1002, score: WATCHED, title: 'C' },
        { animeId: 1004, score: 6, title: 'E' },
      ],
      planToWatch: 1,
      noMalId: 0,
      skipped: 0,
    });
  });

  it('given 2,500 entries then paging.next is followed page by page with the client id', async () => {
    fake.lists.set('pager', { entries: manyEntries(2500, 50_000) });
    const before = fake.malRequests.length;
    const list = await fetchList('mal', 'pager', options());
    expect(list.entries).toHaveLength(2500);
    expect(list.entries.at(-1)).toEqual({ animeId: 52_499, score: 10, title: 'Anime 52499' });
    const sent = fake.malRequests.slice(before);
    expect(sent.map((r) => r.path)).toEqual([
      '/v2/users/pager/animelist?fields=list_status&limit=1000&nsfw=true',
      '/v2/users/pager/animelist?offset=1000&fields=list_status&limit=1000',
      '/v2/users/pager/animelist?offset=2000&fields=list_status&limit=1000',
    ]);
    expect(sent.every((r) => r.clientId === CLIENT_ID)).toBe(true);
  });

  it('given a list of 5,000 entries then all arrive', async () => {
    fake.lists.set('huge', { entries: manyEntries(5000, 60_000) });
    const list = await fetchList('mal', 'huge', options());
    expect(list.entries).toHaveLength(5000);
  });

  it('given no MAL_CLIENT_ID then one line says the owner must set it, and nothing is requested', async () => {
    const before = fake.malRequests.length;
    const error = await failure('josh', { malClientId: undefined });
    expect(fake.malRequests.length).toBe(before);
    expect(describeError(error)).toBe(
      'Importing from MyAnimeList is not set up here: the bot\'s owner sets MAL_CLIENT_ID (a free client id from myanimelist.net/apiconfig).',
    );
  });

  it('given a client id MyAnimeList refuses then the reply and the log never show it', async () => {
    const wrong = 'wrong-client-id-secret-value';
    const error = await failure('josh', { malClientId: wrong });
    expect(error.code).toBe('list_not_configured');
    const text = describeError(error);
    expect(text).toBe("MyAnimeList refused this bot's client id (MAL_CLIENT_ID), so I cannot import from it; the bot's owner needs to check it.");
    let logged = '';
    createLogger({ level: 'debug', write: (line) => (logged += line) }).error('import failed', error);
    expect(logged).toContain('invalid_client');
    expect(`${logged}${text}${JSON.stringify(error.details)}${error.message}`).not.toContain(wrong);
  });

  it('given an unknown user, a private list, a 503 and a slow server then each says so in one line', async () => {
    expect(describeError(await failure('ghost'))).toBe('MyAnimeList has no user called "ghost". Nothing was imported.');
    expect((await failure('hidden')).code).toBe('list_private');
    expect(describeError(await failure('down'))).toBe('MyAnimeList answered with an error (HTTP 503). Nothing was imported; try again later.');
    const slow = await failure('sleepy', { timeoutMs: 150 });
    expect(slow.code).toBe('list_unavailable');
    expect(slow.details).toMatchObject({ reason: 'timeout' });
  });

  it('given a 429 then a short Retry-After is waited out and a long one becomes "try again in N s"', async () => {
    fake.lists.set('busy', { entries: manyEntries(2, 1000) });
    waits.length = 0;
    expect((await fetchList('mal', 'busy', options())).entries).toHaveLength(2);
    expect(waits).toEqual([1000]);
    waits.length = 0;
    expect(describeError(await failure('swamped'))).toBe('MyAnimeList is busy right now. Nothing was imported; try again in 120 s.');
    expect(waits).toEqual([]);
  });

  it('given a short Retry-After that does not fit the import\'s remaining time then it does not wait either', async () => {
    fake.lists.set('busy', { entries: manyEntries(2, 1000) });
    waits.length = 0;
    const error = await failure('busy', { budgetMs: 2500 });
    expect(error.code).toBe('list_busy');
    expect(waits).toEqual([]);
    await fetchList('mal', 'busy', options()); // the fake's next answer for busy is the list: keep it in step
  });

  it('given a paging.next on another host then the import stops there: the client id goes nowhere else', async () => {
    const error = await failure('elsewhere');
    expect(error.code).toBe('list_malformed');
    expect(error.details).toMatchObject({ problem: 'paging.next points to another host' });
  });

  it('given malformed answers then list_malformed', async () => {
    expect((await failure('garbled')).details).toMatchObject({ problem: 'not JSON' });
    expect((await failure('odd')).details).toMatchObject({ problem: 'no data list' });
  });
});
