/**
 * The merged catalogue and anime learnt from members (issue #11):
 *  - catalogue build from the installed bangumi-data (no cache) and from the cache; peer: JSON.parse of
 *    the package's data.json alone (the floor of any build that reads it).
 *  - title lookup p50/p99 over the merged title set; peer: the same queries on anime.csv's names alone.
 *  - item fold-in of a new anime from 200 member ratings; peer: a member's fold-in from 200 rows.
 *  - /rate of that new anime (store write, community bookkeeping and the fold-in) p50/p99; peer: /rate
 *    of a known anime in the same run.
 *  - /similar on the full-scale set: 20 well-rated anime whose ratings are taken out of 50 raters'
 *    profiles, then folded in from those 50 ratings: overlap of their top 10 with the trained model's;
 *    peer: the genre/type prior alone (0 ratings).
 * Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic); the model is trained here at the defaults
 * (embedding only, about 90 s on two cores).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedBangumiData } from '../src/data/bangumi.js';
import { loadDataset } from '../src/data/dataset.js';
import { loadMergedCatalogue } from '../src/data/mergedCatalogue.js';
import { buildTitleIndex } from '../src/data/titles.js';
import { WATCHED } from '../src/data/types.js';
import { trainAnirecModel } from '../src/model/anirecModel.js';
import { foldInItem, itemPrior, itemSpaceOf, similarToFoldedItem, type Rater } from '../src/model/itemFoldIn.js';
import type { Profile } from '../src/model/types.js';
import { createRateLimiter } from '../src/service/rateLimiter.js';
import { openRatingsStore } from '../src/store/ratingsStore.js';
import { createService } from '../src/service/index.js';
import { createRandom } from '../src/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (x: number) => x.toFixed(3);
const time = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const rows: string[][] = [];
const row = (...cells: string[]) => {
  rows.push(cells);
  console.log(cells.join(' | '));
};

const ds = await loadDataset(dataDir);
const base = ds.catalogue.anime;

// 1. Catalogue build.
const builds: number[] = [];
for (let i = 0; i < 5; i++) builds.push((await loadMergedCatalogue(base)).seconds * 1000);
builds.sort((a, b) => a - b);
const cacheDir = mkdtempSync(join(tmpdir(), 'anirec-bench-'));
await loadMergedCatalogue(base, { cacheDir });
const cached: number[] = [];
for (let i = 0; i < 5; i++) cached.push((await loadMergedCatalogue(base, { cacheDir })).seconds * 1000);
cached.sort((a, b) => a - b);
const { file } = await installedBangumiData();
const parse: number[] = [];
for (let i = 0; i < 5; i++) parse.push(time(() => JSON.parse(readFileSync(file, 'utf8'))));
parse.sort((a, b) => a - b);
const merged = await loadMergedCatalogue(base);
const catalogue = merged.catalogue;
row('catalogue build from bangumi-data, no cache (median of 5)', `${ms(builds[2]!)} ms`, `peer: JSON.parse of data.json alone ${ms(parse[2]!)} ms`);
row('catalogue from the cache (median of 5)', `${ms(cached[2]!)} ms`, `${catalogue.anime.length} anime, ${merged.report.added} added`);

// 2. Lookup over every title.
const random = createRandom(11);
const mergedIndex = buildTitleIndex(catalogue);
const baseIndex = buildTitleIndex(ds.catalogue);
const queries: string[] = [];
for (let i = 0; i < 2000; i++) {
  const a = catalogue.anime[Math.floor(random() * catalogue.anime.length)]!;
  const title = a.englishNames?.[0] ?? a.name;
  const kind = i % 4;
  if (kind === 0) queries.push(title);
  else if (kind === 1) queries.push(title.slice(0, Math.max(3, Math.floor(title.length / 2))));
  else if (kind === 2) queries.push(title.toLowerCase().replace(/[aeiou]/, 'x'));
  else queries.push(title.split(' ').slice(-1)[0]!);
}
const lookups = (index: ReturnType<typeof buildTitleIndex>) => {
  for (const q of queries.slice(0, 200)) index.search(q);
  return queries.map((q) => time(() => index.search(q))).sort((a, b) => a - b);
};
// CPU time of the process as well as wall time: on a busy machine the wall-clock tail is the scheduler's.
const cpuMs = (f: () => unknown) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const cpuLookups = (index: ReturnType<typeof buildTitleIndex>, run: (q: string) => unknown) => queries.map((q) => cpuMs(() => run(q))).sort((a, b) => a - b);
const resolves = (index: ReturnType<typeof buildTitleIndex>) =>
  queries.map((q) => time(() => {
    try {
      index.resolve(q);
    } catch {
      // Unknown titles answer with suggestions: that is a lookup too.
    }
  })).sort((a, b) => a - b);
const ours = lookups(mergedIndex);
const peer = lookups(baseIndex);
row('title lookup (search, 25 results) p50 / p99 wall, 2000 queries', `${ms(pct(ours, 50))} / ${ms(pct(ours, 99))} ms`, `peer: anime.csv names only ${ms(pct(peer, 50))} / ${ms(pct(peer, 99))} ms`);
const oursCpu = cpuLookups(mergedIndex, (q) => mergedIndex.search(q));
const peerCpu = cpuLookups(baseIndex, (q) => baseIndex.search(q));
row('title lookup (search) p50 / p99 CPU time', `${ms(pct(oursCpu, 50))} / ${ms(pct(oursCpu, 99))} ms`, `peer: anime.csv names only ${ms(pct(peerCpu, 50))} / ${ms(pct(peerCpu, 99))} ms`);
const oursResolve = resolves(mergedIndex);
const peerResolve = resolves(baseIndex);
row('title resolve (what /rate does) p50 / p99 wall', `${ms(pct(oursResolve, 50))} / ${ms(pct(oursResolve, 99))} ms`, `peer: anime.csv names only ${ms(pct(peerResolve, 50))} / ${ms(pct(peerResolve, 99))} ms`);

// ANIREC_BENCH_LOOKUP_ONLY=1: the catalogue and lookup rows alone (no model training).
if (process.env.ANIREC_BENCH_LOOKUP_ONLY === '1') {
  console.log(rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  process.exit(0);
}

// The model.
const t0 = performance.now();
const model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], quiet: true, log: () => {} });
const trainSeconds = (performance.now() - t0) / 1000;
console.log(`model trained in ${trainSeconds.toFixed(1)} s`);
const space = itemSpaceOf(model)!;

// Profiles by user.
const r = ds.ratings;
const byUser = new Map<number, number[]>();
for (let k = 0; k < r.count; k++) {
  const u = r.userIx[k]!;
  let list = byUser.get(u);
  if (!list) byUser.set(u, (list = []));
  list.push(k);
}
const profileOf = (u: number, without = -1): Profile => {
  const ks = (byUser.get(u) ?? []).filter((k) => r.itemIx[k] !== without);
  return { itemIx: Int32Array.from(ks, (k) => r.itemIx[k]!), score: Int8Array.from(ks, (k) => r.score[k]!) };
};

// 3. Item fold-in of 200 ratings.
const users = [...byUser.keys()].filter((u) => byUser.get(u)!.length >= 20).slice(0, 200);
const raters: Rater[] = users.map((u) => ({ user: model.foldIn(profileOf(u)), score: 1 + Math.floor(random() * 10) }));
const prior = itemPrior(space, { genres: ['Action'], type: 'TV' });
for (let i = 0; i < 100; i++) foldInItem(space, raters, prior);
const itemTimes = Array.from({ length: 1000 }, () => time(() => foldInItem(space, raters, prior))).sort((a, b) => a - b);
const heavy = [...byUser.keys()].filter((u) => byUser.get(u)!.length >= 200).slice(0, 100);
const memberProfiles = heavy.map((u) => {
  const p = profileOf(u);
  return { itemIx: p.itemIx.slice(0, 200), score: p.score.slice(0, 200) };
});
const memberTimes = memberProfiles.map((p) => time(() => model.foldIn(p))).sort((a, b) => a - b);
row('item fold-in, 200 member ratings, p50 / p99', `${ms(pct(itemTimes, 50))} / ${ms(pct(itemTimes, 99))} ms`, `peer: member fold-in of 200 rows ${ms(pct(memberTimes, 50))} / ${ms(pct(memberTimes, 99))} ms`);

// 4. /rate of a new anime with 200+ raters, through the service and a SQLite store.
const store = await openRatingsStore(`sqlite://${join(cacheDir, 'store.sqlite')}`);
const service = createService({ model, store, catalogue, titles: mergedIndex, rateLimiter: createRateLimiter({ perMinute: 1e9 }) });
const newIx = base.length + Math.floor(merged.report.added / 2);
const newId = String(catalogue.anime[newIx]!.animeId);
const knownIds = Array.from({ length: 20 }, (_, j) => String(base[j * 7]!.animeId));
for (let m = 0; m < 200; m++) {
  for (const id of knownIds.slice(0, 8)) await service.rate(`9${m}`, id, 1 + ((m + Number(id)) % 10));
  await service.rate(`9${m}`, newId, 1 + (m % 10));
}
const rateNew: number[] = [];
const rateKnown: number[] = [];
for (let m = 0; m < 300; m++) {
  const userId = `8${m}`;
  let t = performance.now();
  await service.rate(userId, knownIds[m % 20]!, 7);
  rateKnown.push(performance.now() - t);
  t = performance.now();
  await service.rate(userId, newId, 1 + (m % 10));
  rateNew.push(performance.now() - t);
}
rateNew.sort((a, b) => a - b);
rateKnown.sort((a, b) => a - b);
await store.close();
row('/rate of a new anime (200-500 raters, SQLite) p50 / p99', `${ms(pct(rateNew, 50))} / ${ms(pct(rateNew, 99))} ms`, `peer: /rate of a known anime ${ms(pct(rateKnown, 50))} / ${ms(pct(rateKnown, 99))} ms`);

// 5. /similar overlap after folding in from 50 raters.
const counts = new Int32Array(r.nItems);
for (let k = 0; k < r.count; k++) if (r.score[k] !== WATCHED) counts[r.itemIx[k]!]!++;
const byCount = Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]!);
const probes = byCount.slice(100, 300).filter((_, j) => j % 10 === 0);
let overlapSum = 0;
let priorSum = 0;
for (const ix of probes) {
  const truth = new Set(model.similar(ix, 10).map((n) => n.itemIx));
  const ratersOf: number[] = [];
  for (let k = 0; k < r.count && ratersOf.length < 50; k++) if (r.itemIx[k] === ix && r.score[k] !== WATCHED) ratersOf.push(k);
  // Each rater folded from their profile without this anime: its ratings are out of their vectors.
  const folded = ratersOf.map((k) => ({ user: model.foldIn(profileOf(r.userIx[k]!, ix)), score: r.score[k]! }));
  const a = ds.catalogue.anime[ix]!;
  const p = itemPrior(space, { genres: a.genres, type: a.type });
  const overlap = (item: ReturnType<typeof foldInItem>) =>
    similarToFoldedItem(space, item, a.genres, 11).filter((n) => n.itemIx !== ix).slice(0, 10).filter((n) => truth.has(n.itemIx)).length / 10;
  overlapSum += overlap(foldInItem(space, folded, p));
  priorSum += overlap(foldInItem(space, [], p));
}
row(
  `/similar top-10 overlap with the trained model, ${probes.length} anime folded from 50 ratings`,
  `${(overlapSum / probes.length).toFixed(2)}`,
  `peer: genre/type prior alone ${(priorSum / probes.length).toFixed(2)}`,
);

const table = [
  '### Catalogue and anime learnt from members (`npm run bench -- catalogue`)',
  '',
  `Data: ${dataDir.endsWith('synthetic') ? 'synthetic full-scale set' : dataDir}; model trained in the bench at the defaults (${trainSeconds.toFixed(0)} s); ` +
    `1-minute load average at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (wall-clock tails grow with it).`,
  '',
  '| measure | ours | peer in the same run |',
  '|---|---|---|',
  ...rows.map((cells) => `| ${cells.join(' | ')} |`),
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'catalogue.md'), table + '\n');
console.log(`\n${table}`);
