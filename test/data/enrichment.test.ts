import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnrichment, parseJikanAnime, readEnrichment, updateEnrichment } from '../../src/data/enrichment.js';
import type { Anime } from '../../src/data/types.js';
import { serveOnLoopback } from './loopbackServer.js';

/** A Jikan v4 GET /anime/{id} answer, in the API's recorded format (fields trimmed to a representative set). */
function jikanAnime(malId: number, title: string, english: string | null, extra: Record<string, unknown> = {}) {
  const genre = (id: number, name: string) => ({ mal_id: id, type: 'anime', name, url: `https://myanimelist.net/anime/genre/${id}/${name}` });
  return {
    data: {
      mal_id: malId,
      url: `https://myanimelist.net/anime/${malId}/x`,
      images: {
        jpg: { image_url: `https://cdn.myanimelist.net/images/anime/${malId}.jpg`, small_image_url: null, large_image_url: null },
        webp: { image_url: `https://cdn.myanimelist.net/images/anime/${malId}.webp` },
      },
      trailer: { youtube_id: null, url: null, embed_url: null },
      approved: true,
      titles: [{ type: 'Default', title }, ...(english ? [{ type: 'English', title: english }] : [])],
      title,
      title_english: english,
      title_japanese: '鬼滅の刃',
      title_synonyms: ['KnY'],
      type: 'TV',
      source: 'Manga',
      episodes: 26,
      status: 'Finished Airing',
      airing: false,
      aired: { from: '2019-04-06T00:00:00+00:00', to: '2019-09-28T00:00:00+00:00', prop: {}, string: 'Apr 6, 2019 to Sep 28, 2019' },
      duration: '23 min per ep',
      rating: 'R - 17+ (violence & profanity)',
      score: 8.44,
      scored_by: 2000000,
      rank: 150,
      popularity: 10,
      members: 3000000,
      favorites: 100000,
      synopsis: '...',
      season: 'spring',
      year: 2019,
      genres: [genre(1, 'Action'), genre(10, 'Fantasy')],
      explicit_genres: [],
      themes: [genre(13, 'Historical')],
      demographics: [genre(27, 'Shounen')],
      ...extra,
    },
  };
}

const requests: string[] = [];
let tooMany = 0;
const server = serveOnLoopback(() => {
  const route = (path: string, answer: (res: import('node:http').ServerResponse) => void) => ({
    [path]: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      requests.push(req.url ?? '');
      answer(res);
    },
  });
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  return {
    ...route('/v4/anime/38000', (res) => json(res, 200, jikanAnime(38000, 'Kimetsu no Yaiba', 'Demon Slayer: Kimetsu no Yaiba'))),
    // The first asks are refused with 429 and Retry-After, as Jikan does past its limit.
    ...route('/v4/anime/52991', (res) =>
      tooMany++ < 1
        ? json(res, 429, { status: 429, type: 'RateLimitException', message: 'You are being rate limited.', error: null }, { 'retry-after': '1' })
        : json(res, 200, jikanAnime(52991, 'Sousou no Frieren', "Frieren: Beyond Journey's End", { episodes: 28, score: 9.3 })),
    ),
    ...route('/v4/anime/40748', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": {"mal_id": 40748, "title": "Jujutsu');
    }),
    ...route('/v4/anime/40749', (res) => json(res, 200, { data: null })),
    ...route('/v4/anime/99999', (res) => json(res, 404, { status: 404, type: 'BadResponseException', message: 'Resource does not exist', error: '404 on ...' })),
    ...route('/v4/anime/55555', (res) => setTimeout(() => json(res, 200, jikanAnime(55555, 'Late', null)), 400)),
    ...route('/v4/anime/77777', (res) => json(res, 429, { status: 429, message: 'You are being rate limited.' })),
  };
});

const added = (animeId: number, name: string): Anime => ({ animeId, name, genres: [], type: 'TV', episodes: null, malScore: null, members: 0, japaneseName: 'x' });
const BASE_ANIME: Anime = { animeId: 1, name: 'Cowboy Bebop', genres: ['Action'], type: 'TV', episodes: 26, malScore: 8.82, members: 486824 };

describe('updateEnrichment against a loopback Jikan', () => {
  it('given good, rate-limited, malformed and missing answers then the good ones are cached, the bad ones change nothing and are reported', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-enrich-'));
    const anime = [BASE_ANIME, added(38000, 'Demon Slayer: Kimetsu no Yaiba'), added(52991, "Frieren: Beyond Journey's End"), added(40748, 'Jujutsu Kaisen'), added(40749, 'Other'), added(99999, 'Gone')];
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    requests.length = 0;
    const report = await updateEnrichment(anime, { cacheDir, baseUrl: `${server.base}/v4`, intervalMs: 5, sleep });
    expect(report).toMatchObject({ wanted: 5, enriched: 2, notFound: 1 });
    expect(report.failed).toEqual(['40748: the answer is not JSON', '40749: the answer has no data.mal_id']);
    // Bebop has everything already: never asked. Frieren asked twice (429, then the answer), after Retry-After.
    expect(requests).toEqual(['/v4/anime/38000', '/v4/anime/52991', '/v4/anime/52991', '/v4/anime/40748', '/v4/anime/40749', '/v4/anime/99999']);
    expect(waits).toContain(1000);

    const cached = await readEnrichment(cacheDir);
    expect(cached.get(99999)).toBeNull();
    expect(cached.has(40748)).toBe(false);
    const enriched = applyEnrichment(anime, 1, cached);
    expect(enriched[0]).toEqual(BASE_ANIME);
    expect(enriched[1]).toMatchObject({
      name: 'Kimetsu no Yaiba',
      englishNames: ['Demon Slayer: Kimetsu no Yaiba'],
      synonyms: ['KnY'],
      genres: ['Action', 'Fantasy', 'Historical', 'Shounen'],
      episodes: 26,
      malScore: 8.44,
      picture: 'https://cdn.myanimelist.net/images/anime/38000.jpg',
    });
    expect(enriched[2]).toMatchObject({ name: 'Sousou no Frieren', episodes: 28, malScore: 9.3 });
    expect(enriched[3]).toEqual(anime[3]);

    // Resumed: only the ones that failed are asked again.
    requests.length = 0;
    await updateEnrichment(anime, { cacheDir, baseUrl: `${server.base}/v4`, intervalMs: 0, sleep });
    expect(requests).toEqual(['/v4/anime/40748', '/v4/anime/40749']);
  });

  it('given an API that keeps answering 429 then the run stops, saying so, and keeps what it had', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-enrich-'));
    const report = await updateEnrichment([added(38000, 'a'), added(77777, 'b'), added(52991, 'c')], {
      cacheDir, baseUrl: `${server.base}/v4`, intervalMs: 0, maxRetries: 2, sleep: () => Promise.resolve(),
    });
    expect(report.stopped).toMatch(/429/);
    expect(report.enriched).toBe(1);
    expect((await readEnrichment(cacheDir)).has(38000)).toBe(true);
  });

  it('given a server that does not answer then the anime is reported and left as it was', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-enrich-'));
    const report = await updateEnrichment([added(38000, 'a')], { cacheDir, baseUrl: 'http://127.0.0.1:9/v4', intervalMs: 0 });
    expect(report.failed[0]).toMatch(/^38000: request failed/);
    expect((await readEnrichment(cacheDir)).size).toBe(0);
  });

  it('given a slow answer then it times out, is reported, and the cache is unchanged', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-enrich-'));
    const report = await updateEnrichment([added(55555, 'a')], { cacheDir, baseUrl: `${server.base}/v4`, intervalMs: 0, timeoutMs: 50 });
    expect(report.failed).toEqual(['55555: no answer in 50 ms']);
    expect((await readEnrichment(cacheDir)).size).toBe(0);
  });
});

describe('parseJikanAnime', () => {
  it('given the base catalogue row then only gaps are filled and the romaji title becomes a synonym', () => {
    const row: Anime = { animeId: 5, name: 'Some Name', genres: [], type: null, episodes: null, malScore: 7, members: 10 };
    const [out] = applyEnrichment([row], 1, new Map([[5, parseJikanAnime(jikanAnime(5, 'Other Romaji', null))]]));
    expect(out).toMatchObject({ name: 'Some Name', genres: ['Action', 'Fantasy', 'Historical', 'Shounen'], type: 'TV', episodes: 26, malScore: 7, synonyms: ['KnY', 'Other Romaji'] });
  });
});
