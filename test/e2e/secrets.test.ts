/**
 * Secrets never leave the process: the real app (the console start with its web page and ops server, and
 * `anirec web`) runs with a Discord token, a Kaggle key, a MyAnimeList client id and a store URL carrying
 * a percent-encoded password; errors are provoked (bad configuration values, stores that cannot be opened,
 * bad requests, a list service that echoes the client id back); then every captured output (stdout, stderr,
 * the bodies of the web API, /metrics and /healthz) is searched for each secret in every form.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { savePlantedModel } from '../service/plantedModel.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../../support/childProcess.js';

// Not token-shaped, so only the configured secrets (not the token pattern) can hide it.
const DISCORD_TOKEN = 'discord-SECRET-token-0001';
const KAGGLE_KEY = 'kaggleSECRETkey0003';
const MAL_CLIENT_ID = 'malSECRETclientid0004';
const STORE_PASSWORD_WRITTEN = 'p%40ssSECRET%2F0002';
const STORE_PASSWORD = 'p@ssSECRET/0002';
/** Every form a leak could take, and the distinctive parts of each (a half-masked secret is a leak too). */
const SECRETS = [DISCORD_TOKEN, KAGGLE_KEY, MAL_CLIENT_ID, STORE_PASSWORD_WRITTEN, STORE_PASSWORD, 'ssSECRET', 'SECRET-token', 'SECRETkey', 'SECRETclient'];

let root: string;
let env: Record<string, string>;
let listService: Server;
/** What the running test captured: every output of its processes and every HTTP answer it got. */
let outputs: { what: string; text: string }[] = [];

function capture(what: string, text: string): string {
  outputs.push({ what, text });
  return text;
}

/** Waits for the child's end and captures all it printed. */
async function finish(child: AnirecChild, what: string): Promise<number | string> {
  const code = await child.exited;
  capture(`${what} stdout`, child.stdout());
  capture(`${what} stderr`, child.stderr());
  return code;
}

async function fetchText(what: string, url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(url, init);
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  const text = capture(`${what} ${init?.method ?? 'GET'} ${url}`, `${headers}\n\n${await response.text()}`);
  return { status: response.status, text };
}

beforeAll(async () => {
  const { modelDir } = await savePlantedModel();
  root = mkdtempSync(join(tmpdir(), 'anirec-secrets-'));
  // A list service that answers every request with the client id it was sent (in the error and the body).
  listService = createServer((request, response) => {
    const sent = String(request.headers['x-mal-client-id'] ?? '');
    const status = request.url?.includes('bad-gateway') ? 502 : 400;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `invalid client id ${sent}`, message: sent }));
  });
  await new Promise<void>((resolve) => listService.listen(0, '127.0.0.1', resolve));
  const listUrl = `http://127.0.0.1:${(listService.address() as AddressInfo).port}/v2`;
  env = {
    DISCORD_TOKEN,
    KAGGLE_KEY,
    KAGGLE_USERNAME: 'someone',
    MAL_CLIENT_ID,
    ANIREC_MAL_API_URL: listUrl,
    ANIREC_ANILIST_URL: listUrl,
    ANIREC_MODEL_DIR: modelDir,
    // A real SQLite file: the query is part of its file name, so the password is on disk in the path too.
    ANIREC_STORE_URL: `sqlite://${join(root, 'store.sqlite')}?password=${STORE_PASSWORD_WRITTEN}`,
    ANIREC_EVAL_DIR: join(root, 'no-eval'),
    ANIREC_LOG_LEVEL: 'debug',
  };
});

afterAll(async () => {
  await killAllChildren();
  await new Promise((resolve) => listService?.close(resolve));
});

const WEB_LINE = /web page at (http:\/\/127\.0\.0\.1:\d+)/;
const OPS_LINE = /ops: \/healthz and \/metrics on (http:\/\/127\.0\.0\.1:\d+)/;

/** Bad requests of every kind to the web API; the answers are captured. */
async function provokeWeb(what: string, url: string): Promise<void> {
  const json = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect((await fetchText(what, `${url}/api/recommend`, json('{"ratings": [oops'))).status).toBe(400);
  expect((await fetchText(what, `${url}/api/similar/not-a-number`)).status).toBe(400);
  expect((await fetchText(what, `${url}/api/import`, json(JSON.stringify({ source: 'mal', user: 'someone' })))).status).toBeGreaterThanOrEqual(400);
  expect((await fetchText(what, `${url}/api/import`, json(JSON.stringify({ source: 'mal', user: 'bad-gateway' })))).status).toBeGreaterThanOrEqual(400);
  expect((await fetchText(what, `${url}/api/import`, json(JSON.stringify({ source: 'anilist', user: 'someone' })))).status).toBeGreaterThanOrEqual(400);
  expect((await fetchText(what, `${url}/api/report`)).status).toBe(200);
  expect((await fetchText(what, `${url}/api/health`)).status).toBe(200);
  expect((await fetchText(what, `${url}/%61pi/nothing?password=x`)).status).toBe(404);
  expect((await fetchText(what, `${url}/api/search?q=${'x'.repeat(300)}`)).status).toBe(400);
}

async function provokeOps(what: string, url: string): Promise<void> {
  const metrics = await fetchText(what, `${url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.text).toContain('anirec_store_operations_total');
  expect((await fetchText(what, `${url}/healthz`)).status).toBe(200);
  expect((await fetchText(what, `${url}/nothing`)).status).toBe(404);
  expect((await fetchText(what, `${url}/healthz`, { method: 'POST', body: MAL_CLIENT_ID })).status).toBe(405);
}

describe('secrets in every output', () => {
  beforeEach(() => {
    outputs = [];
  });
  afterEach(() => {
    const leaks = outputs.flatMap(({ what, text }) => SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${what}: ${secret}\n${text}`));
    expect(leaks).toEqual([]);
  });

  it('given the console start with its web page and ops server then nothing it prints or serves holds a secret', async () => {
    const child = spawnAnirec(['start', '--console'], { ...env, ANIREC_WEB_PORT: '0', ANIREC_METRICS_PORT: '0' }, undefined, { stdin: 'pipe' });
    const ready = await child.waitForOutput(/ready in [\d.]+ s/, 90_000);
    expect(ready).toBeTruthy();
    const web = WEB_LINE.exec(child.stderr())![1]!;
    const ops = OPS_LINE.exec(child.stderr())![1]!;
    const stdin = child.process.stdin!;
    stdin.write('/rate Action Story 1 9\n/import mal:someone\n/import mal:bad-gateway\n/import anilist:someone\n/similar no such anime at all\n/rate 999999 42\n');
    await child.waitForOutput(/no such anime at all/i, 30_000).catch(() => undefined);
    await provokeWeb('console web', web);
    await provokeOps('console ops', ops);
    stdin.end('/quit\n');
    expect(await finish(child, 'console start')).toBe(0);
    expect(child.stderr()).toMatch(/store: @keyv\/sqlite \(sqlite:\/\/.*store\.sqlite\?password=\*\*\*\)/);
    expect(child.stdout()).toContain('MyAnimeList answered with an error (HTTP 400).');
  }, 180_000);

  it('given `anirec web` then nothing it prints or serves holds a secret', async () => {
    const child = spawnAnirec(['web', '--port', '0'], env);
    const url = WEB_LINE.exec(await child.waitForOutput(WEB_LINE, 90_000))![1]!;
    await provokeWeb('web', url);
    child.process.kill('SIGTERM');
    expect(await finish(child, 'web')).toBe(0);
    expect(child.stderr()).toContain('WARN  web import: mal list of "someone": HTTP 400');
  }, 180_000);

  it('given bad configuration values and stores that cannot be opened then every start fails and no output holds a secret', async () => {
    const cases: [string, Record<string, string>][] = [
      ['a rate limit that is not a number', { ANIREC_RATE_LIMIT: 'lots' }],
      ['an unsupported store with the password in the userinfo and the query', { ANIREC_STORE_URL: `mysql://u:${STORE_PASSWORD_WRITTEN}@127.0.0.1:1/db?password=${STORE_PASSWORD_WRITTEN}` }],
      ['a store URL that is not a URL', { ANIREC_STORE_URL: `:${STORE_PASSWORD_WRITTEN}@127.0.0.1` }],
      ['a Redis store nobody answers', { ANIREC_STORE_URL: `redis://default:${STORE_PASSWORD_WRITTEN}@127.0.0.1:1` }],
      ['a PostgreSQL store nobody answers', { ANIREC_STORE_URL: `postgresql://u@127.0.0.1:1/db?password=${STORE_PASSWORD_WRITTEN}` }],
      ['a SQLite store that cannot be opened', { ANIREC_STORE_URL: 'DIRECTORY' }],
      ['a MAL client id that is not one', { MAL_CLIENT_ID: `${MAL_CLIENT_ID} with spaces` }],
      ['a web port in use by the ops server', { ANIREC_WEB_PORT: 'SAME', ANIREC_METRICS_PORT: 'SAME' }],
    ];
    for (const [what, extra] of cases) {
      const changed = { ...extra };
      if (changed.ANIREC_STORE_URL === 'DIRECTORY') {
        // The file the store should open is a directory: SQLite cannot open it.
        const path = join(root, `dir.sqlite?password=${STORE_PASSWORD_WRITTEN}`);
        mkdirSync(path, { recursive: true });
        changed.ANIREC_STORE_URL = `sqlite://${path}`;
      }
      if (changed.ANIREC_WEB_PORT === 'SAME') {
        const port = await new Promise<number>((resolve) => {
          const probe = createServer().listen(0, '127.0.0.1', () => {
            const { port } = probe.address() as AddressInfo;
            probe.close(() => resolve(port));
          });
        });
        changed.ANIREC_WEB_PORT = changed.ANIREC_METRICS_PORT = String(port);
      }
      const child = spawnAnirec(['start', '--console'], { ...env, ...changed }, undefined, { stdin: 'pipe' });
      child.process.stdin!.end();
      expect(await finish(child, `start with ${what}`), what).not.toBe(0);
      expect(child.stderr(), what).toMatch(/^anirec start: /m);
    }
  }, 300_000);
});
