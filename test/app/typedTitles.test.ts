/**
 * Titles as people type them (support/typedTitles.ts), through every front-end of the application
 * a fresh clone serves: the demo set's model with the merged catalogue, composed as `anirec start` and
 * `anirec web` compose it. Autocomplete's first choice, /rate and the web page's search must agree and
 * give the anime meant for at least 95% of them.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type App } from '../../src/app/compose.js';
import { readConfig } from '../../src/config.js';
import { startWebServer, type RunningWebServer } from '../../src/interfaces/web/server.js';
import { createLogger } from '../../src/log.js';
import { TYPED_TITLES } from '../../support/typedTitles.js';

let app: App;
let web: RunningWebServer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-typed-'));
  mkdirSync(join(dir, 'data'));
  const config = readConfig({
    ANIREC_DATA_DIR: join(dir, 'data'),
    ANIREC_MODEL_DIR: join(dir, 'models', 'default'),
    ANIREC_CACHE_DIR: join(dir, 'cache'),
    ANIREC_STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
    ANIREC_WATCH_MODEL: 'false',
    ANIREC_RATE_LIMIT: '100000',
    ANIREC_SERVER_RATE_LIMIT: '1000000',
    ANIREC_THREADS: '1',
  });
  app = await composeApp(config, createLogger({ level: 'silent' }));
  web = await startWebServer({ service: app.live.service, evalDir: join(dir, 'eval'), rateLimitPerMinute: 100_000, port: 0, host: '127.0.0.1' });
}, 240_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
});

describe('titles people type, on a fresh clone', () => {
  it('given the demo model then it serves the merged catalogue (anime newer than anime.csv included)', () => {
    expect(app.source.kind).toBe('demo');
    expect(app.catalogue.anime.length).toBeGreaterThan(app.model.catalogue.anime.length);
  });

  it('given each typed title then autocomplete, /rate and the web page give the same anime, the one meant for 95% or more', async () => {
    const service = app.live.service;
    const rows: { typed: string; animeId: number; autocomplete: number | undefined; rated: number | undefined; page: number | undefined }[] = [];
    for (const [i, { typed, animeId }] of TYPED_TITLES.entries()) {
      const first = service.suggestTitles(typed)[0];
      const autocomplete = first === undefined ? undefined : Number(first.value);
      const rated = await service.rate(`typist-${i}`, typed, 8).then((r) => r.anime.animeId, () => undefined);
      const page = (await (await fetch(`${web.url}/api/search?q=${encodeURIComponent(typed)}`)).json()) as { results: { animeId: number }[] };
      rows.push({ typed, animeId, autocomplete, rated, page: page.results[0]?.animeId });
    }
    expect(rows.filter((r) => r.page !== r.autocomplete)).toEqual([]);
    const share = (key: 'autocomplete' | 'rated') => rows.filter((r) => r[key] === r.animeId).length / rows.length;
    expect(TYPED_TITLES.length).toBeGreaterThanOrEqual(60);
    expect({ autocomplete: share('autocomplete') >= 0.95, rate: share('rated') >= 0.95 }).toEqual({ autocomplete: true, rate: true });
  });
});
