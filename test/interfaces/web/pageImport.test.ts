/** "Import my list" on the web page in Chromium: the list fills the visitor's ratings in localStorage, nothing is stored on the server. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWebServer } from '../../../src/interfaces/web/server.js';
import { createImportLimiter } from '../../../src/service/rateLimiter.js';
import { CLIENT_ID, startFakeListServers, type FakeListServers } from '../../data/lists/fakeListServers.js';
import { launchChromium } from '../../../support/browser.js';
import { prepareWebFixture, serve, type WebFixture } from './webFixture.js';

let fixture: WebFixture;
let web: RunningWebServer;
let fake: FakeListServers;
let browser: Browser;
const outside: string[] = [];

beforeAll(async () => {
  fake = await startFakeListServers();
  fixture = await prepareWebFixture({
    importLimiter: createImportLimiter({ perMember: 100 }),
    lists: { anilistUrl: fake.anilistUrl, malApiUrl: fake.malApiUrl, malClientId: CLIENT_ID, timeoutMs: 2000 },
  });
  web = await serve(fixture);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await fixture?.close();
  await fake?.close();
});

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });
/** The visitor's ratings in localStorage as [animeId, score] pairs, by id (page scripts are strings: no DOM types here). */
const held = async (page: Page) =>
  ((await page.evaluate("JSON.parse(localStorage.getItem('anirec.ratings.v1') ?? '[]')")) as { animeId: number; score: number }[])
    .map((r) => [r.animeId, r.score])
    .sort((a, b) => a[0]! - b[0]!);

describe('Import my list', () => {
  it('given a visitor with a hand rating who imports twice then the list fills the ratings, the re-import replaces its own, the hand rating stays', async () => {
    fake.lists.set('kana', {
      format: 'POINT_100',
      entries: [
        { idMal: 1000, title: 'Action Story 1', score: 90 },
        { idMal: 1004, title: 'Action Story 2', score: 70 },
        { idMal: 99_001, title: 'Frieren', score: 100 },
      ],
    });
    const context = await browser.newContext();
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith(web.url)) return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    // A rating made by hand before the visit (no `from`: not an import's).
    const hand = JSON.stringify([{ animeId: 1009, name: 'Comedy Story 3', url: 'https://myanimelist.net/anime/1009', score: 4 }]);
    await page.addInitScript(`if (localStorage.getItem('anirec.ratings.v1') === null) localStorage.setItem('anirec.ratings.v1', ${JSON.stringify(hand)});`);
    await page.goto(web.url);
    await page.getByLabel('From').selectOption('anilist');
    await page.getByLabel('User name').fill('kana');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await poll(() => page.locator('#import-note').textContent()).toBe('Imported 2 ratings of kana. 1 not in our catalogue (Frieren).');
    expect(await held(page)).toEqual([[1000, 9], [1004, 7], [1009, 4]]);
    await poll(() => page.locator('#ratings li').count()).toBe(3);

    // The list changes: 1004 leaves it, 1000 is rescored. The hand rating of 1009 stays.
    fake.lists.set('kana', { format: 'POINT_100', entries: [{ idMal: 1000, title: 'Action Story 1', score: 30 }] });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await poll(() => held(page)).toEqual([[1000, 3], [1009, 4]]);

    // An unknown user: one line, the ratings untouched.
    await page.getByLabel('User name').fill('ghost');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await poll(() => page.locator('#import-note').textContent()).toBe('AniList has no user called "ghost". Nothing was imported.');
    expect(await held(page)).toEqual([[1000, 3], [1009, 4]]);
    await context.close();

    const stored: string[] = [];
    for await (const [id] of fixture.store.entries()) stored.push(id);
    expect(stored).toEqual([]);
    expect(outside).toEqual([]);
  });
});
