import { describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../src/data/catalogue.js';
import { buildTitleIndex, distinguishingNames, normaliseTitle } from '../../src/data/titles.js';
import type { Anime } from '../../src/data/types.js';

function anime(animeId: number, name: string, members: number, type: string | null = 'TV'): Anime {
  return { animeId, name, genres: [], type, episodes: 12, malScore: 8, members };
}

const catalogue = catalogueFromAnime([
  anime(9253, 'Steins;Gate', 673572),
  anime(11577, 'Steins;Gate Movie: Fuka Ryouiki no Déjà vu', 160000, 'Movie'),
  anime(2167, 'Clannad', 400000),
  anime(4181, 'Clannad: After Story', 450000),
  anime(32281, 'Kimi no Na wa.', 200630, 'Movie'),
  anime(918, 'Gintama', 336376),
  anime(28977, "Gintama'", 114262),
  anime(1, 'Cowboy Bebop', 486824),
  anime(500, 'Pokémon', 300000),
  anime(700, 'Bakemonogatari', 300000),
  anime(701, 'Monogatari Series: Second Season', 200000),
  anime(800, 'Twins', 100, 'TV'),
  anime(801, 'Twins', 50, 'OVA'),
  anime(900, 'A'.repeat(130), 10),
]);
const index = buildTitleIndex(catalogue);
const ix = (animeId: number) => catalogue.ixByAnimeId.get(animeId)!;

describe('normaliseTitle', () => {
  it('given case, accents and punctuation then they are dropped', () => {
    expect(normaliseTitle('  Steins;Gate  ')).toBe('steins gate');
    expect(normaliseTitle('Pokémon: Déjà-vu!!')).toBe('pokemon deja vu');
  });

  it('given spellings people mix up then both sides fold the same way', () => {
    expect(normaliseTitle('SPY×FAMILY')).toBe(normaliseTitle('spy x family'));
    expect(normaliseTitle('Naruto: Shippuuden')).toBe(normaliseTitle('naruto shippuden'));
    expect(normaliseTitle('Shokugeki no Souma')).toBe(normaliseTitle('shokugeki no soma'));
    for (const season of ['Haikyuu!! Second Season', 'Haikyuu 2nd Season', 'haikyuu s2', 'haikyuu season 2', 'Haikyuu!! II']) {
      expect(normaliseTitle(season)).toBe('haikyu season 2');
    }
    // A number that is part of a name is left alone.
    expect(normaliseTitle('Mob Psycho 100')).toBe('mob psycho 100');
  });
});

describe('which anime a typed title means', () => {
  const shows = catalogueFromAnime([
    { ...anime(16498, 'Shingeki no Kyojin', 1_000_000), englishNames: ['Attack on Titan'] },
    anime(33704, 'AOTU Shijie', 5_000),
    anime(2858, 'Ikusa Otome Valkyrie', 8_000),
    { ...anime(11757, 'Sword Art Online', 900_000) },
    anime(30, 'Neon Genesis Evangelion', 700_000),
    anime(2759, 'Evangelion: 1.0 You Are (Not) Alone', 200_000, 'Movie'),
    anime(1, 'Cowboy Bebop', 486_824),
    anime(5, 'Cowboy Bebop: Tengoku no Tobira', 150_000, 'Movie'),
    anime(4037, 'Cowboy Bebop: Yose Atsume Blues', 20_000, 'Special'),
    anime(5680, 'K-On!', 500_000),
    anime(7791, 'K-On!!', 400_000),
    // The main title of a little-known anime against another anime's English title.
    anime(70, 'Blue Spring', 1_000),
    { ...anime(71, 'Aoharu', 90_000), englishNames: ['Blue Spring'] },
  ]);
  const titles = buildTitleIndex(shows);
  const idOf = (query: string) => shows.anime[titles.resolve(query)]!.animeId;
  const firstOf = (query: string) => titles.search(query, 5)[0]!.animeId;

  it('given the initials of a title then the popular anime they abbreviate, before a rarer name that starts so', () => {
    expect([idOf('SAO'), firstOf('sao')]).toEqual([11757, 11757]);
    expect([idOf('aot'), firstOf('AOT')]).toEqual([16498, 16498]);
  });

  it('given a word that ends a popular title then it ranks with the titles it starts, by popularity', () => {
    expect([idOf('evangelion'), firstOf('evangelion')]).toEqual([30, 30]);
  });

  it('given "X the movie" when no title says so then X\'s film', () => {
    expect([idOf('cowboy bebop the movie'), firstOf('Cowboy Bebop movie')]).toEqual([5, 5]);
  });

  it('given one spelling that is closest among names alike then that anime, not a question', () => {
    expect(idOf('k-on')).toBe(5680);
    expect(idOf('k-on!!')).toBe(7791);
  });

  it('given an exact main title then it wins over the same words as another anime\'s English title, in search too', () => {
    expect(idOf('Blue Spring')).toBe(70);
    expect(titles.search('blue spring', 5).map((m) => m.animeId)).toEqual([70, 71]);
  });
});

describe('distinguishingNames', () => {
  it('given anime of one name then type, year and an English title tell them apart, and the id only where nothing else does', () => {
    const lines = distinguishingNames([
      { ...anime(1, 'Hunter x Hunter', 10), aired: '1999-10-16' },
      { ...anime(2, 'Hunter x Hunter', 10), aired: '2011-10-02', englishNames: ['Hunter x Hunter (2011)'] },
      { ...anime(3, 'Twins', 10), aired: '2001-01-01' },
      { ...anime(4, 'Twins', 10), aired: '2001-01-01' },
    ]);
    expect(lines).toEqual(['Hunter x Hunter (TV, 1999)', 'Hunter x Hunter (TV, 2011, Hunter x Hunter (2011))', 'Twins (TV, 2001, MAL 3)', 'Twins (TV, 2001, MAL 4)']);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe('buildTitleIndex.resolve', () => {
  it.each([
    ['an exact name', 'Clannad', 2167],
    ['a name in other case', 'gintama', 918],
    ['a name without its punctuation', 'steins gate', 9253],
    ['a name without accents', 'pokemon', 500],
    ['a name without its final dot', 'kimi no na wa', 32281],
    ['a name without spaces', 'steinsgate', 9253],
    ['a prefix (the more popular match wins)', 'clann', 4181],
    ['word prefixes in another order', 'story clan', 4181],
    ['a substring', 'monogatari', 701],
    ['a typo', 'clanad', 2167],
    ['a typo in a long name', 'cowbey bebop', 1],
    ['an animeId (as Discord autocomplete sends it)', '28977', 28977],
  ])('given %s then it resolves to that anime', (_case, query, animeId) => {
    expect(index.resolve(query)).toBe(ix(animeId));
  });

  it('given a name shared by two anime then AmbiguousTitleError lists both', () => {
    expect(() => index.resolve('twins')).toThrowError(
      expect.objectContaining({
        name: 'AmbiguousTitleError',
        message: '"twins" matches several anime',
        suggestions: ['Twins (TV)', 'Twins (OVA)'],
      }),
    );
  });

  it('given a name nothing matches then UnknownTitleError suggests the closest names', () => {
    expect(() => index.resolve('Clannad Zeta')).toThrowError(
      expect.objectContaining({ name: 'UnknownTitleError', message: 'no anime called "Clannad Zeta"', suggestions: ['Clannad'] }),
    );
    expect(() => index.resolve('zzzzzz')).toThrowError(expect.objectContaining({ name: 'UnknownTitleError', suggestions: [] }));
  });

  it('given an empty query then UnknownTitleError', () => {
    expect(() => index.resolve('  ')).toThrowError(expect.objectContaining({ name: 'UnknownTitleError' }));
  });
});

describe('buildTitleIndex.search', () => {
  it('given a prefix then matches come best first, ties by popularity, with ids and scores', () => {
    expect(index.search('clan')).toEqual([
      { itemIx: ix(4181), animeId: 4181, name: 'Clannad: After Story', matched: 'Clannad: After Story', score: 0.85 },
      { itemIx: ix(2167), animeId: 2167, name: 'Clannad', matched: 'Clannad', score: 0.85 },
    ]);
  });

  it('given a query with an exact match then it comes before prefix matches', () => {
    expect(index.search('Steins;Gate').map((m) => [m.animeId, m.score])).toEqual([
      [9253, 1],
      [11577, 0.85],
    ]);
  });

  it('given a limit then at most that many matches', () => {
    expect(index.search('g', 3)).toHaveLength(3);
    expect(index.search('g')).toHaveLength(4);
  });

  it('given one or two letters then only names with a word starting with them match', () => {
    expect(index.search('go').map((m) => m.animeId)).toEqual([]);
    expect(index.search('se').map((m) => m.animeId)).toEqual([701]);
    expect(index.search('ser').map((m) => m.animeId)).toEqual([701]);
  });

  it('given three letters inside a word then substring matches count', () => {
    expect(index.search('ogat').map((m) => [m.animeId, m.score])).toEqual([
      [700, 0.65],
      [701, 0.65],
    ]);
  });

  it('given an empty query then the most popular anime', () => {
    expect(index.search('', 2).map((m) => m.animeId)).toEqual([9253, 1]);
  });

  it('given a very long name then it is cut to 100 characters ending with …', () => {
    const [match] = index.search('aaaa');
    expect(match!.animeId).toBe(900);
    expect(match!.name).toHaveLength(100);
    expect(match!.name.endsWith('A…')).toBe(true);
  });

  it('given an animeId then that anime comes first', () => {
    expect(index.search('918')[0]).toMatchObject({ animeId: 918, name: 'Gintama', score: 1 });
  });

  it('given nothing close then no matches', () => {
    expect(index.search('qqqqqqqq')).toEqual([]);
  });
});
