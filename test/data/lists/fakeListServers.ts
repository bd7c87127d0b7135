/**
 * AniList and MyAnimeList as HTTP servers on 127.0.0.1 (node:http), speaking each API's documented
 * request and response shapes (FINDINGS.md): AniList's GraphQL POST answering `MediaListCollection` in
 * chunks with 404 `{errors:[{message, status}]}` for unknown and private users; MyAnimeList's
 * `GET /users/{name}/animelist?fields=list_status&limit=1000` with `X-MAL-CLIENT-ID`, paged by
 * `paging.next`, errors as 4xx `{"error": ...}`. A request that does not look like the real API's gets a
 * 400, so a client sending the wrong thing fails its test.
 *
 * Users named after a failure behave that way on both: ghost (no such user), hidden (private list),
 * sleepy (answers after 2 s), busy (one 429 with Retry-After: 1, then the list), swamped (429 with
 * Retry-After: 120), garbled (not JSON), odd (JSON of another shape), down (503), elsewhere (MyAnimeList:
 * paging.next on another host). Any other user has the
 * list `lists.set(name, ...)` gave it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AnilistStatus = 'CURRENT' | 'PLANNING' | 'COMPLETED' | 'DROPPED' | 'PAUSED' | 'REPEATING';
export type ScoreFormat = 'POINT_100' | 'POINT_10_DECIMAL' | 'POINT_10' | 'POINT_5' | 'POINT_3';
export type MalStatus = 'watching' | 'completed' | 'on_hold' | 'dropped' | 'plan_to_watch';

/** One entry as the fake lists hold it; each server renders it in its own API's shape. */
export interface FakeEntry {
  /** MyAnimeList id; null: an AniList entry without one. */
  idMal: number | null;
  title: string;
  /** AniList: in the user's score format; MyAnimeList: 0-10. */
  score: number;
  anilistStatus?: AnilistStatus;
  malStatus?: MalStatus;
}

export interface FakeList {
  format?: ScoreFormat;
  entries: FakeEntry[];
}

export const CLIENT_ID = 'test-client-id-0123456789abcdef';

export interface FakeListServers {
  anilistUrl: string;
  malApiUrl: string;
  lists: Map<string, FakeList>;
  /** Requests each server received, in order (path and query, or the GraphQL variables). */
  anilistRequests: { userName: string; chunk: number; perChunk: number }[];
  malRequests: { path: string; clientId: string | undefined }[];
  close(): Promise<void>;
}

const FAILURES = new Set(['ghost', 'hidden', 'sleepy', 'busy', 'swamped', 'garbled', 'odd', 'down', 'elsewhere']);

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

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startFakeListServers(): Promise<FakeListServers> {
  const lists = new Map<string, FakeList>();
  const anilistRequests: FakeListServers['anilistRequests'] = [];
  const malRequests: FakeListServers['malRequests'] = [];
  const busyCount = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  /** The failure users, alike on both servers; true when it answered. */
  const fail = (name: string, res: ServerResponse, kind: 'anilist' | 'mal'): boolean => {
    const lower = name.toLowerCase();
    if (!FAILURES.has(lower)) return false;
    if (lower === 'busy') {
      const n = (busyCount.get(kind) ?? 0) + 1;
      busyCount.set(kind, n);
      if (n % 2 === 0) return false; // the retry gets the list
      json(res, 429, kind === 'anilist' ? { errors: [{ message: 'Too Many Requests.', status: 429 }] } : { error: 'too_many_requests' }, { 'retry-after': '1' });
      return true;
    }
    switch (lower) {
      case 'ghost':
        json(res, 404, kind === 'anilist' ? { data: { MediaListCollection: null }, errors: [{ message: 'User not found', status: 404 }] } : { error: 'not_found' });
        return true;
      case 'hidden':
        json(res, kind === 'anilist' ? 404 : 403, kind === 'anilist' ? { data: { MediaListCollection: null }, errors: [{ message: 'Private User', status: 404 }] } : { error: 'forbidden' });
        return true;
      case 'sleepy': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.writableEnded && !res.destroyed) json(res, 200, { data: {} });
        }, 2000);
        timers.add(timer);
        return true;
      }
      case 'swamped':
        json(res, 429, kind === 'anilist' ? { errors: [{ message: 'Too Many Requests.', status: 429 }] } : { error: 'too_many_requests' }, { 'retry-after': '120' });
        return true;
      case 'garbled':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": {"MediaListCollection": {"lists": [');
        return true;
      case 'elsewhere': // MyAnimeList only: a next page on another host (where the client id must not go)
        json(res, 200, { data: [], paging: { next: 'http://203.0.113.9/v2/users/elsewhere/animelist?offset=1000' } });
        return true;
      case 'odd':
        json(res, 200, kind === 'anilist' ? { data: { Page: { media: [] } } } : { items: [] });
        return true;
      default: // down
        json(res, 503, { error: 'service unavailable' });
        return true;
    }
  };

  const anilist = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) return json(res, 400, { errors: [{ message: 'POST JSON' }] });
      let body: { query?: unknown; variables?: { userName?: unknown; chunk?: unknown; perChunk?: unknown } };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        return json(res, 400, { errors: [{ message: 'Invalid JSON' }] });
      }
      const { query, variables } = body;
      const userName = variables?.userName;
      const chunk = Number(variables?.chunk ?? 1);
      const perChunk = Number(variables?.perChunk ?? 500);
      if (typeof query !== 'string' || !/MediaListCollection\s*\(\s*userName:\s*\$userName,\s*type:\s*ANIME/.test(query) || !/idMal/.test(query) || typeof userName !== 'string') {
        return json(res, 400, { errors: [{ message: 'Validation error: not the MediaListCollection query', status: 400 }] });
      }
      if (!(chunk >= 1) || !(perChunk >= 1 && perChunk <= 500)) return json(res, 400, { errors: [{ message: 'perChunk must be 1-500', status: 400 }] });
      anilistRequests.push({ userName, chunk, perChunk });
      if (fail(userName, res, 'anilist')) return;
      const list = lists.get(userName.toLowerCase());
      if (list === undefined) return json(res, 404, { data: { MediaListCollection: null }, errors: [{ message: 'User not found', status: 404 }] });
      const page = list.entries.slice((chunk - 1) * perChunk, chunk * perChunk);
      // AniList groups entries by status list; the fake splits the chunk into two lists to prove both are read.
      const half = Math.ceil(page.length / 2);
      const entry = (e: FakeEntry, i: number) => ({
        status: e.anilistStatus ?? 'COMPLETED',
        score: e.score,
        media: { id: 100_000 + i, idMal: e.idMal, title: { romaji: `${e.title} (romaji)`, english: e.title } },
      });
      json(res, 200, {
        data: {
          MediaListCollection: {
            hasNextChunk: chunk * perChunk < list.entries.length,
            user: { name: userName, mediaListOptions: { scoreFormat: list.format ?? 'POINT_10' } },
            lists: [{ entries: page.slice(0, half).map(entry) }, { entries: page.slice(half).map(entry) }],
          },
        },
      }, { 'x-ratelimit-limit': '90', 'x-ratelimit-remaining': '89' });
    })();
  });

  const mal = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const clientId = req.headers['x-mal-client-id'] as string | undefined;
    malRequests.push({ path: `${url.pathname}${url.search}`, clientId });
    const match = /^\/v2\/users\/([^/]+)\/animelist$/.exec(url.pathname);
    if (req.method !== 'GET' || match === null) return json(res, 404, { error: 'not_found' });
    if (clientId !== CLIENT_ID) return json(res, 401, { error: 'invalid_client', message: 'invalid or missing client id' });
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (url.searchParams.get('fields') !== 'list_status' || !(limit >= 1 && limit <= 1000)) return json(res, 400, { error: 'invalid_parameters' });
    const name = decodeURIComponent(match[1]!);
    if (fail(name, res, 'mal')) return;
    const list = lists.get(name.toLowerCase());
    if (list === undefined) return json(res, 404, { error: 'not_found' });
    const page = list.entries.slice(offset, offset + limit);
    const more = offset + limit < list.entries.length;
    const base = `http://${req.headers.host}/v2/users/${encodeURIComponent(name)}/animelist`;
    json(res, 200, {
      data: page.map((e) => ({
        node: { id: e.idMal, title: e.title, main_picture: { medium: 'https://cdn.myanimelist.net/x.jpg', large: 'https://cdn.myanimelist.net/xl.jpg' } },
        list_status: { status: e.malStatus ?? 'completed', score: e.score, num_episodes_watched: 12, is_rewatching: false, updated_at: '2026-01-01T00:00:00+00:00' },
      })),
      paging: more ? { next: `${base}?offset=${offset + limit}&fields=list_status&limit=${limit}` } : {},
    });
  });

  const anilistUrl = await listen(anilist);
  const malBase = await listen(mal);
  return {
    anilistUrl,
    malApiUrl: `${malBase}/v2`,
    lists,
    anilistRequests,
    malRequests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const server of [anilist, mal]) {
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      }
    },
  };
}

/** `n` entries with MyAnimeList ids from `firstId`, scores cycling 1..10 (in POINT_10), all completed. */
export function manyEntries(n: number, firstId: number): FakeEntry[] {
  return Array.from({ length: n }, (_, i) => ({ idMal: firstId + i, title: `Anime ${firstId + i}`, score: 1 + (i % 10) }));
}
