/**
 * /healthz through the real probe of `anirec start` (a read of the real store within its timeout), on a real
 * Redis and a real PostgreSQL that are stopped and started again under the running app: 200, then 503 while
 * the server is down, then 200 again without a restart. The store URL carries a password (Redis checks it),
 * and nothing the app prints or serves in all that (the outage's errors included) holds it or another secret.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, spawnAnirec } from '../../support/childProcess.js';
import { savePlantedModel } from '../service/plantedModel.js';
import { startPrivateServer, type ServerKind, type TestServer } from '../../support/servers.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PASSWORD = 'pw-SECRET-store-0002';
const DISCORD_TOKEN = 'discord-SECRET-token-0001';
const KAGGLE_KEY = 'kaggleSECRETkey0003';
const MAL_CLIENT_ID = 'malSECRETclientid0004';
const SECRETS = [PASSWORD, DISCORD_TOKEN, KAGGLE_KEY, MAL_CLIENT_ID, 'SECRET'];

let modelDir: string;
beforeAll(async () => {
  ({ modelDir } = await savePlantedModel());
});
afterAll(killAllChildren);

/** Makes the server ask for PASSWORD (Redis) or know it (PostgreSQL trusts 127.0.0.1, so it is sent, not checked). */
async function setPassword(kind: ServerKind, server: TestServer): Promise<string> {
  const { hostname, port } = new URL(server.url);
  if (kind === 'redis') {
    await run('redis-cli', ['-h', hostname, '-p', port, 'CONFIG', 'SET', 'requirepass', PASSWORD]);
    return `redis://default:${PASSWORD}@${hostname}:${port}`;
  }
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`ALTER USER postgres PASSWORD '${PASSWORD}'`);
  await client.end();
  return `postgresql://postgres@${hostname}:${port}/postgres?password=${PASSWORD}`;
}

interface Health {
  status: number;
  body: { ok: boolean; store?: { ok: boolean } };
  text: string;
}

async function healthz(url: string): Promise<Health> {
  const response = await fetch(`${url}/healthz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Health['body'], text };
}

/** Asks /healthz until it answers `status` (each answer takes at most the store's timeout); all answers seen. */
async function healthUntil(url: string, status: number, attempts: number): Promise<Health[]> {
  const seen: Health[] = [];
  for (let i = 0; i < attempts; i++) {
    seen.push(await healthz(url));
    if (seen.at(-1)!.status === status) return seen;
    await sleep(500);
  }
  return seen;
}

describe.each(['redis', 'postgres'] as ServerKind[])('/healthz of `anirec start` on %s', (kind) => {
  it('given the store stopped and started again then /healthz answers 200, 503 while it is down, then 200 again', async () => {
    const server = await startPrivateServer(kind);
    try {
      const storeUrl = await setPassword(kind, server);
      const child = spawnAnirec(
        ['start', '--console'],
        {
          DISCORD_TOKEN,
          KAGGLE_KEY,
          MAL_CLIENT_ID,
          ANIREC_MODEL_DIR: modelDir,
          ANIREC_STORE_URL: storeUrl,
          ANIREC_METRICS_PORT: '0',
          ANIREC_WEB_PORT: '0',
          ANIREC_LOG_LEVEL: 'debug',
        },
        undefined,
        { stdin: 'pipe' },
      );
      await child.waitForOutput(/ready in [\d.]+ s/, 120_000);
      const ops = /ops: \/healthz and \/metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stderr())![1]!;
      const web = /web page at (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stderr())![1]!;
      const served: string[] = [];

      const up = await healthz(ops);
      served.push(up.text);
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ ok: true, store: { ok: true } });
      child.process.stdin!.write('/rate Action Story 1 9\n');
      await child.waitForOutput(/Saved: Action Story 1 9\/10/, 30_000);

      await server.stop();
      const during = await healthUntil(ops, 503, 10);
      served.push(...during.map((h) => h.text));
      expect(during.at(-1)).toMatchObject({ status: 503, body: { ok: false, store: { ok: false } } });
      // The outage's errors are logged and answered while the store is down.
      child.process.stdin!.write('/rate Action Story 2 8\n');
      await child.waitForOutput(/could not save that just now|may not have been saved/i, 30_000);
      served.push(await (await fetch(`${ops}/metrics`)).text());
      served.push(await (await fetch(`${web}/api/search?q=action`)).text());

      await server.start();
      if (kind === 'redis') await setPassword(kind, server);
      const after = await healthUntil(ops, 200, 60);
      served.push(...after.map((h) => h.text));
      expect(after.at(-1)).toMatchObject({ status: 200, body: { ok: true, store: { ok: true } } });

      child.process.stdin!.end('/quit\n');
      expect(await child.exited).toBe(0);
      const outputs = [child.stdout(), child.stderr(), ...served];
      expect(outputs.flatMap((text) => SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${secret} in:\n${text}`))).toEqual([]);
      expect(child.stderr()).toMatch(/ERROR ratings store: /);
    } finally {
      await server.remove();
    }
  });
});
