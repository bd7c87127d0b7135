/**
 * Season sync of 200 anime (one season, 4 pages of 50) against an AniList stand-in on 127.0.0.1 that answers
 * the documented `Page { pageInfo media(season, seasonYear, type: ANIME) }` shape from bytes rendered before
 * timing (its own cost, measured per request, is a socket write). "Ours" is refreshSeason as the bot calls
 * it: fetch every page through the shared client (pacer, timeouts, byte cap), map, save the overlay, rebuild
 * the served catalogue from the cache (anime.csv + bangumi-data + overlays) and report what changed.
 * Peer, in the same run: a naive sequential fetch + JSON.parse of the same pages, merged into the catalogue's
 * anime by MAL id with one Map and re-indexed (what any sync must spend at least).
 * Our own time = total minus the server's time. Target: under 2 s.
 * Data: the catalogue over ANIREC_BENCH_SEASON_DATA/anime.csv (default ../shared/data/mal-sample) merged with
 * the installed bangumi-data; without it, bangumi-data alone.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServingCatalogue, refreshSeason } from '../src/app/servingCatalogue.js';
import { loadCatalogue, catalogueFromAnime } from '../src/data/catalogue.js';
import { RequestPacer } from '../src/data/http/pacer.js';
import type { Anime } from '../src/data/types.js';

const say = (line: string) => process.stdout.write(line + '\n');
say(`uptime: ${execSync('uptime').toString().trim()}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_SEASON_DATA ?? '../shared/data/mal-sample');
const RUNS = 10;
const PER_PAGE = 50;
const ANIME = 200;

const base: Anime[] = existsSync(join(dataDir, 'anime.csv')) ? (await loadCatalogue(join(dataDir, 'anime.csv'))).anime : [];
const work = mkdtempSync(join(tmpdir(), 'anirec-bench-season-'));
const cacheDir = join(work, 'cache');
const t0 = performance.now();
const served = (await buildServingCatalogue(base, cacheDir)).catalogue;
say(`catalogue: ${served.anime.length} anime (${base.length} from ${base.length > 0 ? dataDir : 'no anime.csv'}), built in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

// The season: 50 anime the catalogue already has (the newest), 150 it does not; AniList's full media shape.
const known = served.anime.slice(-50).map((a) => a.animeId);
const media = Array.from({ length: ANIME }, (_, i) => {
  const idMal = i < 50 ? known[i]! : 9_000_000 + i;
  return {
    id: 200_000 + i,
    idMal,
    title: { romaji: `Kisetsu no Anime ${i}`, english: i % 2 === 0 ? `Season Anime ${i}` : null, native: `季節のアニメ${i}` },
    synonyms: [`SA${i}`, `Kisetsu ${i}`],
    genres: ['Action', 'Comedy', 'Fantasy'].slice(0, 1 + (i % 3)),
    format: i % 10 === 0 ? 'MOVIE' : 'TV',
    episodes: i % 4 === 0 ? null : 12,
    startDate: { year: 2026, month: 10, day: 1 + (i % 28) },
    coverImage: { large: `https://s4.anilist.co/file/anilistcdn/media/anime/cover/large/bx${200_000 + i}.jpg` },
    nextAiringEpisode: { airingAt: Math.floor(Date.now() / 1000) + 86_400 + i * 600, episode: 1 + (i % 12) },
  };
});
const pages = Array.from({ length: ANIME / PER_PAGE }, (_, p) =>
  Buffer.from(JSON.stringify({ data: { Page: { pageInfo: { hasNextPage: (p + 1) * PER_PAGE < ANIME, currentPage: p + 1 }, media: media.slice(p * PER_PAGE, (p + 1) * PER_PAGE) } } })),
);

let serverMs = 0;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const started = performance.now();
    const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { page: number } };
    const body = pages[variables.page - 1] ?? Buffer.from('{"data":{"Page":{"pageInfo":{"hasNextPage":false},"media":[]}}}');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length), 'x-ratelimit-limit': '90' });
    res.end(body);
    serverMs += performance.now() - started;
  });
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const FORMATS: Record<string, string> = { TV: 'TV', MOVIE: 'Movie' };
/** The peer: fetch each page in turn, parse, merge by MAL id into a copy of the anime, re-index. */
async function naiveSync(anime: readonly Anime[]): Promise<number> {
  const fetched: Anime[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'Page', variables: { page, perPage: PER_PAGE } }) });
    const body = (await response.json()) as { data: { Page: { pageInfo: { hasNextPage: boolean }; media: typeof media } } };
    for (const m of body.data.Page.media) {
      if (m.idMal === null) continue;
      fetched.push({ animeId: m.idMal, name: m.title.romaji, genres: m.genres, type: FORMATS[m.format] ?? null, episodes: m.episodes, malScore: null, members: 0, synonyms: m.synonyms });
    }
    if (!body.data.Page.pageInfo.hasNextPage) break;
  }
  const byId = new Map(fetched.map((a) => [a.animeId, a]));
  const out = anime.map((a) => {
    const f = byId.get(a.animeId);
    return f ? { ...a, synonyms: f.synonyms ?? [] } : a;
  });
  const have = new Set(anime.map((a) => a.animeId));
  for (const f of fetched) if (!have.has(f.animeId)) out.push(f);
  return catalogueFromAnime(out).anime.length;
}

const ours: number[] = [];
const peer: number[] = [];
let last = served;
let firstReport = '';
for (let run = 0; run < RUNS; run++) {
  serverMs = 0;
  let start = performance.now();
  const { catalogue, report } = await refreshSeason({ base, current: last, config: { cacheDir, anilistUrl: url }, seasons: [{ season: 'FALL', year: 2026 }], pacer: new RequestPacer(90, 60_000) });
  ours.push(performance.now() - start - serverMs);
  if (run === 0) firstReport = `first sync: ${report.fetched} fetched in ${report.pages} pages, ${report.added.length} added, ${report.updated.length} updated; ${catalogue.anime.length} anime after`;
  last = catalogue;
  serverMs = 0;
  start = performance.now();
  await naiveSync(served.anime);
  peer.push(performance.now() - start - serverMs);
}
server.close();
rmSync(work, { recursive: true, force: true });

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => `${x.toFixed(0)} ms`;
const load = loadavg()[0]!;
say(firstReport);
say('');
say('| measure | ours | peer in the same run | target |');
say('|---|---|---|---|');
say(`| season sync of ${ANIME} anime (${ANIME / PER_PAGE} pages of ${PER_PAGE}), own time, median of ${RUNS} / first (cold) / max | ${fmt(median(ours))} / ${fmt(ours[0]!)} / ${fmt(Math.max(...ours))} | naive fetch + merge: ${fmt(median(peer))} / ${fmt(peer[0]!)} / ${fmt(Math.max(...peer))} | < 2 s |`);
say('');
say(`1-minute load average at the end ${load.toFixed(2)} on ${cpus().length} cores${load > 1.5 ? ' (above 1.5: provisional)' : ''}.`);
