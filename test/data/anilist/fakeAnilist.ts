/**
 * AniList's GraphQL endpoint on 127.0.0.1 for the season sync, speaking its request and response shapes:
 * POST JSON `{query, variables}` with `Page(page, perPage) { pageInfo { hasNextPage currentPage } media(season,
 * seasonYear, type: ANIME) {...} }`, perPage at most 50, answers `{data: {Page: {...}}}` with the rate-limit
 * headers. A request that does not look like the real one gets a 400 with `errors[]`, so a client sending the
 * wrong thing fails its test. `behave` makes the next requests fail the ways AniList can: 429 with
 * Retry-After, 5xx, slow, never answering, not JSON, another shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMedia {
  id: number;
  idMal: number | null;
  title: { romaji: string | null; english: string | null; native: string | null };
  synonyms: string[];
  genres: string[];
  format: string | null;
  episodes: number | null;
  startDate: { year: number | null; month: number | null; day: number | null };
  coverImage: { large: string | null };
  nextAiringEpisode: { airingAt: number; episode: number } | null;
}

export type Behaviour = 'ok' | 'busy' | 'down' | 'slow' | 'hang' | 'garbled' | 'odd';

export interface FakeAnilist {
  url: string;
  /** "FALL 2026" -> the season's media, in AniList's order. */
  seasons: Map<string, FakeMedia[]>;
  requests: { season: string; seasonYear: number; page: number; perPage: number }[];
  /** The next `times` requests behave so (then back to ok). */
  behave(behaviour: Behaviour, times?: number): void;
  /** Milliseconds the server spent rendering answers (the bench subtracts it). */
  serverMs: number;
  close(): Promise<void>;
}

/** One media item as AniList returns it. */
export function media(idMal: number | null, romaji: string, extra: Partial<FakeMedia> = {}): FakeMedia {
  return {
    id: 100_000 + (idMal ?? 0),
    idMal,
    title: { romaji, english: null, native: null },
    synonyms: [],
    genres: ['Action'],
    format: 'TV',
    episodes: 12,
    startDate: { year: 2026, month: 10, day: 4 },
    coverImage: { large: `https://s4.anilist.co/file/anilistcdn/media/anime/cover/large/bx${100_000 + (idMal ?? 0)}.jpg` },
    nextAiringEpisode: { airingAt: 1_765_000_000, episode: 10 },
    ...extra,
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const QUERY_SHAPE = /Page\s*\(\s*page:\s*\$page,\s*perPage:\s*\$perPage\s*\)[\s\S]*pageInfo\s*\{[^}]*hasNextPage[\s\S]*media\s*\(\s*season:\s*\$season,\s*seasonYear:\s*\$seasonYear,\s*type:\s*ANIME\s*\)/;
const SEASONS = new Set(['WINTER', 'SPRING', 'SUMMER', 'FALL']);

export async function startFakeAnilist(): Promise<FakeAnilist> {
  const seasons = new Map<string, FakeMedia[]>();
  const requests: FakeAnilist['requests'] = [];
  const queue: Behaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state = { serverMs: 0 };
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) return json(res, 400, { errors: [{ message: 'POST JSON' }] });
      let body: { query?: unknown; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        return json(res, 400, { errors: [{ message: 'Invalid JSON', status: 400 }] });
      }
      const started = performance.now();
      const { query, variables = {} } = body;
      const { season, seasonYear, page, perPage } = variables as { season?: unknown; seasonYear?: unknown; page?: unknown; perPage?: unknown };
      if (typeof query !== 'string' || !QUERY_SHAPE.test(query) || !/idMal/.test(query) || !/nextAiringEpisode\s*\{\s*airingAt\s+episode\s*\}/.test(query)) {
        return json(res, 400, { errors: [{ message: 'Validation error: not the season Page query', status: 400 }] });
      }
      if (typeof season !== 'string' || !SEASONS.has(season) || typeof seasonYear !== 'number' || typeof page !== 'number' || page < 1 || typeof perPage !== 'number' || perPage < 1 || perPage > 50) {
        return json(res, 400, { errors: [{ message: 'Validation error: season, seasonYear, page 1+ and perPage 1-50', status: 400 }] });
      }
      requests.push({ season, seasonYear, page, perPage });
      const behaviour = queue.shift() ?? 'ok';
      switch (behaviour) {
        case 'busy':
          return json(res, 429, { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] }, { 'retry-after': '2', 'x-ratelimit-limit': '90', 'x-ratelimit-remaining': '0' });
        case 'down':
          return json(res, 500, { data: null, errors: [{ message: 'Internal Server Error', status: 500 }] });
        case 'hang':
          return; // accepts, never answers
        case 'slow': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) json(res, 200, { data: { Page: { pageInfo: { hasNextPage: false, currentPage: page }, media: [] } } });
          }, 2000);
          timers.add(timer);
          return;
        }
        case 'garbled':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"data": {"Page": {"media": [');
        case 'odd':
          return json(res, 200, { data: { MediaListCollection: null } });
        default:
          break;
      }
      const all = seasons.get(`${season} ${seasonYear}`) ?? [];
      const items = all.slice((page - 1) * perPage, page * perPage);
      const text = JSON.stringify({ data: { Page: { pageInfo: { hasNextPage: page * perPage < all.length, currentPage: page }, media: items } } });
      state.serverMs += performance.now() - started;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-ratelimit-limit': '90', 'x-ratelimit-remaining': '89' });
      res.end(text);
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seasons,
    requests,
    behave(behaviour, times = 1) {
      for (let i = 0; i < times; i++) queue.push(behaviour);
    },
    get serverMs() {
      return state.serverMs;
    },
    set serverMs(value: number) {
      state.serverMs = value;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed): connections are refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
