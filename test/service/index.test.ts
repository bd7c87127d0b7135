import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { InvalidOptionError, RateLimitedError, StoreWriteError, UnknownTitleError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService, modelFingerprint, type AnirecService } from '../../src/service/index.js';
import { trainPlantedModel, type PlantedModel } from './plantedModel.js';

let trained: PlantedModel;
const stores: RatingsStore[] = [];

beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

/** Makes the SQLite file refuse inserts and updates (reads still work), as a full disk would. */
function refuseWrites(file: string): Promise<void> {
  const sql = `CREATE TRIGGER refuse_insert BEFORE INSERT ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;
    CREATE TRIGGER refuse_update BEFORE UPDATE ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;`;
  return new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(file, (e) => (e ? reject(e) : db.exec(sql, (x) => db.close(() => (x ? reject(x) : resolve())))));
  });
}

async function setup(options: { perMinute?: number; now?: () => number } = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'store.sqlite');
  const store = await openRatingsStore(`sqlite://${file}`, { onError: () => undefined });
  stores.push(store);
  const service = createService({
    model: trained.model,
    store,
    titles: buildTitleIndex(trained.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: options.perMinute ?? 1000, ...(options.now ? { now: options.now } : {}) }),
  });
  return { file, store, service };
}

/** animeId of the planted anime at itemIx (ids are 1000 + itemIx). */
const id = (itemIx: number) => String(1000 + itemIx);
const nameOf = (itemIx: number) => trained.model.catalogue.anime[itemIx]!.name;

async function rateGroupZero(service: AnirecService, user: string) {
  // Group 0 is every 4th anime (Action); the member loves it and dislikes group 1.
  for (const ix of [0, 4, 8, 12]) await service.rate(user, id(ix), 10);
  for (const ix of [1, 5]) await service.rate(user, id(ix), 2);
}

describe('createService rate', () => {
  it('given a rating then it is stored durably with the folded vector, and a re-rating replaces it', async () => {
    const { file, service } = await setup();
    const first = await service.rate('u1', 'Action Story 1', 7);
    expect(first).toMatchObject({ anime: { animeId: 1000, name: 'Action Story 1', url: 'https://myanimelist.net/anime/1000' }, score: 7, previous: undefined, ratedCount: 1 });
    const second = await service.rate('u1', id(0), 9);
    expect(second).toMatchObject({ score: 9, previous: 7, ratedCount: 1 });

    const reopened = await openRatingsStore(`sqlite://${file}`);
    stores.push(reopened);
    const record = await reopened.get('u1');
    expect(record?.ratings).toEqual({ '1000': 9 });
    expect(record?.modelFingerprint).toBe(modelFingerprint(trained.model));
    expect(Buffer.from(record!.vector!, 'base64').length).toBe(trained.model.exportUser(trained.model.foldIn({ itemIx: Int32Array.of(0), score: Int8Array.of(9) })).length * 4);
  });

  it('given 30 concurrent ratings by one member then all 30 are kept', async () => {
    const { store, service } = await setup();
    await Promise.all(Array.from({ length: 30 }, (_, i) => service.rate('u1', id(i), 1 + (i % 10))));
    expect(Object.keys((await store.get('u1'))!.ratings)).toHaveLength(30);
    expect((await service.listRatings('u1')).total).toBe(30);
  });

  it('given an unknown title then UnknownTitleError offers candidates and nothing is stored', async () => {
    const { store, service } = await setup();
    const error = await service.rate('u1', 'Zyzzyva Quux', 8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTitleError);
    expect(describeError(error)).toMatch(/^I don't know an anime called "Zyzzyva Quux"/);
    expect(await store.get('u1')).toBeUndefined();
  });

  it('given a store that refuses writes then rate fails with StoreWriteError and the member keeps the old state', async () => {
    const { file, service } = await setup();
    await service.rate('u1', id(0), 8);
    await refuseWrites(file);
    await expect(service.rate('u1', id(4), 9)).rejects.toBeInstanceOf(StoreWriteError);
    // The failed write never reached the in-memory member either.
    expect((await service.listRatings('u1')).entries.map((e) => e.animeId)).toEqual([1000]);
  });

  it('given a score outside 1-10 then InvalidOptionError', async () => {
    const { service } = await setup();
    await expect(service.rate('u1', id(0), 11)).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe('createService recommend', () => {
  it('given a member who loves group 0 then picks are mostly group 0, never rated, each with a reason from their likes', async () => {
    const { service } = await setup();
    await rateGroupZero(service, 'u1');
    const result = await service.recommend('u1', { count: 5 });
    expect(result.personalised).toBe(true);
    expect(result.picks).toHaveLength(5);
    const rated = new Set([0, 4, 8, 12, 1, 5]);
    for (const pick of result.picks) expect(rated.has(pick.anime.itemIx)).toBe(false);
    const inGroup = result.picks.filter((p) => trained.planted.groupOfItem[p.anime.itemIx] === 0).length;
    expect(inGroup).toBeGreaterThanOrEqual(4);
    for (const pick of result.picks) {
      expect(pick.because).toHaveLength(1);
      expect([0, 4, 8, 12]).toContain(pick.because[0]!.itemIx);
    }
  });

  it('given a member rates their top pick then the next /recommend no longer offers it', async () => {
    const { service } = await setup();
    await rateGroupZero(service, 'u1');
    const before = await service.recommend('u1', { count: 3 });
    const top = before.picks[0]!.anime;
    await service.rate('u1', String(top.animeId), 6);
    const after = await service.recommend('u1', { count: 3 });
    expect(after.picks.map((p) => p.anime.itemIx)).not.toContain(top.itemIx);
  });

  it('given a member with no ratings then popular picks, in popularity order', async () => {
    const { service } = await setup();
    const result = await service.recommend('nobody', {});
    expect(result.personalised).toBe(false);
    expect(result.picks).toHaveLength(10);
    const pops = result.picks.map((p) => trained.model.popularity[p.anime.itemIx]!);
    expect([...pops].sort((a, b) => b - a)).toEqual(pops);
  });

  it('given genre and type filters then every pick matches them', async () => {
    const { service } = await setup();
    await rateGroupZero(service, 'u1');
    const result = await service.recommend('u1', { count: 25, genre: 'comedy', type: 'Movie' });
    expect(result).toMatchObject({ genre: 'Comedy', type: 'Movie' });
    expect(result.picks.length).toBeGreaterThan(0);
    for (const pick of result.picks) expect(pick.anime).toMatchObject({ genres: ['Comedy'], type: 'Movie' });
  });

  it('given an unknown genre then the answer names it', async () => {
    const { service } = await setup();
    const error = await service.recommend('u1', { genre: 'Mecha' }).catch((e: unknown) => e);
    expect(describeError(error)).toBe('genre: there is no genre "Mecha"');
  });

  it('given a web client over its limit then recommendFor throws RateLimitedError; commands take once, through takeCommand', async () => {
    const { service } = await setup({ perMinute: 2, now: () => 0 });
    service.recommendFor('web:1', [], {});
    service.recommendFor('web:1', [], {});
    expect(() => service.recommendFor('web:1', [], {})).toThrow(RateLimitedError);
    // Without a command limiter of its own, commands spend the same members' bucket.
    service.takeCommand('u1', 'g');
    service.takeCommand('u1', 'g');
    expect(() => service.takeCommand('u1', 'g')).toThrow(RateLimitedError);
    expect(() => service.takeCommand('u2', 'g')).not.toThrow();
  });

  it('given a stored vector from another model then the member is folded in again', async () => {
    const { store, service } = await setup();
    await store.set('u1', { ratings: { [id(0)]: 10, [id(4)]: 10 }, vector: 'AAAAAA==', modelFingerprint: 'another model', updatedAt: 1 });
    const result = await service.recommend('u1', { count: 3 });
    expect(result.personalised).toBe(true);
    expect(result.picks.map((p) => p.anime.itemIx)).not.toContain(0);
  });
});

describe('createService similar, ratings, unrate, forget, import', () => {
  it('given an anime then similar lists others, itself excluded', async () => {
    const { service } = await setup();
    const result = service.similar('u1', 'Action Story 1', 5);
    expect(result.anime.itemIx).toBe(0);
    expect(result.neighbours).toHaveLength(5);
    expect(result.neighbours.map((n) => n.anime.itemIx)).not.toContain(0);
  });

  it('given 23 ratings then pages of 10, best first, page numbers clamped', async () => {
    const { service } = await setup();
    for (let i = 0; i < 23; i++) await service.rate('u1', id(i), 1 + (i % 10));
    const first = await service.listRatings('u1', 1);
    expect(first).toMatchObject({ page: 1, pages: 3, total: 23 });
    expect(first.entries).toHaveLength(10);
    expect(first.entries[0]!.score).toBe(10);
    expect((await service.listRatings('u1', 99)).page).toBe(3);
    expect((await service.listRatings('u1', 3)).entries).toHaveLength(3);
  });

  it('given unrate then the rating is gone; unrating twice says it was not rated', async () => {
    const { service } = await setup();
    await service.rate('u1', id(0), 8);
    await service.rate('u1', id(4), 8);
    expect(await service.unrate('u1', id(0))).toMatchObject({ removed: true, ratedCount: 1 });
    expect(await service.unrate('u1', id(0))).toMatchObject({ removed: false, ratedCount: 1 });
    expect(await service.suggestRated('u1', '')).toEqual([{ name: nameOf(4), value: id(4) }]);
  });

  it('given forget then nothing is stored about the member', async () => {
    const { store, service } = await setup();
    await service.rate('u1', id(0), 8);
    expect(await service.forget('u1')).toBe(true);
    expect(await store.get('u1')).toBeUndefined();
    expect((await service.listRatings('u1')).total).toBe(0);
    expect(await service.forget('u1')).toBe(false);
  });

  it('given a MyAnimeList export then known ids become ratings and watched entries, unknown ids are counted', async () => {
    const { store, service } = await setup();
    await service.rate('u1', id(2), 4);
    const xml = `<?xml version="1.0"?><myanimelist>
      <anime><series_animedb_id>1000</series_animedb_id><my_score>9</my_score><my_status>Completed</my_status></anime>
      <anime><series_animedb_id>1004</series_animedb_id><my_score>0</my_score><my_status>Dropped</my_status></anime>
      <anime><series_animedb_id>99999</series_animedb_id><my_score>7</my_score><my_status>Completed</my_status></anime>
      <anime><series_animedb_id>1008</series_animedb_id><my_score>0</my_score><my_status>Plan to Watch</my_status></anime>
    </myanimelist>`;
    const result = await service.importList('u1', Buffer.from(xml));
    expect(result).toEqual({ source: 'mal', rated: 1, watched: 1, removed: 0, unknown: 1, unknownNames: ['anime #99999'], planToWatch: 1, noMalId: 0, skipped: 0, ratedCount: 3 });
    expect((await store.get('u1'))!.ratings).toEqual({ '1000': 9, '1004': -1, '1002': 4 });
    const picks = await service.recommend('u1', { count: 25 });
    expect(picks.picks.map((p) => p.anime.itemIx)).not.toContain(4);
  });

  it('given autocomplete queries then at most 25 choices with the anime id as value', async () => {
    const { service } = await setup();
    const all = service.suggestTitles('');
    expect(all).toHaveLength(25);
    expect(service.suggestTitles('Drama Story 1')[0]).toEqual({ name: 'Drama Story 1', value: '1002' });
    expect(service.suggestGenres('a').map((c) => c.value)).toEqual(['Action', 'Drama', 'Romance']);
  });
});
