import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePlanted, writePlanted } from '../../../support/planted.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tempDir = () => mkdtempSync(join(tmpdir(), 'anirec-'));

async function runAnirec(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DISCORD_TOKEN: '', DISCORD_CLIENT_ID: '', DISCORD_GUILD_ID: '', ANIREC_LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('anirec start', () => {
  it('given a bad configuration value then one line naming the variable and exit 1', async () => {
    const r = await runAnirec(['start'], { ANIREC_RATE_LIMIT: 'lots' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('anirec start: configuration: ANIREC_RATE_LIMIT: "lots" is not a whole number\n');
  });

  it('given no model, no data and the demo turned off then it says how to get the data', async () => {
    const dir = tempDir();
    const r = await runAnirec(['start'], { ANIREC_MODEL_DIR: join(dir, 'model'), ANIREC_DATA_DIR: join(dir, 'data'), ANIREC_DEMO: 'false' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `anirec start: ${join(dir, 'data', 'anime.csv')} not found. There is no trained model in ${join(dir, 'model')} and no data to train one. ` +
        `Get the data with \`npm run anirec -- data --download\`, or put anime.csv and rating.csv in ${join(dir, 'data')}.\n`,
    );
  });

  it('given no model and no data then the shipped demo set trains a model in its own folder, the console answers, and one line says it is the demo', async () => {
    const dir = tempDir();
    const env = {
      ANIREC_MODEL_DIR: join(dir, 'models', 'default'),
      ANIREC_DATA_DIR: join(dir, 'data'),
      ANIREC_CACHE_DIR: join(dir, 'cache'),
      ANIREC_STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
    };
    const first = await runAnirec(['start'], env, '/rate Steins;Gate 9\n/similar Clannad\n');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`no trained model in ${join(dir, 'models', 'demo')}: training one from ${join(ROOT, 'demo')}`);
    expect(first.stderr).toContain(`demo model: trained on the demo set shipped in demo/ (78,089 real MyAnimeList ratings; model in ${join(dir, 'models', 'demo')}).`);
    expect(first.stdout).toContain('Saved: Steins;Gate 9/10.');
    expect(first.stdout).toContain('== Like Clannad <https://myanimelist.net/anime/2167> ==');
    expect(first.stdout).toContain('Clannad: After Story');
    const second = await runAnirec(['start'], env, '/ratings\n');
    expect(second.stderr).not.toContain('training');
    expect(second.stdout).toContain('9/10 · Steins;Gate');
  }, 180_000);

  it('given data but no model then it trains one first, then the console serves it; the next start reuses it', async () => {
    const dir = tempDir();
    writePlanted(join(dir, 'data'), makePlanted({ users: 150, anime: 60, ratingsPerUser: 15, seed: 3 }));
    const env = {
      ANIREC_MODEL_DIR: join(dir, 'model'),
      ANIREC_DATA_DIR: join(dir, 'data'),
      ANIREC_CACHE_DIR: join(dir, 'cache'),
      ANIREC_STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      ANIREC_THREADS: '1',
    };
    const first = await runAnirec(['start'], env, '/rate Action Story 1 9\n');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`no trained model in ${join(dir, 'model')}: training one from ${join(dir, 'data')}`);
    expect(first.stdout).toContain('Saved: Action Story 1 9/10. You have rated 1 anime.');
    const second = await runAnirec(['start'], env, '/ratings\n');
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('training');
    expect(second.stdout).toContain('9/10 · Action Story 1');
  }, 180_000);

  it('given a token the API refuses then the failure is one line and the token appears nowhere', async () => {
    const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GhIjKl.secret-part-of-the-token-0123456789';
    const server = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"401: Unauthorized","code":0}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tempDir();
      writePlanted(join(dir, 'data'), makePlanted({ users: 60, anime: 30, ratingsPerUser: 10, seed: 5 }));
      const r = await runAnirec(['start'], {
        DISCORD_TOKEN: token,
        DISCORD_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
        ANIREC_MODEL_DIR: join(dir, 'model'),
        ANIREC_DATA_DIR: join(dir, 'data'),
        ANIREC_CACHE_DIR: join(dir, 'cache'),
        ANIREC_STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('backend: Discord');
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('anirec start: configuration: DISCORD_TOKEN: Discord refused this token; copy it again from the Developer Portal (Bot -> Reset Token)');
      expect(r.stderr + r.stdout).not.toContain('secret-part-of-the-token');
      expect(r.stderr + r.stdout).not.toContain('MTAwMDAwMDAwMDAwMDAwMDAx');
    } finally {
      server.close();
    }
  }, 180_000);
});

describe('anirec deploy-commands', () => {
  it('given no token or client id then one line saying what to set', async () => {
    const r = await runAnirec(['deploy-commands'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('anirec deploy-commands: set DISCORD_TOKEN and DISCORD_CLIENT_ID (in the environment or .env) first\n');
  });

  it('given a token, client and guild then the commands are registered in that guild', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const r = await runAnirec(['deploy-commands'], {
        DISCORD_TOKEN: 'abc',
        DISCORD_CLIENT_ID: '1800000000000000001',
        DISCORD_GUILD_ID: '1900000000000000001',
        DISCORD_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
      });
      expect(r.stdout).toBe('registered 13 commands in guild 1900000000000000001: /affinity, /forget-me, /import, /privacy, /rate, /ratings, /recommend, /seasonal, /server-top, /similar, /twins, /unrate, /watch-party\n');
      expect(r.code).toBe(0);
      expect(seen).toEqual(['PUT /api/v10/applications/1800000000000000001/guilds/1900000000000000001/commands']);
    } finally {
      server.close();
    }
  });
});
