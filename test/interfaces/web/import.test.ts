/** POST /api/import: the server fetches a visitor's list from the loopback AniList / MyAnimeList and answers it mapped; nothing is stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportLimiter } from '../../../src/service/rateLimiter.js';
import type { RunningWebServer } from '../../../src/interfaces/web/server.js';
import { CLIENT_ID, startFakeListServers, type FakeListServers } from '../../data/lists/fakeListServers.js';
import { prepareWebFixture, serve, type WebFixture } from './webFixture.js';

let fixture: WebFixture;
let web: RunningWebServer;
let fake: FakeListServers;

beforeAll(async () => {
  fake = await startFakeListServers();
  fake.lists.set('kana', {
    format: 'POINT_10_DECIMAL',
    entries: [
      { idMal: 1000, title: 'Action Story 1', score: 8.6 },
      { idMal: 1001, title: 'Comedy Story 1', score: 0, anilistStatus: 'COMPLETED' },
      { idMal: 99_001, title: 'Frieren', score: 10 },
    ],
  });
  fixture = await prepareWebFixture({
    importLimiter: createImportLimiter({ perMember: 8 }),
    lists: { anilistUrl: fake.anilistUrl, malApiUrl: fake.malApiUrl, malClientId: CLIENT_ID, timeoutMs: 300, sleep: async () => {} },
  });
  web = await serve(fixture);
});
afterAll(async () => {
  await web?.close();
  await fixture?.close();
  await fake?.close();
});

async function post(body: unknown, ip?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${web.url}/api/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe('POST /api/import', () => {
  it('given an AniList user then the ratings the catalogue knows come back with names, and the store stays empty', async () => {
    const { status, body, headers } = await post({ source: 'anilist', user: 'kana' });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      source: 'anilist',
      user: 'kana',
      ratings: [{ animeId: 1000, name: 'Action Story 1', url: 'https://myanimelist.net/anime/1000', score: 9 }],
      watched: 1,
      unknown: 1,
      unknownNames: ['Frieren'],
      planToWatch: 0,
      noMalId: 0,
      skipped: 0,
    });
    const stored: string[] = [];
    for await (const [id] of fixture.store.entries()) stored.push(id);
    expect(stored).toEqual([]);
  });

  it('given a bad body then 400 in plain words', async () => {
    expect(await post({ source: 'kitsu', user: 'kana' })).toMatchObject({ status: 400, body: { error: '"source" must be "anilist" or "mal".' } });
    expect(await post({ source: 'mal' })).toMatchObject({ status: 400, body: { error: '"user" must be a user name such as "Josh".' } });
    expect(await post({ source: 'mal', user: '../../etc' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('is not a MyAnimeList user name') } });
    expect(await post([1])).toMatchObject({ status: 400, body: { error: 'The request body must be a JSON object such as {"source": "anilist", "user": "Josh"}.' } });
  });

  it('given each failure of the list service then a status and the same one line as Discord', async () => {
    expect(await post({ source: 'anilist', user: 'ghost' })).toMatchObject({ status: 404, body: { error: 'AniList has no user called "ghost". Nothing was imported.' } });
    expect(await post({ source: 'mal', user: 'hidden' })).toMatchObject({ status: 403 });
    expect(await post({ source: 'anilist', user: 'garbled' })).toMatchObject({ status: 502 });
    const busy = await post({ source: 'mal', user: 'swamped' });
    expect(busy).toMatchObject({ status: 503, body: { error: 'MyAnimeList is busy right now. Nothing was imported; try again in 120 s.' } });
    expect(busy.headers.get('retry-after')).toBe('120');
  });

  it('given many imports from one address then the import limit answers 429', async () => {
    // The limit is per client address (8 here) whatever the user name: the earlier tests spent 5, bad bodies none.
    for (let k = 0; k < 3; k++) expect((await post({ source: 'anilist', user: 'kana' })).status).toBe(200);
    const last = await post({ source: 'anilist', user: 'kana' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body.error).toMatch(/^Easy there! Try again in \d+ s\.$/);
  });
});
