import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../src/data/catalogue.js';
import { parseBangumiData } from '../../src/data/bangumi.js';
import { loadMergedCatalogue, mergeAnime } from '../../src/data/mergedCatalogue.js';
import { buildTitleIndex } from '../../src/data/titles.js';
import type { Anime } from '../../src/data/types.js';
import { InputFileError } from '../../src/errors.js';

function anime(animeId: number, name: string, members: number, type: string | null = 'TV', genres: string[] = ['Action']): Anime {
  return { animeId, name, genres, type, episodes: 12, malScore: 8, members };
}

/** Items in bangumi-data's own data.json format (fields the package carries, trimmed to a few sites). */
function item(title: string, malId: string | null, options: { en?: string[]; type?: string; begin?: string } = {}) {
  return {
    title,
    titleTranslate: { ...(options.en ? { en: options.en } : {}), 'zh-Hans': [`${title} zh`] },
    type: options.type ?? 'tv',
    lang: 'ja',
    officialSite: '',
    begin: options.begin ?? '2019-04-06T14:30:00.000Z',
    end: '',
    sites: [{ site: 'bangumi', id: '1' }, ...(malId !== null ? [{ site: 'mal', id: malId }] : [])],
  };
}

const BASE: Anime[] = [
  anime(16498, 'Shingeki no Kyojin', 896229),
  anime(1535, 'Death Note', 1013917),
  anime(5114, 'Fullmetal Alchemist: Brotherhood', 793665, null),
  anime(9253, 'Steins;Gate', 673572, 'TV'),
];

const DATA = {
  siteMeta: { mal: { title: 'MyAnimeList', urlTemplate: 'https://myanimelist.net/anime/{{id}}', type: 'info' } },
  items: [
    item('進撃の巨人', '16498', { en: ['attack on titan'], begin: '2013-04-06T16:58:00.000Z' }),
    item('鋼の錬金術師 FULLMETAL ALCHEMIST', '5114', { type: 'tv', begin: '2009-04-05T08:00:00.000Z' }),
    // Conflicting type: anime.csv says TV, bangumi-data a film.
    item('シュタインズ・ゲート', '9253', { type: 'movie', begin: '2011-04-06T00:00:00.000Z' }),
    item('鬼滅の刃', '38000', { en: ['Demon Slayer: Kimetsu no Yaiba'], begin: '2019-04-06T14:30:00.000Z' }),
    item('鬼滅の刃 遊郭編', '47778', { en: ['Demon Slayer: Kimetsu no Yaiba Entertainment District Arc'], begin: '2021-12-05T14:15:00.000Z' }),
    item('葬送のフリーレン', '52991', { en: ["Frieren: Beyond Journey's End"], begin: '2023-09-29T14:00:00.000Z' }),
    item('呪術廻戦', '40748', { en: ['Jujutsu Kaisen'], type: 'tv', begin: '2020-10-02T16:25:00.000Z' }),
    item('某ウェブアニメ', null, { type: 'web' }),
    { titleTranslate: {}, type: 'tv', sites: [] },
  ],
};

describe('mergeAnime', () => {
  const parsed = parseBangumiData(JSON.stringify(DATA), 'data.json');
  const { anime: merged, report } = mergeAnime(BASE, parsed.items);

  it('given bangumi-data items then anime.csv rows keep their place and gain English, Japanese titles and air dates', () => {
    expect(merged.slice(0, BASE.length).map((a) => a.animeId)).toEqual(BASE.map((a) => a.animeId));
    expect(merged[0]).toMatchObject({ name: 'Shingeki no Kyojin', englishNames: ['attack on titan'], japaneseName: '進撃の巨人', aired: '2013-04-06', members: 896229 });
    expect(merged[1]).toEqual(BASE[1]);
  });

  it('given conflicting or missing types then anime.csv wins and fills only gaps', () => {
    expect(merged[3]!.type).toBe('TV');
    expect(merged[2]!.type).toBe('TV');
    expect(report.typeConflicts).toBe(1);
  });

  it('given anime missing from anime.csv then they join after it, in air order, with what is known', () => {
    expect(merged.slice(BASE.length).map((a) => a.animeId)).toEqual([38000, 40748, 47778, 52991]);
    expect(merged[BASE.length]).toEqual({
      animeId: 38000, name: 'Demon Slayer: Kimetsu no Yaiba', genres: [], type: 'TV', episodes: null, malScore: null, members: 0,
      japaneseName: '鬼滅の刃', aired: '2019-04-06',
    });
    expect(report).toEqual({ matched: 3, added: 4, withoutMalId: 1, typeConflicts: 1 });
    expect(parsed.skipped).toBe(1);
  });

  it('given the merged catalogue then every kind of title finds its anime', () => {
    const catalogue = catalogueFromAnime(merged);
    const titles = buildTitleIndex(catalogue);
    const idOf = (q: string) => catalogue.anime[titles.resolve(q)]!.animeId;
    expect(idOf('attack on titan')).toBe(16498);
    expect(idOf('進撃の巨人')).toBe(16498);
    expect(idOf('Shingeki no Kyojin')).toBe(16498);
    expect(idOf('demon slayer')).toBe(38000);
    expect(idOf('鬼滅の刃')).toBe(38000);
    expect(idOf('frieren')).toBe(52991);
    expect(idOf('jujutsu kaisen')).toBe(40748);
    expect(titles.search('attack on')[0]).toMatchObject({ animeId: 16498, name: 'Shingeki no Kyojin', matched: 'attack on titan' });
  });

  it('given a file of another shape then the error names the file', () => {
    expect(() => parseBangumiData('{"foo": 1}', '/x/data.json')).toThrow(InputFileError);
    expect(() => parseBangumiData('not json', '/x/data.json')).toThrow(/\/x\/data.json/);
  });
});

describe('mergeAnime: later seasons named apart', () => {
  // bangumi-data's own entries for these (English titles as the package has them).
  const { anime: merged } = mergeAnime(
    [anime(37779, 'The Promised Neverland', 500_000)],
    parseBangumiData(
      JSON.stringify({
        ...DATA,
        items: [
          item('約束のネバーランド', '37779', { en: ['The Promised Neverland', 'THE PROMISED NEVERLAND'], begin: '2019-01-10T15:55:00.000Z' }),
          item('約束のネバーランド(第2期)', '39617', { en: ['THE PROMISED NEVERLAND'], begin: '2021-01-07T17:10:00.000Z' }),
          item('SPY×FAMILY', '50265', { en: ['SPY FAMILY'], begin: '2022-04-09T14:00:00.000Z' }),
          item('SPY×FAMILY(第2クール)', '50602', { en: ['SPY FAMILY', 'SPY x FAMILY'], begin: '2022-10-01T14:00:00.000Z' }),
          item('ある作品', '90001', { en: ['SPY FAMILY'], begin: '2024-01-01T00:00:00.000Z' }),
        ],
      }),
      'data.json',
    ).items,
  );
  const byId = (id: number) => merged.find((a) => a.animeId === id)!;
  const index = buildTitleIndex(catalogueFromAnime(merged));

  it('given a later season whose English title is the series name then its Japanese title names the season or part', () => {
    expect(byId(39617).name).toBe('THE PROMISED NEVERLAND Season 2');
    expect(byId(50602).name).toBe('SPY FAMILY Part 2');
    expect(byId(90001).name).toBe('SPY FAMILY (2024)');
    expect(byId(50265).name).toBe('SPY FAMILY');
  });

  it('given the series name typed then the first season, not a later one that shared the title', () => {
    for (const typed of ['the promised neverland', 'spy x family', 'SPY FAMILY']) {
      const first = merged[index.resolve(typed)]!.animeId;
      expect([typed, first]).toEqual([typed, typed.includes('neverland') ? 37779 : 50265]);
    }
    expect(merged[index.resolve('spy family part 2')]!.animeId).toBe(50602);
  });
});

describe('loadMergedCatalogue', () => {
  it('given a cache folder then the second load reads the cache and gives the same catalogue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-merged-'));
    const file = join(dir, 'data.json');
    writeFileSync(file, JSON.stringify(DATA));
    const first = await loadMergedCatalogue(BASE, { cacheDir: join(dir, 'cache'), bangumiFile: file });
    const second = await loadMergedCatalogue(BASE, { cacheDir: join(dir, 'cache'), bangumiFile: file });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.catalogue.anime).toEqual(first.catalogue.anime);
    expect(second.baseCount).toBe(BASE.length);
    // Another base catalogue is another key: built again.
    const third = await loadMergedCatalogue(BASE.slice(0, 2), { cacheDir: join(dir, 'cache'), bangumiFile: file });
    expect(third.fromCache).toBe(false);
    expect(third.catalogue.anime.length).toBe(2 + 6);
  });

  it('given the installed bangumi-data package then English titles of recent anime resolve to their MAL ids', async () => {
    const { catalogue, report } = await loadMergedCatalogue(BASE);
    expect(report.added).toBeGreaterThan(7000);
    const titles = buildTitleIndex(catalogue);
    const idOf = (q: string) => catalogue.anime[titles.resolve(q)]!.animeId;
    expect(idOf('attack on titan')).toBe(16498);
    expect(idOf('demon slayer')).toBe(38000);
    expect(idOf('frieren')).toBe(52991);
    expect(catalogue.anime[catalogue.ixByAnimeId.get(52991)!]!.aired).toBe('2023-09-29');
  });
});
