/**
 * The service's importList and previewList with lists from AniList and MyAnimeList served on 127.0.0.1:
 * all or nothing, a re-import replacing what the same source set while hand ratings stay, unknown anime
 * counted and named, and the per-member and per-server import limits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { WATCHED } from '../../src/data/types.js';
import { ListImportError, RateLimitedError, StoreWriteError } from '../../src/errors.js';
import { renderImported } from '../../src/interfaces/render.js';
import { createImportLimiter, createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService } from '../../src/service/index.js';
import { CLIENT_ID, manyEntries, startFakeListServers, type FakeListServers } from '../data/lists/fakeListServers.js';
import { trainPlantedModel, type PlantedModel } from './plantedModel.js';

let trained: PlantedModel;
let fake: FakeListServers;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
  fake = await startFakeListServers();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  await fake.close();
});

async function setup(options: { perMember?: number; perServer?: number; now?: () => number } = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'store.sqlite');
  const store = await openRatingsStore(`sqlite://${file}`, { onError: () => undefined });
  stores.push(store);
  const service = createService({
    model: trained.model,
    store,
    titles: buildTitleIndex(trained.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    importLimiter: createImportLimiter({ perMember: options.perMember ?? 100, perServer: options.perServer ?? 1000, ...(options.now ? { now: options.now } : {}) }),
    lists: { anilistUrl: fake.anilistUrl, malApiUrl: fake.malApiUrl, malClientId: CLIENT_ID, timeoutMs: 200, sleep: async () => {} },
  });
  return { file, store, service };
}

/** Makes the SQLite file refuse inserts and updates, as a full disk would. */
function refuseWrites(file: string): Promise<void> {
  const sql = `CREATE TRIGGER refuse_insert BEFORE INSERT ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;
    CREATE TRIGGER refuse_update BEFORE UPDATE ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;`;
  return new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(file, (e) => (e ? reject(e) : db.exec(sql, (x) => db.close(() => (x ? reject(x) : resolve())))));
  });
}

describe('importList from AniList and MyAnimeList', () => {
  it('given an AniList list then known anime become ratings and watched entries; unknown ones are counted and named', async () => {
    fake.lists.set('kana', {
      format: 'POINT_100',
      entries: [
        { idMal: 1000, title: 'Action Story 1', score: 90 },
        { idMal: 1001, title: 'Comedy Story 1', score: 0, anilistStatus: 'CURRENT' },
        { idMal: 1002, title: 'Drama Story 1', score: 0, anilistStatus: 'PLANNING' },
        { idMal: 99_001, title: 'Frieren: Beyond Journey\'s End', score: 100 },
        { idMal: 99_002, title: 'Dungeon Meshi', score: 80 },
        { idMal: null, title: 'Only on AniList', score: 70 },
      ],
    });
    const { store, service } = await setup();
    const result = await service.importList('u1', { list: 'anilist', user: 'kana' }, { guildId: 'g1' });
    expect(result).toEqual({
      source: 'anilist',
      user: 'kana',
      rated: 1,
      watched: 1,
      removed: 0,
      unknown: 2,
      unknownNames: ["Frieren: Beyond Journey's End", 'Dungeon Meshi'],
      planToWatch: 1,
      noMalId: 1,
      skipped: 0,
      ratedCount: 2,
    });
    expect(renderImported(result).content).toBe(
      "Imported 1 ratings and 1 watched anime from AniList user kana. You have rated 2 anime. (2 anime not in our catalogue: Frieren: Beyond Journey's End, Dungeon Meshi; 1 plan-to-watch skipped; 1 without a MyAnimeList id skipped)",
    );
    const record = (await store.get('u1'))!;
    expect(record.ratings).toEqual({ '1000': 9, '1001': WATCHED });
    expect(record.imports).toEqual({ anilist: [1000, 1001] });
    expect(record.vector).toBeDefined();
  });

  it('given a re-import of the same source then what it set and the list dropped goes, hand ratings stay, another source is untouched', async () => {
    const { store, service } = await setup();
    fake.lists.set('rei', { entries: [{ idMal: 1000, title: 'a', score: 8 }, { idMal: 1001, title: 'b', score: 7 }, { idMal: 1002, title: 'c', score: 6 }] });
    fake.lists.set('rei-mal', { entries: [{ idMal: 1003, title: 'd', score: 5, malStatus: 'completed' }, { idMal: 1002, title: 'c', score: 4, malStatus: 'completed' }] });
    await service.rate('u1', '1010', 10); // by hand, never on a list
    await service.importList('u1', { list: 'anilist', user: 'rei' });
    await service.importList('u1', { list: 'mal', user: 'rei-mal' });
    await service.rate('u1', '1001', 2); // by hand after the import: now the member's own
    // The AniList list now has only 1000 (rescored) and 1004.
    fake.lists.set('rei', { entries: [{ idMal: 1000, title: 'a', score: 3 }, { idMal: 1004, title: 'e', score: 9 }] });
    const again = await service.importList('u1', { list: 'anilist', user: 'rei' });
    // 1002 was on both lists: MyAnimeList still lists it, so it stays (with the score the later import gave).
    expect(again).toMatchObject({ rated: 2, removed: 0, ratedCount: 6 });
    expect((await store.get('u1'))!.ratings).toEqual({ '1000': 3, '1001': 2, '1002': 4, '1003': 5, '1004': 9, '1010': 10 });
    // Now MyAnimeList drops 1002 and 1003: both go (AniList no longer lists 1002 either).
    fake.lists.set('rei-mal', { entries: [] });
    const third = await service.importList('u1', { list: 'mal', user: 'rei-mal' });
    expect(third).toMatchObject({ rated: 0, removed: 2, ratedCount: 4 });
    expect(renderImported(third).content).toBe(
      'Imported 0 ratings and 0 watched anime from MyAnimeList user rei-mal. Removed 2 that the earlier MyAnimeList import set and this list no longer has. You have rated 4 anime.',
    );
    const record = (await store.get('u1'))!;
    expect(record.ratings).toEqual({ '1000': 3, '1001': 2, '1004': 9, '1010': 10 });
    expect(record.imports).toEqual({ anilist: [1000, 1004] });
  });

  it('given a MyAnimeList export file then it counts as the MyAnimeList source: a later API import replaces it', async () => {
    const { store, service } = await setup();
    const xml = `<myanimelist>
      <anime><series_animedb_id>1005</series_animedb_id><my_score>7</my_score><my_status>Completed</my_status></anime>
      <anime><series_animedb_id>1006</series_animedb_id><my_score>8</my_score><my_status>Completed</my_status></anime>
    </myanimelist>`;
    await service.importList('u1', Buffer.from(xml));
    fake.lists.set('filed', { entries: [{ idMal: 1006, title: 'x', score: 9, malStatus: 'completed' }] });
    expect(await service.importList('u1', { list: 'mal', user: 'filed' })).toMatchObject({ rated: 1, removed: 1, ratedCount: 1 });
    expect((await store.get('u1'))!.ratings).toEqual({ '1006': 9 });
  });

  it('given a failure on any page then nothing is stored: the earlier ratings and bookkeeping stay exactly', async () => {
    const { store, service } = await setup();
    fake.lists.set('keep', { entries: [{ idMal: 1000, title: 'a', score: 8 }] });
    await service.importList('u1', { list: 'anilist', user: 'keep' });
    const before = await store.get('u1');
    for (const user of ['ghost', 'hidden', 'sleepy', 'swamped', 'garbled', 'odd', 'down']) {
      await expect(service.importList('u1', { list: 'anilist', user })).rejects.toBeInstanceOf(ListImportError);
    }
    // A list that fails on its second page, after a first page of known anime was read, imports nothing either.
    fake.lists.set('midway', { entries: manyEntries(2500, 1000) });
    const failing = createService({
      model: trained.model,
      store,
      titles: buildTitleIndex(trained.model.catalogue),
      rateLimiter: createRateLimiter({ perMinute: 1000 }),
      importLimiter: createImportLimiter({ perMember: 100 }),
      lists: { anilistUrl: fake.anilistUrl, malApiUrl: fake.malApiUrl, malClientId: CLIENT_ID, timeoutMs: 200, maxEntries: 1500 },
    });
    await expect(failing.importList('u1', { list: 'mal', user: 'midway' })).rejects.toMatchObject({ code: 'list_too_large' });
    expect(await store.get('u1')).toBe(before);
    expect(before!.ratings).toEqual({ '1000': 8 });
  });

  it('given a store that refuses the write then StoreWriteError and the member keeps the old state', async () => {
    const { file, store, service } = await setup();
    fake.lists.set('full', { entries: [{ idMal: 1000, title: 'a', score: 8 }] });
    await service.rate('u1', '1003', 6);
    await refuseWrites(file);
    await expect(service.importList('u1', { list: 'anilist', user: 'full' })).rejects.toBeInstanceOf(StoreWriteError);
    expect((await store.get('u1'))!.ratings).toEqual({ '1003': 6 });
  });

  it('given a 5,000-entry list then it is imported in one write', async () => {
    const { store, service } = await setup();
    fake.lists.set('collector', { entries: [...manyEntries(4920, 200_000), ...manyEntries(80, 1000)] });
    const result = await service.importList('u1', { list: 'anilist', user: 'collector' });
    expect(result).toMatchObject({ rated: 80, unknown: 4920, ratedCount: 80 });
    expect(result.unknownNames).toHaveLength(10);
    expect(renderImported(result).content).toContain('(4920 anime not in our catalogue: Anime 200000, Anime 200001,');
    expect(renderImported(result).content).toContain('Anime 200009 and 4910 more)');
    expect(Object.keys((await store.get('u1'))!.ratings)).toHaveLength(80);
  });

  it('given the import limit then a member is refused after 3 imports, and a busy server refuses other members too', async () => {
    let now = 0;
    const { service } = await setup({ perMember: 3, perServer: 5, now: () => now });
    fake.lists.set('often', { entries: [{ idMal: 1000, title: 'a', score: 8 }] });
    const run = (userId: string, guildId: string | null) => service.importList(userId, { list: 'anilist', user: 'often' }, { guildId });
    for (let k = 0; k < 3; k++) await run('a', 'g1');
    const refused = await run('a', 'g1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBe(200_000);
    await run('b', 'g1');
    await run('b', 'g1');
    // The server's 5 are spent (a's refused attempt did not spend one): c in g1 waits, c in a DM or another server does not.
    await expect(run('c', 'g1')).rejects.toBeInstanceOf(RateLimitedError);
    await run('c', 'g2');
    await run('c', null);
    now += 200_000;
    await run('a', 'g3');
  });

  it('given the import limit then a member refused spends no fetch: the list server is not asked', async () => {
    const { service } = await setup({ perMember: 1 });
    fake.lists.set('once', { entries: [] });
    await service.importList('u9', { list: 'anilist', user: 'once' });
    const asked = fake.anilistRequests.length;
    await expect(service.importList('u9', { list: 'anilist', user: 'once' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.anilistRequests.length).toBe(asked);
  });
});

describe('previewList (the web page)', () => {
  it('given a list then the scored anime the catalogue knows come back with names; nothing is stored', async () => {
    const { store, service } = await setup();
    fake.lists.set('visitor', {
      entries: [
        { idMal: 1000, title: 'x', score: 9, malStatus: 'completed' },
        { idMal: 1001, title: 'y', score: 0, malStatus: 'completed' },
        { idMal: 99_003, title: 'Unknown One', score: 5, malStatus: 'completed' },
      ],
    });
    const preview = await service.previewList('web:1.2.3.4', 'mal', 'visitor');
    expect(preview).toEqual({
      source: 'mal',
      user: 'visitor',
      ratings: [{ animeId: 1000, name: 'Action Story 1', url: 'https://myanimelist.net/anime/1000', score: 9 }],
      watched: 1,
      unknown: 1,
      unknownNames: ['Unknown One'],
      planToWatch: 0,
      noMalId: 0,
      skipped: 0,
    });
    expect(await store.get('web:1.2.3.4')).toBeUndefined();
  });
});
