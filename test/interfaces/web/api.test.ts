import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWebServer } from '../../../src/interfaces/web/server.js';
import { prepareWebFixture, serve, type WebFixture } from './webFixture.js';

let fixture: WebFixture;
let web: RunningWebServer;

beforeAll(async () => {
  fixture = await prepareWebFixture();
  web = await serve(fixture);
});
afterAll(async () => {
  await web?.close();
  await fixture?.close();
});

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(web.url + path, init);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: response.headers };
}
const post = (body: unknown) =>
  call('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Planted anime ids are 1000 + itemIx; group g holds itemIx = g, g + 4, g + 8... */
// Loves group 0 (Action), dislikes group 1 (Comedy), as the service's own tests rate.
const LOVES_ACTION = [
  ...[1000, 1004, 1008, 1012].map((animeId) => ({ animeId, score: 10 })),
  ...[1001, 1005].map((animeId) => ({ animeId, score: 2 })),
];
const groupZero = (n: number) => Array.from({ length: n }, (_, j) => 1000 + 4 * j);

describe('GET /api/search', () => {
  it('given part of a title then it answers the matches with id, name, type, genres and year, at most 25', async () => {
    const { status, body } = await call('/api/search?q=story');
    expect(status).toBe(200);
    expect(body.results.length).toBe(25);
    const { status: s2, body: b2 } = await call('/api/search?q=Comedy%20Story%203');
    expect(s2).toBe(200);
    expect(b2.results[0]).toEqual({ animeId: 1009, name: 'Comedy Story 3', type: 'TV', genres: ['Comedy'], year: null, url: 'https://myanimelist.net/anime/1009' });
  });

  it('given no q, or a q over 200 characters, then it answers 400 in plain words', async () => {
    expect(await call('/api/search')).toMatchObject({ status: 400, body: { error: 'Add the text to look up: /api/search?q=TEXT.' } });
    expect(await call(`/api/search?q=${'a'.repeat(201)}`)).toMatchObject({ status: 400, body: { error: 'The search text is longer than 200 characters.' } });
  });
});

describe('GET /api/similar/ID', () => {
  it('given a known id then it answers the anime and its neighbours, the anime itself excluded', async () => {
    const { status, body } = await call('/api/similar/1000?count=5');
    expect(status).toBe(200);
    expect(body.anime).toMatchObject({ animeId: 1000, name: 'Action Story 1' });
    expect(body.similar).toHaveLength(5);
    expect(body.similar.map((s: { animeId: number }) => s.animeId)).not.toContain(1000);
    for (const s of body.similar) expect(typeof s.similarity).toBe('number');
    // The planted groups: the nearest anime of an Action anime are Action anime.
    expect(body.similar.filter((s: { genres: string[] }) => s.genres.includes('Action')).length).toBeGreaterThanOrEqual(4);
  });

  it('given an unknown id, a non-number id or a bad count then it answers 400 in plain words', async () => {
    expect(await call('/api/similar/999999')).toMatchObject({ status: 400, body: { error: 'anime id: no anime has the id 999999.' } });
    expect(await call('/api/similar/abc')).toMatchObject({ status: 400, body: { error: 'anime id: "abc" is not an anime id (a whole number such as 9253).' } });
    expect(await call('/api/similar/1000?count=0')).toMatchObject({ status: 400, body: { error: 'count: 0 is not a whole number from 1 to 25' } });
    expect(await call('/api/similar/1000?count=many')).toMatchObject({ status: 400, body: { error: 'count: "many" is not a whole number from 1 to 25' } });
  });
});

describe('POST /api/recommend', () => {
  it('given ratings then it answers picks with reasons that never include a rated anime, and stores nothing', async () => {
    const { status, body } = await post({ ratings: LOVES_ACTION, count: 10 });
    expect(status).toBe(200);
    expect(body.personalised).toBe(true);
    expect(body.picks).toHaveLength(10);
    const rated = LOVES_ACTION.map((r) => r.animeId);
    for (const pick of body.picks) {
      expect(rated).not.toContain(pick.animeId);
      expect(pick).toMatchObject({ animeId: expect.any(Number), name: expect.any(String), score: expect.any(Number), url: expect.stringContaining('myanimelist.net/anime/') });
      for (const b of pick.because) expect([1000, 1004, 1008, 1012]).toContain(b.animeId);
    }
    // Loving group 0 (Action) puts Action anime on top, each with a reason.
    const top = body.picks.slice(0, 5);
    expect(top.filter((p: { genres: string[] }) => p.genres.includes('Action')).length).toBeGreaterThanOrEqual(4);
    for (const pick of top) expect(pick.because).toHaveLength(1);
    expect(readFileSync(fixture.storeFile).includes(Buffer.from('web:'))).toBe(false);
    expect(await fixture.store.get('web:127.0.0.1')).toBeUndefined();
  });

  it('given the same ratings as a bot member then it answers the same picks as /recommend on Discord', async () => {
    for (const { animeId, score } of LOVES_ACTION) await fixture.service.rate('member-1', String(animeId), score);
    const bot = await fixture.service.recommend('member-1', { count: 10 });
    const { body } = await post({ ratings: LOVES_ACTION, count: 10 });
    expect(body.picks.map((p: { animeId: number }) => p.animeId)).toEqual(bot.picks.map((p) => p.anime.animeId));
    expect(body.picks.map((p: { because: { animeId: number }[] }) => p.because.map((b) => b.animeId))).toEqual(bot.picks.map((p) => p.because.map((b) => b.animeId)));
  });

  it('given genre and type filters then every pick has them', async () => {
    const { status, body } = await post({ ratings: groupZero(3).map((animeId) => ({ animeId, score: 9 })), genre: 'comedy', type: 'Movie', count: 5 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ genre: 'Comedy', type: 'Movie' });
    expect(body.picks.length).toBeGreaterThan(0);
    for (const pick of body.picks) expect(pick).toMatchObject({ type: 'Movie', genres: expect.arrayContaining(['Comedy']) });
  });

  it('given no ratings then it answers the most popular anime, unpersonalised', async () => {
    const { status, body } = await post({ ratings: [] });
    expect(status).toBe(200);
    expect(body.personalised).toBe(false);
    expect(body.picks).toHaveLength(10);
  });

  it.each([
    ['an unknown anime id', { ratings: [{ animeId: 1000, score: 8 }, { animeId: 424242, score: 8 }] }, 'ratings[1].animeId: no anime has the id 424242.'],
    ['an anime id that is not a number', { ratings: [{ animeId: 'Naruto', score: 8 }] }, 'ratings[0].animeId: "Naruto" is not an anime id (a whole number such as 9253).'],
    ['a score of 11', { ratings: [{ animeId: 1000, score: 11 }] }, 'ratings[0].score: 11 is not a whole number from 1 to 10.'],
    ['a score of 0', { ratings: [{ animeId: 1000, score: 0 }] }, 'ratings[0].score: 0 is not a whole number from 1 to 10.'],
    ['a score of 7.5', { ratings: [{ animeId: 1000, score: 7.5 }] }, 'ratings[0].score: 7.5 is not a whole number from 1 to 10.'],
    ['a missing score', { ratings: [{ animeId: 1000 }] }, 'ratings[0].score: nothing is not a whole number from 1 to 10.'],
    ['a rating that is not an object', { ratings: [9253] }, 'ratings[0] must be an object such as {"animeId": 9253, "score": 9}.'],
    ['ratings that are not a list', { ratings: { 1000: 9 } }, '"ratings" must be a list such as [{"animeId": 9253, "score": 9}].'],
    ['a body that is a list', [{ animeId: 1000, score: 9 }], 'The request body must be a JSON object such as {"ratings": [{"animeId": 9253, "score": 9}]}.'],
    ['a count of 26', { ratings: [], count: 26 }, 'count: 26 is not a whole number from 1 to 25'],
    ['an unknown genre', { ratings: [], genre: 'Cooking' }, 'genre: there is no genre "Cooking"'],
    ['a type that is not text', { ratings: [], type: 3 }, '"type" must be a type name such as "TV".'],
  ])('given %s then it answers 400 in plain words', async (_what, body, error) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(error);
  });

  it('given more than 5,000 ratings then it answers 400 naming the limit', async () => {
    const ratings = Array.from({ length: 5001 }, (_, j) => ({ animeId: 1000 + (j % 80), score: 1 + (j % 10) }));
    expect(await post({ ratings })).toMatchObject({ status: 400, body: { error: 'At most 5,000 ratings per request; this one has 5,001.' } });
    // 5,000 exactly (repeats: the last score of an anime counts) is accepted.
    expect((await post({ ratings: ratings.slice(0, 5000) })).status).toBe(200);
  });

  it('given malformed JSON or an empty body then it answers 400 in plain words', async () => {
    expect(await post('{"ratings": [')).toMatchObject({ status: 400, body: { error: 'The request body is not valid JSON.' } });
    expect(await post('')).toMatchObject({ status: 400, body: { error: 'The request body is not valid JSON.' } });
  });

  it('given a body that is not JSON then it answers 400 in plain words', async () => {
    const answer = await call('/api/recommend', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ratings=1' });
    expect(answer).toMatchObject({ status: 400, body: { error: 'Send the request body as JSON (Content-Type: application/json).' } });
  });

  it('given a body over 1 MB then it answers 400 in plain words (with or without a length header)', async () => {
    const big = JSON.stringify({ ratings: [], padding: 'x'.repeat(1024 * 1024) });
    expect(await post(big)).toMatchObject({ status: 400, body: { error: 'The request body is larger than 1 MB.' } });
    // Chunked, so the server only finds out while reading.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(web.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/api/recommend', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 17; i++) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(400);
    expect(JSON.parse(chunked.body)).toEqual({ error: 'The request body is larger than 1 MB.' });
  });
});

describe('rate limits', () => {
  it('given more requests from one client than the web limit allows then it answers 429 with Retry-After', async () => {
    let now = 1_000_000;
    const limited = await serve(fixture, { rateLimitPerMinute: 3, now: () => now });
    try {
      const get = () => fetch(`${limited.url}/api/search?q=story`);
      for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('20');
      expect(await refused.json()).toEqual({ error: 'Easy there! Try again in 20 s.' });
      now += 20_000;
      expect((await get()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  /** A request: a path, or a search sent through a proxy that names `client` in X-Forwarded-For. */
  type Sent = string | { client: string };
  /** The statuses of `requests`, in order, from a fresh server whose clock stands still. */
  async function statusesOf(options: { rateLimitPerMinute: number; trustProxy?: boolean | string[]; host?: string }, requests: Sent[]): Promise<number[]> {
    const limited = await serve(fixture, { ...options, now: () => 1_000_000 });
    try {
      const statuses: number[] = [];
      for (const sent of requests) {
        const response =
          typeof sent === 'string' ? await fetch(`${limited.url}${sent}`) : await fetch(`${limited.url}/api/search?q=story`, { headers: { 'x-forwarded-for': sent.client } });
        statuses.push(response.status);
      }
      return statuses;
    } finally {
      await limited.close();
    }
  }
  const times = <T>(n: number, value: T): T[] => new Array<T>(n).fill(value);
  const from = (client: string) => ({ client });

  it('given the limit spent then every spelling of an API path that reaches a route is refused too', async () => {
    const variants = ['/api/%73earch?q=story', '/%61%70%69/similar/%31%30%30%30', '//api/search?q=story', '/API/search?q=story', '/api/nothing'];
    const statuses = await statusesOf({ rateLimitPerMinute: 5 }, [...times(5, '/api/search?q=story'), ...times(8, '/%61pi/search?q=story'), ...variants, '/app.js']);
    expect(statuses).toEqual([...times(5, 200), ...times(8, 429), ...times(variants.length, 429), 200]);
  });

  it('given percent-encoded API paths from the start then they take from the same budget', async () => {
    expect(await statusesOf({ rateLimitPerMinute: 5 }, times(8, '/%61pi/search?q=story'))).toEqual([...times(5, 200), ...times(3, 429)]);
  });

  it('given no ANIREC_WEB_TRUST_PROXY then a forged X-Forwarded-For does not open a new bucket', async () => {
    const forged = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '2001:db8::9'].map(from);
    expect(await statusesOf({ rateLimitPerMinute: 2 }, forged)).toEqual([200, 200, 429, 429]);
  });

  it.each([[true], [['127.0.0.1']], [['loopback']], [['10.0.0.0/8', '127.0.0.0/8']]])('given ANIREC_WEB_TRUST_PROXY %j then each forwarded client has its own bucket', async (trustProxy) => {
    const requests = [...times(3, from('198.51.100.1')), ...times(3, from('198.51.100.2')), from('::ffff:198.51.100.1')];
    expect(await statusesOf({ rateLimitPerMinute: 2, trustProxy }, requests)).toEqual([200, 200, 429, 200, 200, 429, 429]);
  });

  it('given a trusted proxy then IPv6 clients are counted by /64: a fresh address in the same /64 is refused', async () => {
    const requests = ['2001:db8:aa:1::1', '2001:db8:aa:1:ffff:1234:5678:9abc', '2001:0DB8:00AA:0001::2', '[2001:db8:aa:1::3]:4444', '2001:db8:aa:2::1'].map(from);
    expect(await statusesOf({ rateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] }, requests)).toEqual([200, 200, 429, 429, 200]);
  });

  it('given a proxy that is not the trusted one then its X-Forwarded-For is ignored', async () => {
    expect(await statusesOf({ rateLimitPerMinute: 1, trustProxy: ['10.0.0.1'] }, [from('198.51.100.1'), from('198.51.100.2')])).toEqual([200, 429]);
  });

  it('given a client on IPv6 loopback then the server listening on ::1 counts it and refuses it past the limit', async () => {
    expect(await statusesOf({ rateLimitPerMinute: 2, host: '::1' }, ['/api/search?q=story', '/%61pi/search?q=story', '/api/search?q=story'])).toEqual([200, 200, 429]);
  });

  it("given more recommendations than the bot's per-member limit then the web page gets 429 too", async () => {
    const strict = await prepareWebFixture({ serviceRateLimit: 2 });
    const server = await serve(strict);
    try {
      const ask = () => fetch(`${server.url}/api/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ratings":[]}' });
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toMatch(/^Easy there! Try again in \d+ s\.$/);
    } finally {
      await server.close();
      await strict.close();
    }
  });
});

describe('the page and the report', () => {
  it('given GET / then it serves the page with a policy that allows nothing from elsewhere', async () => {
    const { status, body, headers } = await call('/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(body).toContain('<script type="module" src="/app.js"></script>');
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await call('/app.js')).status).toBe(200);
    expect((await call('/app.css')).status).toBe(200);
  });

  it('given an eval folder then /api/report answers its table and chart links, and the charts are served', async () => {
    const { status, body } = await call('/api/report');
    expect(status).toBe(200);
    expect(body.available).toBe(true);
    expect(body.rows.map((r: { model: string }) => r.model)).toEqual(['global-mean', 'baseline', 'popularity']);
    expect(body.charts).toEqual(['/report/comparison.svg', '/report/curves.svg']);
    const chart = await call('/report/comparison.svg');
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(chart.body).toContain('<svg');
    expect((await call('/report/eval.json')).status).toBe(404);
  });

  it('given no eval folder then /api/report says what to run', async () => {
    const bare = await serve(fixture, { evalDir: '/nonexistent/eval-results' });
    try {
      const body = await (await fetch(`${bare.url}/api/report`)).json();
      expect(body).toEqual({ available: false, reason: 'no evaluation report yet: run `anirec eval --out eval-results`' });
    } finally {
      await bare.close();
    }
  });

  it('given a report from folders outside the working directory then no path in it is absolute', async () => {
    const { body } = await call('/api/report');
    expect(body.available).toBe(true);
    expect(body.dataDir).toBe(basename(fixture.trained.dataDir));
    const text = JSON.stringify(body);
    expect(text).not.toContain(tmpdir());
    expect(text).not.toMatch(/"\/(?!report\/)/); // chart links are URL paths, nothing else starts with /
  });

  it('given an unknown path then it answers 404 in plain words', async () => {
    expect(await call('/api/nothing')).toMatchObject({ status: 404, body: { error: 'There is nothing at this address.' } });
  });
});
