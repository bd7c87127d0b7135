import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../src/data/catalogue.js';
import { buildTitleIndex } from '../../src/data/titles.js';
import type { Anime, Catalogue } from '../../src/data/types.js';
import { renderRated, renderRecommendations, renderSeasonal, renderSimilar, renderText } from '../../src/interfaces/render.js';
import { foldInItem, itemPrior, itemSpaceOf } from '../../src/model/itemFoldIn.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService, type AnirecService } from '../../src/service/index.js';
import { seasonLabel } from '../../src/service/seasons.js';
import { trainPlantedModel, type PlantedModel } from './plantedModel.js';

let trained: PlantedModel;
let catalogue: Catalogue;
const stores: RatingsStore[] = [];
/** MAL ids of the anime the model does not know. */
const NEW_ACTION = 90001;
const NEW_UNRATED = 90002;

beforeAll(async () => {
  trained = await trainPlantedModel();
  const extra: Anime[] = [
    // Loved by the members who love planted group 0; no genres, so only its raters can place it.
    { animeId: NEW_ACTION, name: 'Shin Action Saga', genres: [], type: 'TV', episodes: null, malScore: null, members: 0, englishNames: ['New Action Saga'], aired: '2026-01-08' },
    { animeId: NEW_UNRATED, name: 'Nobody Watched This', genres: [], type: 'TV', episodes: null, malScore: null, members: 0, aired: '2026-02-01' },
  ];
  catalogue = catalogueFromAnime([...trained.model.catalogue.anime, ...extra]);
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

async function openStore(file: string) {
  const store = await openRatingsStore(`sqlite://${file}`, { onError: () => undefined });
  stores.push(store);
  return store;
}

function serviceOn(store: RatingsStore): AnirecService {
  return createService({
    model: trained.model,
    store,
    catalogue,
    titles: buildTitleIndex(catalogue),
    rateLimiter: createRateLimiter({ perMinute: 100_000 }),
  });
}

/** animeIds of the planted anime of one group (ids are 1000 + itemIx). */
const groupIds = (group: number) =>
  Array.from(trained.planted.groupOfItem).flatMap((g, itemIx) => (g === group ? [String(1000 + itemIx)] : []));

/** A member who loves group `loves` (10s), dislikes group `hates` (2s), and rates the new anime `newScore`. */
async function member(service: AnirecService, userId: string, loves: number, hates: number, newScore?: number) {
  for (const id of groupIds(loves).slice(0, 6)) await service.rate(userId, id, 10);
  for (const id of groupIds(hates).slice(0, 4)) await service.rate(userId, id, 2);
  if (newScore !== undefined) await service.rate(userId, String(NEW_ACTION), newScore);
}

describe('item fold-in through the service', () => {
  let file: string;
  let service: AnirecService;
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'store.sqlite');
    service = serviceOn(await openStore(file));
    for (let m = 0; m < 12; m++) await member(service, `lover${m}`, 0, 1, 9 + (m % 2));
    for (let m = 0; m < 6; m++) await member(service, `hater${m}`, 1, 0, 2);
  });

  it('given members who like its neighbours rated it, then a new anime ranks near the top for a like-minded member, with what it rests on', async () => {
    await member(service, 'fan', 0, 1);
    const result = await service.recommend('fan', { count: 5 });
    const rank = result.picks.findIndex((p) => p.anime.animeId === NEW_ACTION);
    expect(rank).toBeGreaterThanOrEqual(0);
    expect(rank).toBeLessThan(3);
    expect(result.picks[rank]!.restsOn).toBe(18);
    expect(renderText(renderRecommendations(result))).toContain('rests on 18 member ratings');
  });

  it('given a member with the opposite taste then the new anime is not among their top picks', async () => {
    await member(service, 'other', 1, 0);
    const result = await service.recommend('other', { count: 5 });
    expect(result.picks.map((p) => p.anime.animeId)).not.toContain(NEW_ACTION);
  });

  it('given a folded new anime then /similar lists its true neighbours (the loved group) and says what it rests on', () => {
    const result = service.similar('fan', 'New Action Saga', 10);
    expect(result.restsOn).toBe(18);
    const groups = result.neighbours.map((n) => trained.planted.groupOfItem[n.anime.itemIx]);
    expect(groups.filter((g) => g === 0).length).toBeGreaterThanOrEqual(8);
    expect(renderText(renderSimilar(result))).toContain('rests on 18 member ratings');
  });

  it('given an anime nobody rated then it is rateable and findable but never a pick, and /similar says it has nothing yet', async () => {
    const picks = await service.recommend('fan', { count: 25 });
    expect(picks.picks.map((p) => p.anime.animeId)).not.toContain(NEW_UNRATED);
    const similar = service.similar('fan', 'Nobody Watched This');
    expect(similar).toMatchObject({ restsOn: 0, neighbours: [] });
    expect(renderText(renderSimilar(similar))).toContain('Nobody here has rated this anime yet');
  });

  it('given a title other than the shown one then the reply says what was typed', async () => {
    const result = await service.rate('typist', 'new action saga', 8);
    expect(result).toMatchObject({ anime: { animeId: NEW_ACTION, name: 'Shin Action Saga' }, asTyped: 'new action saga' });
    expect(renderText(renderRated(result))).toContain('Saved: Shin Action Saga (new action saga) 8/10');
    const byName = await service.rate('typist', 'Shin Action Saga', 8);
    expect(byName.asTyped).toBeUndefined();
    await service.forget('typist');
  });

  it('given autocomplete then the English title shows beside the shown one', () => {
    expect(service.suggestTitles('new action')[0]).toEqual({ name: 'Shin Action Saga · New Action Saga', value: String(NEW_ACTION) });
  });

  it('given /seasonal for the season then its anime are ranked for the member with what each rests on', async () => {
    const result = await service.seasonal('fan', 'winter 2026');
    expect(result.total).toBe(2);
    expect(result.picks.map((p) => [p.anime.animeId, p.basis])).toEqual([
      [NEW_ACTION, { kind: 'members', ratings: 18 }],
      [NEW_UNRATED, { kind: 'genres' }],
    ]);
    const text = renderText(renderSeasonal(result));
    expect(text).toContain('Winter 2026');
    expect(text).toContain('estimate from its genres and type only');
    // A season past the catalogue's end: the answer names where it ends, never a bare "nothing".
    const later = await service.seasonal('fan', 'spring 2026');
    expect(later.total).toBe(0);
    expect(later.catalogueEnds).toMatchObject({ name: 'winter', year: 2026 });
    expect(renderText(renderSeasonal(later))).toBe('No anime in the catalogue first aired in Spring 2026: the catalogue ends at Winter 2026. Run `anirec catalogue --update` to fetch newer seasons from AniList.');
    expect((await service.seasonal('fan', 'winter 2001')).catalogueEnds).toBeUndefined();
    await expect(service.seasonal('fan', 'someday')).rejects.toThrow(/not a season/);
  });

  it('given /seasonal with no season while the catalogue has none of this one yet then its newest season answers, and the reply says so', async () => {
    const result = await service.seasonal('fan');
    expect(result.season).toMatchObject({ name: 'winter', year: 2026 });
    expect(result.emptySeason).toBeDefined();
    expect(result.picks.map((p) => p.anime.animeId)).toEqual([NEW_ACTION, NEW_UNRATED]);
    expect(renderText(renderSeasonal(result))).toContain(`The catalogue has no ${seasonLabel(result.emptySeason!)} anime yet, so here is Winter 2026, its newest season.`);
    // A season asked for by name is answered as asked, even when empty.
    expect((await service.seasonal('fan', 'spring 2026')).emptySeason).toBeUndefined();
  });

  it('given a restart on the same store then the new anime is folded from the recorded raters again, and /forget-me removes a rater', async () => {
    const again = serviceOn(await openStore(file));
    await again.recommend('fan');
    expect(again.similar('fan', String(NEW_ACTION)).restsOn).toBe(18);
    await again.forget('hater0');
    expect(again.similar('fan', String(NEW_ACTION)).restsOn).toBe(17);
    const third = serviceOn(await openStore(file));
    await third.recommend('fan');
    expect(third.similar('fan', String(NEW_ACTION)).restsOn).toBe(17);
  });
});

describe('foldInItem', () => {
  it('given no raters then the vectors are the genre/type prior; given raters then they move towards them', () => {
    const space = itemSpaceOf(trained.model)!;
    const prior = itemPrior(space, { genres: ['Action'], type: 'TV' });
    const none = foldInItem(space, [], prior);
    expect(Array.from(none.explicit)).toEqual(Array.from(Float32Array.from(prior.explicit.subarray(0, space.explicitDim))));
    expect(none.ratings).toBe(0);
  });
});

describe('a /rate while the community records still load', () => {
  it('given the load held back then /rate answers at once, and the community learns of the rating once loaded', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'store.sqlite');
    const store = await openStore(file);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The community's first read (its index) waits until released: a slow start or a model swap.
    const slow: RatingsStore = { ...store, description: store.description, shared: store.shared, get: async (id) => (id === 'community:index' ? held.then(() => store.get(id)) : store.get(id)) };
    const service = serviceOn(slow);
    const rateAll = async () => {
      for (const id of groupIds(0).slice(0, 4)) await service.rate('early', id, 10);
      await service.rate('early', String(NEW_ACTION), 9);
    };
    const rated = await Promise.race([
      rateAll().then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000)),
    ]);
    expect(rated).toBe('answered');
    release();
    await expect.poll(async () => (await service.similar('early', String(NEW_ACTION))).restsOn).toBe(1);
    expect((await store.get(`community:anime:${NEW_ACTION}`))?.ratings).toEqual({ early: 9 });
  });
});
