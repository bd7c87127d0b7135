import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServingCatalogue, lastCatalogueSeason, refreshSeason, seasonsToSync } from '../../src/app/servingCatalogue.js';
import { RequestPacer } from '../../src/data/http/pacer.js';
import { buildTitleIndex } from '../../src/data/titles.js';
import type { Anime } from '../../src/data/types.js';
import { CatalogueSourceError } from '../../src/errors.js';
import { CATALOGUE_MESSAGES } from '../../src/interfaces/messages.js';
import { isBeyondCatalogue, lastKnownSeason, makeSeason, nextSeason } from '../../src/service/seasons.js';
import { media, startFakeAnilist, type FakeAnilist } from '../data/anilist/fakeAnilist.js';

let fake: FakeAnilist;
beforeAll(async () => {
  fake = await startFakeAnilist();
});
afterAll(() => fake.close());

const BASE: Anime[] = [
  { animeId: 16498, name: 'Shingeki no Kyojin', genres: ['Action'], type: 'TV', episodes: 25, malScore: 8.54, members: 896229 },
  { animeId: 1535, name: 'Death Note', genres: ['Mystery'], type: 'TV', episodes: 37, malScore: 8.71, members: 1013917 },
];

/** A bangumi-data data.json whose newest anime premiered in Summer 2026 (as the installed 0.3.208 nearly is). */
function bangumiFile(dir: string): string {
  const item = (title: string, malId: string, begin: string) => ({
    title, titleTranslate: {}, type: 'tv', lang: 'ja', officialSite: '', begin, end: '', sites: [{ site: 'mal', id: malId }],
  });
  const file = join(dir, 'data.json');
  writeFileSync(file, JSON.stringify({ siteMeta: {}, items: [item('進撃の巨人', '16498', '2013-04-06T16:58:00.000Z'), item('夏のアニメ', '59000', '2026-07-05T15:00:00.000Z')] }));
  return file;
}

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('refreshSeason', () => {
  it('given this season and the next on AniList then the catalogue to swap in has them after the served anime, and the last season moves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-refresh-'));
    const file = bangumiFile(dir);
    const config = { cacheDir: join(dir, 'cache'), anilistUrl: fake.url };
    const current = (await buildServingCatalogue(BASE, config.cacheDir, () => NOW, file)).catalogue;
    expect(lastCatalogueSeason(current)?.label).toBe('Summer 2026');
    expect(CATALOGUE_MESSAGES.endsAt(lastCatalogueSeason(current)!.label)).toBe('The catalogue ends at Summer 2026: run `anirec catalogue --update`.');

    expect(seasonsToSync(new Date(NOW))).toEqual([{ season: 'FALL', year: 2026 }, { season: 'WINTER', year: 2027 }]);
    fake.seasons.set('FALL 2026', [media(61001, 'Fall Show', { synonyms: ['FS'], nextAiringEpisode: { airingAt: NOW / 1000 + 3600, episode: 10 } })]);
    fake.seasons.set('WINTER 2027', [media(62001, 'Winter Show', { startDate: { year: 2027, month: 1, day: null }, nextAiringEpisode: null })]);
    const { catalogue, report } = await refreshSeason({ base: BASE, current, config, now: () => NOW, bangumiFile: file, pacer: new RequestPacer(90, 60_000) });

    expect(report).toMatchObject({ seasons: ['Fall 2026', 'Winter 2027'], added: [61001, 62001], withoutMalId: 0 });
    // Served anime keep their itemIx; the new ones follow.
    expect(catalogue.anime.slice(0, current.anime.length).map((a) => a.animeId)).toEqual(current.anime.map((a) => a.animeId));
    expect(catalogue.anime.slice(current.anime.length).map((a) => a.animeId)).toEqual([61001, 62001]);
    expect(catalogue.anime[catalogue.ixByAnimeId.get(61001)!]!.nextEpisode).toEqual({ number: 10, airingAt: NOW / 1000 + 3600 });
    expect(buildTitleIndex(catalogue).resolve('FS')).toBe(catalogue.ixByAnimeId.get(61001));
    expect(lastCatalogueSeason(catalogue)?.label).toBe('Winter 2027');

    // A restart reads the same from the cache, with no network.
    const restarted = (await buildServingCatalogue(BASE, config.cacheDir, () => NOW, file)).catalogue;
    expect(restarted.anime).toEqual(catalogue.anime);
  });

  it('given AniList down then it throws a CatalogueSourceError and the cached catalogue is unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-refresh-'));
    const file = bangumiFile(dir);
    const config = { cacheDir: join(dir, 'cache'), anilistUrl: fake.url };
    const current = (await buildServingCatalogue(BASE, config.cacheDir, () => NOW, file)).catalogue;
    fake.behave('down');
    await expect(refreshSeason({ base: BASE, current, config, now: () => NOW, bangumiFile: file, pacer: new RequestPacer(90, 60_000) })).rejects.toBeInstanceOf(CatalogueSourceError);
    expect((await buildServingCatalogue(BASE, config.cacheDir, () => NOW, file)).catalogue.anime).toEqual(current.anime);
  });
});

describe('the seasons a catalogue knows', () => {
  it('given a catalogue ending in Summer 2026 then Fall 2026 is beyond it, Summer is not, and the next of Fall is Winter 2027', () => {
    const anime = [{ aired: '2013-04-07' }, { aired: '2026-07-05' }, {}];
    expect(lastKnownSeason(anime)).toEqual(makeSeason('summer', 2026));
    expect(lastKnownSeason([{}])).toBeUndefined();
    expect(isBeyondCatalogue(makeSeason('fall', 2026), anime)).toEqual(makeSeason('summer', 2026));
    expect(isBeyondCatalogue(makeSeason('summer', 2026), anime)).toBeUndefined();
    expect(nextSeason(makeSeason('fall', 2026))).toEqual(makeSeason('winter', 2027));
  });
});
