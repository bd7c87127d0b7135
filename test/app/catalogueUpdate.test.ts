/**
 * `anirec catalogue --update` end to end (the installed bangumi-data, an empty data folder): it prints what
 * the AniList sync changed, and with sources that never answer or refuse it ends, naming each one, with exit
 * code 1. The give-up clock is shortened with --give-up-s 1 so the test is quick; no wall-clock asserts.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seasonsToSync } from '../../src/app/servingCatalogue.js';
import command from '../../src/interfaces/cli/catalogueCommand.js';
import { closedPort, media, startFakeAnilist, type FakeAnilist } from '../data/anilist/fakeAnilist.js';

let fake: FakeAnilist;
let silent: Server;
let silentUrl = '';
beforeAll(async () => {
  fake = await startFakeAnilist();
  silent = createServer(() => {});
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  silent.closeAllConnections();
  await new Promise<void>((done) => silent.close(() => done()));
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function runCommand(args: string[]): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-update-'));
  vi.stubEnv('ANIREC_CACHE_DIR', join(dir, 'cache'));
  vi.stubEnv('CI', '1');
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await command.run(['--data', dir, ...args]);
  vi.restoreAllMocks();
  return { code, out };
}

describe('anirec catalogue --update', () => {
  it('given AniList answering then it prints what the sync added and the catalogue grows by it', async () => {
    const [current, next] = seasonsToSync();
    fake.seasons.set(`${current!.season} ${current!.year}`, [media(9_100_001, 'Kongetsu no Anime'), media(null, 'Only on AniList')]);
    fake.seasons.set(`${next!.season} ${next!.year}`, [media(9_100_002, 'Raiki no Anime')]);
    const { code, out } = await runCommand(['--update', '--no-enrich', '--anilist-url', fake.url]);
    expect(code).toBe(0);
    expect(out).toMatch(/AniList \w+ \d{4} and \w+ \d{4}: 2 anime in 2 pages; 2 added, 0 updated, 0 unchanged, 1 without a MyAnimeList id \(left out\)/);
    expect(out).toContain('added (MAL ids): 9100001, 9100002');
  });

  it('given AniList silent and Jikan refusing then both are named and it exits 1', async () => {
    const jikan = `http://127.0.0.1:${await closedPort()}/v4`;
    const { code, out } = await runCommand(['--update', '--anilist-url', silentUrl, '--api', jikan, '--interval-ms', '0', '--give-up-s', '1']);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`AniList \\(${silentUrl.replace(/\./g, '\\.')}\\) did not answer within 1 s: the catalogue keeps what it had from it\\.`));
    expect(out).toContain(`Jikan (${jikan}) gave no answer for`);
  });
});
