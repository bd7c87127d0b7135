/**
 * The README's pictures of the web page, from what a newcomer runs: the demo set's model and merged
 * catalogue (composed as `anirec web` composes it), a real `anirec eval` of the demo set for the report,
 * and Debian's Chromium driven by playwright-core. `npx tsx scripts/screenshots.ts` writes docs/web-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { composeApp } from '../src/app/compose.js';
import { readConfig } from '../src/config.js';
import { loadDataset } from '../src/data/dataset.js';
import { findDemoDataDir } from '../src/data/demoData.js';
import { writeEvalResults } from '../src/interfaces/cli/evalCommand.js';
import { startWebServer } from '../src/interfaces/web/server.js';
import { createLogger } from '../src/log.js';
import { evaluateAll } from '../src/model/evaluate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs');
const work = mkdtempSync(join(tmpdir(), 'anirec-shots-'));
mkdirSync(join(work, 'data'));
const config = readConfig({
  ANIREC_DATA_DIR: join(work, 'data'),
  ANIREC_MODEL_DIR: join(work, 'models', 'default'),
  ANIREC_CACHE_DIR: join(work, 'cache'),
  ANIREC_STORE_URL: `sqlite://${join(work, 'store.sqlite')}`,
  ANIREC_WATCH_MODEL: 'false',
});
const log = createLogger({ level: 'warn' });
const app = await composeApp(config, log);
const evalDir = join(work, 'eval');
const demo = await loadDataset(findDemoDataDir()!, { cacheDir: config.cacheDir });
writeEvalResults(await evaluateAll(demo, ['global-mean', 'baseline', 'popularity', 'item-knn', 'anirec'], { seed: 42, log: () => {} }), evalDir);
const web = await startWebServer({ service: app.live.service, evalDir, rateLimitPerMinute: 100_000, port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({
  executablePath: process.env.ANIREC_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function rate(page: Page, typed: string, score: number): Promise<void> {
  await page.getByRole('combobox', { name: 'Find an anime' }).fill(typed);
  await page.locator('#search-results [role=option]').first().click();
  await page.getByLabel('Your score', { exact: true }).selectOption(String(score));
  await page.getByRole('button', { name: 'Rate', exact: true }).click();
  await page.waitForTimeout(300);
}

try {
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await desktop.goto(web.url, { waitUntil: 'networkidle' });
  for (const [typed, score] of [['steins gate', 10], ['clannad after story', 9], ['frieren', 9], ['sword art online', 4]] as const) await rate(desktop, typed, score);
  await desktop.locator('#picks > li').first().getByRole('button', { name: /^Similar to / }).click();
  await desktop.waitForTimeout(500);
  await desktop.evaluate('window.scrollTo(0, 0)');
  await desktop.screenshot({ path: join(out, 'web-desktop.png') });
  await desktop.goto(`${web.url}/#report`, { waitUntil: 'networkidle' });
  await desktop.locator('#report').screenshot({ path: join(out, 'web-report.png') });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(web.url, { waitUntil: 'networkidle' });
  await rate(phone, 'your name', 9);
  await phone.screenshot({ path: join(out, 'web-phone.png') });
  process.stdout.write(`wrote ${['web-desktop.png', 'web-report.png', 'web-phone.png'].map((f) => join('docs', f)).join(', ')}\n`);
} finally {
  await browser.close();
  await web.close();
  await app.close();
  rmSync(work, { recursive: true, force: true });
}
