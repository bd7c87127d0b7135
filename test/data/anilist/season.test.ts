import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSeasons, mapMedia, startDateOf, type AnilistSeason } from '../../../src/data/anilist/season.js';
import { syncSeasons } from '../../../src/data/anilist/sync.js';
import { HttpFailure } from '../../../src/data/http/json.js';
import { RequestPacer } from '../../../src/data/http/pacer.js';
import { CatalogueSourceError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { readAnilistOverlay } from '../../../src/data/anilist/overlay.js';
import { closedPort, media, startFakeAnilist, type FakeAnilist } from './fakeAnilist.js';

let fake: FakeAnilist;
beforeAll(async () => {
  fake = await startFakeAnilist();
});
afterAll(() => fake.close());

const FALL: AnilistSeason = { season: 'FALL', year: 2026 };
const WINTER: AnilistSeason = { season: 'WINTER', year: 2027 };
const waits: number[] = [];
const client = (extra: Record<string, unknown> = {}) => ({
  url: fake.url,
  timeoutMs: 300,
  pacer: new RequestPacer(90, 60_000),
  sleep: async (ms: number) => {
    waits.push(ms);
  },
  ...extra,
});
const soon = () => Date.now() + 10_000;

async function failure(promise: Promise<unknown>): Promise<HttpFailure> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpFailure);
  return error as HttpFailure;
}

describe('mapMedia', () => {
  it('given a full AniList media item then every field lands on our Anime, TV_SHORT as TV', () => {
    const item = media(16498, 'Shingeki no Kyojin', {
      title: { romaji: 'Shingeki no Kyojin', english: 'Attack on Titan', native: '進撃の巨人' },
      synonyms: ['AoT', 'SnK', 'Attack on Titan'],
      genres: ['Action', 'Drama'],
      format: 'TV_SHORT',
      episodes: 25,
      startDate: { year: 2013, month: 4, day: 7 },
      nextAiringEpisode: { airingAt: 1_765_000_000, episode: 3 },
    });
    expect(mapMedia(item, FALL)).toEqual({
      anime: {
        animeId: 16498,
        name: 'Shingeki no Kyojin',
        genres: ['Action', 'Drama'],
        type: 'TV',
        episodes: 25,
        malScore: null,
        members: 0,
        englishNames: ['Attack on Titan'],
        japaneseName: '進撃の巨人',
        synonyms: ['AoT', 'SnK'],
        aired: '2013-04-07',
        picture: item.coverImage.large,
        nextEpisode: { number: 3, airingAt: 1_765_000_000 },
      },
    });
  });

  it.each([
    ['MOVIE', 'Movie'], ['OVA', 'OVA'], ['ONA', 'ONA'], ['SPECIAL', 'Special'], ['MUSIC', 'Music'], ['TV', 'TV'], ['MANGA', null], [null, null],
  ] as const)('given format %s then type %s', (format, type) => {
    const mapped = mapMedia(media(1, 'x', { format }), FALL);
    expect('anime' in mapped && mapped.anime.type).toBe(type);
  });

  it('given no idMal, or no title, then the item is left out and says why', () => {
    expect(mapMedia(media(null, 'Only on AniList'), FALL)).toEqual({ left: 'noMalId' });
    expect(mapMedia(media(5, 'x', { title: { romaji: null, english: null, native: null } }), FALL)).toEqual({ left: 'unusable' });
    expect(mapMedia('nonsense', FALL)).toEqual({ left: 'unusable' });
  });

  it('given a start date missing its day, month or year then the season fills the gap', () => {
    expect(startDateOf({ year: 2026, month: 11, day: null }, FALL)).toBe('2026-11-01');
    expect(startDateOf({ year: 2026, month: null, day: null }, FALL)).toBe('2026-10-01');
    expect(startDateOf({ year: null, month: null, day: null }, WINTER)).toBe('2027-01-01');
    expect(startDateOf(null, WINTER)).toBe('2027-01-01');
  });
});

describe('fetchSeasons against a loopback AniList', () => {
  it('given a season of 120 anime and another of 30 then all pages are read, 50 a page, and id-less anime are counted', async () => {
    fake.seasons.set('FALL 2026', Array.from({ length: 120 }, (_, i) => media(i % 40 === 39 ? null : 60_000 + i, `Fall ${i}`)));
    fake.seasons.set('WINTER 2027', Array.from({ length: 30 }, (_, i) => media(61_000 + i, `Winter ${i}`, { startDate: { year: 2027, month: 1, day: 8 } })));
    fake.requests.length = 0;
    const got = await fetchSeasons([FALL, WINTER], soon(), client());
    expect(fake.requests).toEqual([
      { season: 'FALL', seasonYear: 2026, page: 1, perPage: 50 },
      { season: 'FALL', seasonYear: 2026, page: 2, perPage: 50 },
      { season: 'FALL', seasonYear: 2026, page: 3, perPage: 50 },
      { season: 'WINTER', seasonYear: 2027, page: 1, perPage: 50 },
    ]);
    expect(got.anime).toHaveLength(117 + 30);
    expect(got.withoutMalId).toBe(3);
    expect(got.pages).toBe(4);
  });

  it('given a 429 with Retry-After then it waits that long and goes on', async () => {
    fake.seasons.set('SPRING 2026', [media(70_001, 'Spring')]);
    waits.length = 0;
    fake.behave('busy');
    const got = await fetchSeasons([{ season: 'SPRING', year: 2026 }], soon(), client());
    expect(waits).toEqual([2000]);
    expect(got.anime.map((a) => a.animeId)).toEqual([70_001]);
  });

  it('given a 429 whose Retry-After does not fit the deadline then it fails as busy without waiting', async () => {
    waits.length = 0;
    fake.behave('busy');
    const error = await failure(fetchSeasons([FALL], Date.now() + 3000, client()));
    expect(error.kind).toBe('busy');
    expect(waits).toEqual([]);
  });

  it('given a 5xx, a slow answer, garbage and another shape then each fails plainly', async () => {
    fake.behave('down');
    expect((await failure(fetchSeasons([FALL], soon(), client()))).message).toBe('HTTP 500');
    fake.behave('slow');
    expect((await failure(fetchSeasons([FALL], soon(), client()))).kind).toBe('timeout');
    fake.behave('garbled');
    expect((await failure(fetchSeasons([FALL], soon(), client()))).message).toBe('not JSON');
    fake.behave('odd');
    expect((await failure(fetchSeasons([FALL], soon(), client()))).message).toBe('no data.Page');
  });

  it('given the pacer full then requests are spaced to its window (90 a minute is one every 667 ms on average)', async () => {
    fake.seasons.set('SUMMER 2026', Array.from({ length: 150 }, (_, i) => media(80_000 + i, `Summer ${i}`)));
    // A fake clock that the pacer's sleep moves on.
    let clock = 1_000_000;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      clock += ms;
    };
    await fetchSeasons([{ season: 'SUMMER', year: 2026 }], clock + 120_000, client({ pacer: new RequestPacer(2, 60_000), now: () => clock, sleep }));
    // Three pages, two allowed a minute: the third waits for the first's slot to leave the window.
    expect(slept).toEqual([60_000]);
    // With the whole job due within the minute it fails as busy instead of waiting.
    const error = await failure(fetchSeasons([{ season: 'SUMMER', year: 2026 }], clock + 30_000, client({ pacer: new RequestPacer(2, 60_000), now: () => clock, sleep })));
    expect(error.kind).toBe('busy');
  });
});

describe('syncSeasons errors', () => {
  it('given AniList answering 500, garbage or nothing then a CatalogueSourceError names AniList and the overlay is not written', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-sync-'));
    fake.behave('down');
    const down = await syncSeasons([], { ...client(), cacheDir, seasons: [FALL] }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(CatalogueSourceError);
    expect(describeError(down)).toBe(
      `AniList (${fake.url}) answered with an error (HTTP 500): the catalogue keeps what it had from it. Run \`anirec catalogue --update\` again later.`,
    );
    fake.behave('garbled');
    const garbled = await syncSeasons([], { ...client(), cacheDir, seasons: [FALL] }).catch((e: unknown) => e);
    expect(describeError(garbled)).toBe(`AniList (${fake.url}) answered something I could not read (not JSON): the catalogue keeps what it had from it.`);
    const port = await closedPort();
    const closed = await syncSeasons([], { ...client(), url: `http://127.0.0.1:${port}`, cacheDir, seasons: [FALL] }).catch((e: unknown) => e);
    expect(describeError(closed)).toBe(
      `AniList (http://127.0.0.1:${port}) could not be reached (ECONNREFUSED): the catalogue keeps what it had from it. Run \`anirec catalogue --update\` again later.`,
    );
    expect(await readAnilistOverlay(cacheDir)).toBeUndefined();
  });
});
