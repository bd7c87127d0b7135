/**
 * With no network, `anirec catalogue --update` gives up within 30 s in all, naming each source. Both halves
 * run here against sources that never answer (a server that accepts and stays silent) or refuse (a closed
 * port), with short budgets or a fake clock so the tests take well under a second each. Nothing asserts
 * wall-clock time: the budgets are checked through what each source was asked and what the run says.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSeasons } from '../../../src/data/anilist/sync.js';
import { readEnrichment, updateEnrichment } from '../../../src/data/enrichment.js';
import { RequestPacer } from '../../../src/data/http/pacer.js';
import type { Anime } from '../../../src/data/types.js';
import { CatalogueSourceError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { closedPort } from './fakeAnilist.js';

/** Accepts connections and requests, never answers. */
let silent: Server;
let silentUrl = '';
let asked = 0;
beforeAll(async () => {
  silent = createServer(() => {
    asked++;
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((done) => silent.close(() => done()));
});

const FALL = [{ season: 'FALL' as const, year: 2026 }];
const anime = (n: number): Anime[] =>
  Array.from({ length: n }, (_, i) => ({ animeId: 1000 + i, name: `Anime ${i}`, genres: [], type: 'TV', episodes: null, malScore: null, members: 0 }));

describe('the AniList sync with no network', () => {
  it('given a server that never answers then the sync ends at its deadline with an error naming AniList', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-giveup-'));
    asked = 0;
    // The per-request timeout (10 s by default) is cut to what is left of the whole sync's budget.
    const error = await syncSeasons([], { url: silentUrl, cacheDir, seasons: FALL, deadline: Date.now() + 150, pacer: new RequestPacer(90, 60_000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogueSourceError);
    expect((error as CatalogueSourceError).details).toMatchObject({ source: 'anilist', reason: 'timeout' });
    expect(describeError(error)).toMatch(new RegExp(`^AniList \\(${silentUrl.replace(/\./g, '\\.')}\\) did not answer within \\d+ s: the catalogue keeps what it had from it\\.`));
    expect(asked).toBe(1);
  });

  it('given a closed port then it fails at once, naming AniList and the refusal', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-giveup-'));
    const port = await closedPort();
    const error = await syncSeasons([], { url: `http://127.0.0.1:${port}`, cacheDir, seasons: FALL, pacer: new RequestPacer(90, 60_000) }).catch((e: unknown) => e);
    expect((error as CatalogueSourceError).details).toMatchObject({ source: 'anilist', reason: 'network', code: 'ECONNREFUSED' });
  });
});

describe('the Jikan enrichment with no network', () => {
  it('given a closed port and 3,327 anime then, on a fake clock, it gives up after 30 s of silence instead of trying them all', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-giveup-'));
    const port = await closedPort();
    let clock = 5_000_000;
    const report = await updateEnrichment(anime(3327), {
      cacheDir,
      baseUrl: `http://127.0.0.1:${port}/v4`,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    // One request a second (Jikan's pace) on the fake clock: about 30 tried, then the run ends.
    expect(report.failed.length).toBeGreaterThanOrEqual(29);
    expect(report.failed.length).toBeLessThanOrEqual(31);
    expect(report.failed[0]).toBe('1000: request failed (ECONNREFUSED)');
    expect(report.unreachable).toBeInstanceOf(CatalogueSourceError);
    expect(describeError(report.unreachable)).toBe(
      `Jikan (http://127.0.0.1:${port}/v4) gave no answer for 30 s: the catalogue keeps what it had from it. Run \`anirec catalogue --update\` again later.`,
    );
    expect((await readEnrichment(cacheDir)).size).toBe(0);
  });

  it('given a server that never answers then the first request is cut to the give-up time and the run ends, naming Jikan', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-giveup-'));
    asked = 0;
    const report = await updateEnrichment(anime(3327), { cacheDir, baseUrl: `${silentUrl}/v4`, intervalMs: 0, firstAnswerBy: Date.now() + 150 });
    expect(asked).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatch(/^1000: no answer in \d+ ms$/);
    expect(report.unreachable?.details).toMatchObject({ source: 'jikan', reason: 'silent', unreached: true });
    expect(report.stopped).toMatch(/^Jikan \(http:\/\/127\.0\.0\.1:\d+\/v4\) gave no answer/);
  });

  it('given answers, then silence, then the run ends silenceMs after the last answer and keeps what it had', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-giveup-'));
    let served = 0;
    const flaky = createServer((req, res) => {
      // The first two anime answer (404: unknown), then the server stops answering.
      if (served++ < 2) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 404, message: 'Resource does not exist' }));
      }
    });
    await new Promise<void>((done) => flaky.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/v4`;
      const report = await updateEnrichment(anime(50), { cacheDir, baseUrl: url, intervalMs: 0, silenceMs: 150 });
      expect(report.notFound).toBe(2);
      expect(report.unreachable?.details).toMatchObject({ source: 'jikan', reason: 'silent' });
      expect(report.unreachable?.details.unreached).toBeUndefined();
      expect((await readEnrichment(cacheDir)).size).toBe(2);
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((done) => flaky.close(() => done()));
    }
  });
});
