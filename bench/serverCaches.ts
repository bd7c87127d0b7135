/**
 * Memory of the per-server caches for a bot in 1,000 servers: 20 members each (20,000 members, 20 scores
 * each, in a real SQLite store), /twins asked once in every server, then the heap measured after a full GC.
 * Ours: the bounded caches (service.ts SERVER_CACHE, groups.ts ROSTER_CACHE, least recently used dropped).
 * Peer, in the same run: the same service with those caches unbounded (what main kept before #21).
 * Members' folded vectors are bounded alike in both (the member cache), so the difference is the servers'.
 * Run: node --expose-gc --import tsx bench/serverCaches.ts (npm run bench passes --expose-gc when asked).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { buildTitleIndex } from '../src/data/titles.js';
import { trainAnirecModel } from '../src/model/anirecModel.js';
import { ROSTER_CACHE } from '../src/service/groups/index.js';
import { createRateLimiter } from '../src/service/rateLimiter.js';
import { openRatingsStore } from '../src/store/ratingsStore.js';
import { createService, SERVER_CACHE } from '../src/service/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc --import tsx bench/serverCaches.ts');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/mal-sample');
const SERVERS = 1000;
const PER_SERVER = 20;
const SCORES = 20;

console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
const ds = await loadDataset(dataDir);
const model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], explicit: { epochs: 2 }, implicit: { iterations: 2, threads: 2 }, beta: 0.1, quiet: true, log: () => {} });
const nAnime = model.catalogue.anime.length;

const file = join(mkdtempSync(join(tmpdir(), 'anirec-bench-')), 's.sqlite');
const store = await openRatingsStore(`sqlite://${file}`, { timeoutMs: 60_000 });
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const writes: Promise<unknown>[] = [];
for (let g = 0; g < SERVERS; g++) {
  const ids = Array.from({ length: PER_SERVER }, (_, k) => `m${g}-${k}`);
  for (const id of ids) {
    const ratings: Record<string, number> = {};
    for (let j = 0; j < SCORES; j++) ratings[String(model.catalogue.anime[Math.floor(random() * nAnime)]!.animeId)] = 1 + Math.floor(random() * 10);
    writes.push(store.set(id, { ratings, updatedAt: 1, guilds: [`g${g}`] }));
  }
  writes.push((async () => {
    for (const id of ids) await store.addGuildMember(`g${g}`, id);
  })());
  if (writes.length >= 512) await Promise.all(writes.splice(0));
}
await Promise.all(writes);
console.log(`${SERVERS} servers x ${PER_SERVER} members stored`);

const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function measure(label: string, caps: { serverCacheSize?: number; rosterCacheSize?: number }) {
  const before = heapMb();
  let service: ReturnType<typeof createService> | undefined = createService({ model, store, titles: buildTitleIndex(model.catalogue), rateLimiter: createRateLimiter({ perMinute: 1e9 }), ...caps });
  const t0 = performance.now();
  for (let g = 0; g < SERVERS; g++) await service.groups.twins(`g${g}`, `m${g}-0`);
  const seconds = (performance.now() - t0) / 1000;
  const after = heapMb();
  // Kept alive until measured.
  void service.catalogue;
  service = undefined;
  return { label, mb: after - before, seconds };
}

const peer = await measure('peer: per-server caches unbounded', { serverCacheSize: 1e9, rosterCacheSize: 1e9 });
const ours = await measure(`anirec: ${SERVER_CACHE} server lists, ${ROSTER_CACHE} rosters kept`, {});
await store.close();
const rows = [ours, peer].map((r) => `| ${r.label} | ${r.mb.toFixed(1)} | ${r.seconds.toFixed(1)} |`);
const md = [
  '### Per-server caches, 1,000 servers (`node --expose-gc --import tsx bench/serverCaches.ts`)',
  '',
  `${SERVERS} servers x ${PER_SERVER} members (${SCORES} scores each, real SQLite store, real-sample catalogue); /twins once in every server; heap growth after a full GC. Load at start ${loadavg()[0]!.toFixed(2)}.`,
  '',
  '| service | heap MB kept | /twins in all servers, s |',
  '|---|---:|---:|',
  ...rows,
].join('\n');
console.log(md);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'serverCaches.md'), md + '\n');
