import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWebServer } from '../../src/interfaces/web/server.js';
import { launchChromium } from '../../support/browser.js';
import { prepareWebFixture, serve, type WebFixture } from '../interfaces/web/webFixture.js';

// Screenshots are taken to check the page renders; the README's come from the demo set (scripts/screenshots.ts).
const shotDir = mkdtempSync(join(tmpdir(), 'anirec-shots-'));

let fixture: WebFixture;
let web: RunningWebServer;
let browser: Browser;
const outside: string[] = [];

beforeAll(async () => {
  fixture = await prepareWebFixture();
  web = await serve(fixture);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await fixture?.close();
});

/** A fresh visitor (empty localStorage); any request to another host is refused and remembered. */
async function visit(options: { viewport?: { width: number; height: number }; isMobile?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, ...(options.isMobile ? { isMobile: true, hasTouch: true } : {}) });
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(web.url)) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  return { context, page: await context.newPage() };
}

// Generous: the page waits on the server and a busy machine can take seconds (vitest's default is 1 s).
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });

const pickIds = (page: Page) => page.locator('#picks > li[data-anime-id]').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-anime-id'))));

async function rateBySearch(page: Page, text: string, pickName: string, score: number, how: 'keyboard' | 'mouse') {
  const search = page.getByRole('combobox', { name: 'Find an anime' });
  await search.fill(text);
  const option = page.getByRole('option', { name: new RegExp(`^${pickName} `) });
  await option.waitFor();
  if (how === 'keyboard') {
    const names = await page.getByRole('option').allTextContents();
    const at = names.findIndex((n) => n.startsWith(`${pickName} `));
    for (let i = 0; i <= at; i++) await search.press('ArrowDown');
    await poll(() => option.getAttribute('aria-selected')).toBe('true');
    await search.press('Enter');
  } else await option.click();
  await page.getByLabel('Your score', { exact: true }).selectOption(String(score));
  await page.getByRole('button', { name: 'Rate', exact: true }).click();
  await page.locator('#ratings li', { hasText: pickName }).waitFor();
}

describe('the web page in Chromium', () => {
  it('given a visitor who searches and rates three anime then picks exclude them, similar anime open, and a reload keeps the ratings', async () => {
    const { context, page } = await visit({ viewport: { width: 1200, height: 800 } });
    const loaded: number[] = [];
    page.on('requestfinished', async (request) => {
      const sizes = await request.sizes().catch(() => undefined);
      if (sizes) loaded.push(sizes.responseBodySize + sizes.responseHeadersSize);
    });
    await page.goto(web.url, { waitUntil: 'networkidle' });
    // First load: the page, its script and style, the popular picks, filters and the report (charts included).
    const firstLoad = loaded.reduce((a, b) => a + b, 0);
    expect(firstLoad).toBeGreaterThan(5_000);
    expect(firstLoad).toBeLessThan(300 * 1024);
    await poll(() => page.locator('#picks-note').textContent()).toBe('The most popular anime: rate a few to get picks for you.');

    await rateBySearch(page, 'action story', 'Action Story 1', 10, 'keyboard');
    await rateBySearch(page, 'Action Story 2', 'Action Story 2', 9, 'mouse');
    await rateBySearch(page, 'comedy sto', 'Comedy Story 1', 2, 'keyboard');
    const rated = [1000, 1004, 1001];
    await poll(() => page.locator('#picks-note').textContent()).toBe('Picked for your 3 ratings.');
    const picks = await pickIds(page);
    expect(picks).toHaveLength(10);
    for (const id of rated) expect(picks).not.toContain(id);
    await poll(() => page.locator('#picks .because').first().textContent()).toMatch(/^Because you liked Action Story [12]$/);

    // Genre filter: every pick shown is a Comedy.
    await page.getByLabel('Genre').selectOption('Comedy');
    await poll(async () => (await page.locator('#picks > li .meta').allTextContents()).every((t) => t.includes('Comedy'))).toBe(true);
    await page.getByLabel('Genre').selectOption('');
    await poll(async () => (await page.locator('#picks > li .meta').allTextContents()).some((t) => t.includes('Action'))).toBe(true);

    // Similar anime of the first pick.
    const first = page.locator('#picks > li').first();
    const firstName = await first.locator('.title').textContent();
    expect(await first.locator('a.title').getAttribute('href')).toMatch(/^https:\/\/myanimelist\.net\/anime\/\d+$/);
    await first.getByRole('button', { name: `Similar to ${firstName}` }).click();
    await poll(() => page.locator('#similar-note').textContent()).toBe(`Most like ${firstName}:`);
    const similar = await page.locator('#similar-list > li .title').allTextContents();
    expect(similar).toHaveLength(10);
    expect(similar).not.toContain(firstName);

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shotDir, 'web-desktop.png') });
    expect(statSync(join(shotDir, 'web-desktop.png')).size).toBeGreaterThan(10_000);

    // Reload: the ratings come back from localStorage, scores included, and picks still exclude them.
    await page.reload({ waitUntil: 'networkidle' });
    await poll(() => page.locator('#ratings li').count()).toBe(3);
    expect(await page.getByLabel('Your score for Action Story 1').inputValue()).toBe('10');
    expect(await page.getByLabel('Your score for Action Story 2').inputValue()).toBe('9');
    expect(await page.getByLabel('Your score for Comedy Story 1').inputValue()).toBe('2');
    await poll(() => page.locator('#picks-note').textContent()).toBe('Picked for your 3 ratings.');
    for (const id of rated) expect(await pickIds(page)).not.toContain(id);

    // Removing one rating takes it out of the list and of storage.
    await page.getByRole('button', { name: 'Remove my rating of Comedy Story 1' }).click();
    await poll(() => page.evaluate("JSON.parse(localStorage.getItem('anirec.ratings.v1') ?? '[]').length")).toBe(2);
    await poll(() => page.locator('#picks-note').textContent()).toBe('Picked for your 2 ratings.');
    await context.close();
    expect(outside).toEqual([]);
  });

  it('given the eval folder then the report shows the table and both charts', async () => {
    const { context, page } = await visit();
    await page.goto(`${web.url}/#report`, { waitUntil: 'networkidle' });
    const table = page.getByRole('table');
    await table.waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(['Model', 'RMSE', 'MAE', 'R²', 'Hit@10', 'Recall@10', 'NDCG@10', 'Coverage', 'New people RMSE', 'Train s']);
    expect(await table.locator('tbody th').allTextContents()).toEqual(['global-mean', 'baseline', 'popularity']);
    expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toMatch(/^\d\.\d{4}$/);
    const charts = page.locator('#report-charts img');
    await poll(() => charts.count()).toBe(2);
    // Typed loosely: the test is compiled without the DOM library.
    const chartStates = await charts.evaluateAll((imgs) => imgs.map((img) => ({ alt: img.getAttribute('alt'), complete: (img as unknown as { complete: boolean }).complete, width: (img as unknown as { naturalWidth: number }).naturalWidth })));
    for (const c of chartStates) {
      expect(c.complete).toBe(true);
      expect(c.width).toBeGreaterThan(100);
      expect(c.alt).toMatch(/^Chart: /);
    }
    await page.locator('#report').screenshot({ path: join(shotDir, 'web-report.png') });
    await context.close();
    expect(outside).toEqual([]);
  });

  it('given a phone-sized screen then the page fits its width and the search works by touch', async () => {
    const { context, page } = await visit({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(web.url, { waitUntil: 'networkidle' });
    await rateBySearch(page, 'drama', 'Drama Story 1', 8, 'mouse');
    await poll(() => page.locator('#picks-note').textContent()).toBe('Picked for your 1 rating.');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shotDir, 'web-phone.png') });
    await context.close();
    expect(outside).toEqual([]);
  });
});
