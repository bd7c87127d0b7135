/**
 * Titles people type (support/typedTitles.ts, each with the MyAnimeList id meant), on the app a fresh
 * clone serves (the demo model, the merged catalogue): the share whose first autocomplete choice and whose
 * /rate give the anime meant, and search time over the titles and every prefix of them as typed (p50/p99).
 * Peer, in the same run: a plain search, every title of the catalogue lower-cased and scanned for the query
 * as a substring in popularity order (what a first implementation does).
 * Goals: 95% or more top-1; search p99 under 2 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeApp } from '../src/app/compose.js';
import { readConfig } from '../src/config.js';
import { titlesOf } from '../src/data/titles.js';
import { createLogger } from '../src/log.js';
import { TYPED_TITLES } from '../support/typedTitles.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line: string) => process.stdout.write(line + '\n');
const ROUNDS = 5;

say(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const work = mkdtempSync(join(tmpdir(), 'anirec-bench-titles-'));
mkdirSync(join(work, 'data'));
const config = readConfig({
  ANIREC_DATA_DIR: join(work, 'data'),
  ANIREC_MODEL_DIR: join(work, 'models', 'default'),
  ANIREC_CACHE_DIR: join(work, 'cache'),
  ANIREC_STORE_URL: `sqlite://${join(work, 'store.sqlite')}`,
  ANIREC_WATCH_MODEL: 'false',
  ANIREC_RATE_LIMIT: '100000',
  ANIREC_SERVER_RATE_LIMIT: '1000000',
});
const app = await composeApp(config, createLogger({ level: 'warn' }));
const service = app.live.service;
const anime = app.catalogue.anime;

// The peer: every title lower-cased once, scanned in popularity order.
const byPopularity = [...anime.keys()].sort((a, b) => anime[b]!.members - anime[a]!.members);
const peerTitles = byPopularity.map((ix) => ({ ix, titles: titlesOf(anime[ix]!).map((t) => t.toLowerCase()) }));
function peerSearch(query: string): number[] {
  const q = query.trim().toLowerCase();
  const out: number[] = [];
  for (const { ix, titles } of peerTitles) {
    if (titles.some((t) => t.includes(q))) out.push(ix);
    if (out.length === 25) break;
  }
  return out;
}

let autocomplete = 0;
let rated = 0;
let peer = 0;
for (const [i, { typed, animeId }] of TYPED_TITLES.entries()) {
  if (Number(service.suggestTitles(typed)[0]?.value) === animeId) autocomplete++;
  if ((await service.rate(`bench-${i}`, typed, 8).then((r) => r.anime.animeId, () => undefined)) === animeId) rated++;
  const first = peerSearch(typed)[0];
  if (first !== undefined && anime[first]!.animeId === animeId) peer++;
}

// Every prefix of every title, as autocomplete sees it while someone types.
const queries = TYPED_TITLES.flatMap(({ typed }) => Array.from({ length: typed.length - 1 }, (_, n) => typed.slice(0, n + 2)));
function time(search: (q: string) => unknown): { p50: number; p99: number } {
  for (const q of queries) search(q); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      const t = performance.now();
      search(q);
      samples.push(performance.now() - t);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}
const ours = time((q) => service.suggestTitles(q));
const plain = time(peerSearch);
await app.close();
rmSync(work, { recursive: true, force: true });

const n = TYPED_TITLES.length;
const pct = (k: number) => `${((100 * k) / n).toFixed(1)}% (${k}/${n})`;
const table = [
  '### Titles people type (`npx tsx bench/titles.ts`)',
  '',
  `Goals: 95% top-1, search p99 under 2 ms. ${n} typed titles with the MyAnimeList id meant; search timed over ${queries.length.toLocaleString('en')} queries (every prefix of them) x ${ROUNDS}, on the demo model's merged catalogue of ${anime.length.toLocaleString('en')} anime. Load average at start ${loadavg()[0]!.toFixed(2)}.`,
  '',
  '| search | top-1 by autocomplete | top-1 by /rate | p50 | p99 |',
  '|---|---:|---:|---:|---:|',
  `| anirec (title index) | ${pct(autocomplete)} | ${pct(rated)} | ${ours.p50.toFixed(3)} ms | ${ours.p99.toFixed(3)} ms |`,
  `| peer: lower-case substring scan | ${pct(peer)} | - | ${plain.p50.toFixed(3)} ms | ${plain.p99.toFixed(3)} ms |`,
].join('\n');
say(table);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'titles.md'), table + '\n');
