import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToOverlay, applyAnilist, readAnilistOverlay } from '../../../src/data/anilist/overlay.js';
import { mapMedia } from '../../../src/data/anilist/season.js';
import { syncSeasons } from '../../../src/data/anilist/sync.js';
import { catalogueFromAnime } from '../../../src/data/catalogue.js';
import { loadCatalogueOverlay } from '../../../src/data/catalogueOverlay.js';
import { RequestPacer } from '../../../src/data/http/pacer.js';
import { buildTitleIndex } from '../../../src/data/titles.js';
import type { Anime } from '../../../src/data/types.js';
import { media, startFakeAnilist, type FakeAnilist } from './fakeAnilist.js';

let fake: FakeAnilist;
beforeAll(async () => {
  fake = await startFakeAnilist();
});
afterAll(() => fake.close());

const NOW_S = 1_764_900_000; // 2025-12-05: before every airingAt below
const NOW = NOW_S * 1000;

/** anime.csv-like rows: the model's, with their own fields. */
const BASE: Anime[] = [
  { animeId: 16498, name: 'Shingeki no Kyojin', genres: ['Action', 'Drama'], type: 'TV', episodes: 25, malScore: 8.54, members: 896229 },
  { animeId: 1535, name: 'Death Note', genres: ['Mystery'], type: 'TV', episodes: 37, malScore: 8.71, members: 1013917 },
  // A bangumi-data addition: no genres, no episodes.
  { animeId: 52991, name: "Frieren: Beyond Journey's End", genres: [], type: 'TV', episodes: null, malScore: null, members: 0, japaneseName: '葬送のフリーレン', aired: '2023-09-29' },
];

const aot = (extra: Parameters<typeof media>[2] = {}) =>
  media(16498, 'Shingeki no Kyojin', {
    title: { romaji: 'Shingeki no Kyojin', english: 'Attack on Titan', native: '進撃の巨人' },
    synonyms: ['AoT', 'SnK'],
    genres: ['Action', 'Fantasy'],
    episodes: 99,
    startDate: { year: 2013, month: 4, day: 7 },
    ...extra,
  });

describe('applyAnilist', () => {
  it('given AniList entries for catalogue anime and new ones then rows keep their fields and itemIx, gain what they lack, and new anime are appended', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-overlay-'));
    fake.seasons.set('FALL 2026', [
      aot({ nextAiringEpisode: { airingAt: NOW_S + 86_400, episode: 5 } }),
      media(52991, 'Sousou no Frieren', { title: { romaji: 'Sousou no Frieren', english: "Frieren: Beyond Journey's End", native: '葬送のフリーレン' }, genres: ['Adventure', 'Drama'], episodes: 28, nextAiringEpisode: null }),
      media(60001, 'Kaijuu 8-gou 3rd Season', { title: { romaji: 'Kaijuu 8-gou 3rd Season', english: 'Kaiju No. 8 Season 3', native: null }, synonyms: ['KJ8 S3'], format: 'TV_SHORT' }),
      media(null, 'Only on AniList'),
    ]);
    const report = await syncSeasons(BASE, { url: fake.url, cacheDir, seasons: [{ season: 'FALL', year: 2026 }], pacer: new RequestPacer(90, 60_000), now: () => NOW });
    expect(report).toMatchObject({ seasons: ['Fall 2026'], fetched: 3, added: [60001], updated: [16498, 52991], unchanged: 0, withoutMalId: 1 });

    const overlay = await loadCatalogueOverlay(cacheDir, () => NOW);
    const anime = overlay([...BASE], BASE.length);
    expect(anime.map((a) => a.animeId)).toEqual([16498, 1535, 52991, 60001]);
    // anime.csv's row: its own name, genres, episodes and score kept; titles, synonyms, date, cover and next episode added.
    expect(anime[0]).toEqual({
      ...BASE[0],
      englishNames: ['Attack on Titan'],
      japaneseName: '進撃の巨人',
      synonyms: ['AoT', 'SnK'],
      aired: '2013-04-07',
      picture: 'https://s4.anilist.co/file/anilistcdn/media/anime/cover/large/bx116498.jpg',
      nextEpisode: { number: 5, airingAt: NOW_S + 86_400 },
    });
    expect(anime[1]).toEqual(BASE[1]);
    // The bangumi-data row fills its gaps; its name and air date stay; AniList's romaji becomes a title.
    expect(anime[2]).toMatchObject({ name: "Frieren: Beyond Journey's End", genres: ['Adventure', 'Drama'], episodes: 28, aired: '2023-09-29', synonyms: ['Sousou no Frieren'] });
    expect(anime[2]!.nextEpisode).toBeUndefined();
    expect(anime[3]).toMatchObject({ animeId: 60001, name: 'Kaijuu 8-gou 3rd Season', englishNames: ['Kaiju No. 8 Season 3'], synonyms: ['KJ8 S3'], type: 'TV', members: 0, aired: '2026-10-04' });

    // Abbreviations and English titles resolve through the title index.
    const catalogue = catalogueFromAnime(anime);
    const titles = buildTitleIndex(catalogue);
    expect(catalogue.anime[titles.resolve('AoT')]!.animeId).toBe(16498);
    expect(catalogue.anime[titles.resolve('kaiju no. 8 season 3')]!.animeId).toBe(60001);
    expect(catalogue.anime[titles.resolve('KJ8 S3')]!.animeId).toBe(60001);
    expect(catalogue.anime[titles.resolve('sousou no frieren')]!.animeId).toBe(52991);
  });

  it('given a second sync then the next episode follows it, earlier anime keep their place, and newcomers come after', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-overlay-'));
    const sync = () => syncSeasons(BASE, { url: fake.url, cacheDir, seasons: [{ season: 'WINTER', year: 2027 }], pacer: new RequestPacer(90, 60_000), now: () => NOW });
    fake.seasons.set('WINTER 2027', [aot({ nextAiringEpisode: { airingAt: NOW_S + 100, episode: 5 } }), media(70001, 'First New')]);
    await sync();
    fake.seasons.set('WINTER 2027', [media(70002, 'Second New'), aot({ nextAiringEpisode: { airingAt: NOW_S + 604_900, episode: 6 } })]);
    const second = await sync();
    expect(second.added).toEqual([70002]);
    expect(second.updated).toEqual([16498]); // compared with BASE, which lacks AniList's fields
    const kept = (await readAnilistOverlay(cacheDir))!.anime;
    expect(kept.map((a) => a.animeId)).toEqual([16498, 70001, 70002]);
    const anime = applyAnilist(BASE, kept, NOW);
    expect(anime[0]!.nextEpisode).toEqual({ number: 6, airingAt: NOW_S + 604_900 });
    expect(anime.slice(3).map((a) => a.animeId)).toEqual([70001, 70002]);
    // A week later with no new sync, an aired next episode is dropped rather than announced again.
    expect(applyAnilist(BASE, kept, (NOW_S + 700_000) * 1000)[0]!.nextEpisode).toBeUndefined();
  });

  it('given an applied overlay and its own entry again then the row is unchanged (a sync with nothing new reports nothing)', () => {
    const entries = [aot(), media(60001, 'x')].map((m) => {
      const mapped = mapMedia(m, { season: 'FALL', year: 2026 });
      if (!('anime' in mapped)) throw new Error('not mapped');
      return mapped.anime;
    });
    const once = applyAnilist(BASE, entries, NOW);
    expect(once).toHaveLength(4);
    expect(applyAnilist(once, entries, NOW)).toEqual(once);
  });

  it('addToOverlay keeps first-seen order and replaces known entries', () => {
    const a = (id: number, name: string) => ({ ...BASE[1]!, animeId: id, name });
    expect(addToOverlay([a(1, 'one'), a(2, 'two')], [a(3, 'three'), a(1, 'uno')]).map((x) => x.name)).toEqual(['uno', 'two', 'three']);
  });
});
