/** The console's /import anilist:<user> and mal:<user>, end to end: typed lines in, the same replies as Discord out. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { consoleHelp, runConsole } from '../../src/interfaces/console.js';
import { loadCommands } from '../../src/interfaces/commandRegistry.js';
import { createImportLimiter, createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService } from '../../src/service/index.js';
import { CLIENT_ID, startFakeListServers, type FakeListServers } from '../data/lists/fakeListServers.js';
import { trainPlantedModel, type PlantedModel } from '../service/plantedModel.js';

let trained: PlantedModel;
let fake: FakeListServers;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
  fake = await startFakeListServers();
  fake.lists.set('kana', {
    format: 'POINT_5',
    entries: [
      { idMal: 1000, title: 'Action Story 1', score: 5 },
      { idMal: 1004, title: 'Action Story 2', score: 0, anilistStatus: 'DROPPED' },
      { idMal: 99_001, title: 'Frieren', score: 5 },
    ],
  });
  fake.lists.set('josh', { entries: [{ idMal: 1002, title: 'Drama Story 1', score: 7, malStatus: 'completed' }] });
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await fake.close();
});

async function session(lines: string[], options: { malClientId?: string } = { malClientId: CLIENT_ID }): Promise<string> {
  const { malClientId } = options;
  const store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite')}`);
  stores.push(store);
  const service = createService({
    model: trained.model,
    store,
    titles: buildTitleIndex(trained.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: 100 }),
    importLimiter: createImportLimiter({ perMember: 3 }),
    lists: { anilistUrl: fake.anilistUrl, malApiUrl: fake.malApiUrl, malClientId, timeoutMs: 500 },
  });
  let out = '';
  await runConsole({ service, input: Readable.from([lines.join('\n') + '\n']), write: (t) => (out += t) });
  return out;
}

describe('the console /import', () => {
  it('given /import anilist:name and mal:name then both lists become ratings, with the same replies as Discord', async () => {
    const out = await session(['/import anilist:kana', '/import mal:josh', '/ratings']);
    expect(out).toBe(
      [
        'anirec console: type /help for commands, /quit to leave.',
        'Imported 1 ratings and 1 watched anime from AniList user kana. You have rated 2 anime. (1 anime not in our catalogue: Frieren)',
        'Imported 1 ratings and 0 watched anime from MyAnimeList user josh. You have rated 3 anime.',
        '== Your ratings ==',
        '10/10 · Action Story 1 <https://myanimelist.net/anime/1000>',
        '7/10 · Drama Story 1 <https://myanimelist.net/anime/1002>',
        'watched · Action Story 2 <https://myanimelist.net/anime/1004>',
        '(Page 1/1 · 3 anime)',
        '',
      ].join('\n'),
    );
  });

  it('given no source, two sources, a bad name, a missing client id, an unknown user and the limit then one line each', async () => {
    const out = await session(
      ['/import', '/import anilist:kana mal:josh', '/import anilist:no spaces here', '/import mal:josh', '/import anilist:ghost', '/import anilist:kana', '/import anilist:kana'],
      {},
    );
    expect(out.split('\n').slice(1, -1)).toEqual([
      'import: give one source: anilist:<user>, mal:<user>, or file: with your MyAnimeList export',
      'import: give one source at a time, not anilist and mal',
      'anilist: "no spaces here" is not an AniList user name (2 to 20 letters, digits, dashes or underscores)',
      "Importing from MyAnimeList is not set up here: the bot's owner sets MAL_CLIENT_ID (a free client id from myanimelist.net/apiconfig).",
      'AniList has no user called "ghost". Nothing was imported.',
      'Imported 1 ratings and 1 watched anime from AniList user kana. You have rated 2 anime. (1 anime not in our catalogue: Frieren)',
      expect.stringMatching(/^Easy there! Try again in \d+ s\.$/),
    ]);
  });

  it('given /help then /import shows its three sources', async () => {
    const help = consoleHelp((await loadCommands()).commands);
    expect(help).toMatch(/\/import \[file:path\] \[anilist\] \[mal\]\s+Import your anime list/);
  });
});
