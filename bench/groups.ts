/**
 * Members together at server scale: /affinity between two members, /twins over a server of 10,000
 * members who used the bot, /watch-party for 10 members over the whole catalogue, through the real
 * service (real model, real SQLite store, members loaded and folded in as the bot does).
 * Peers, in the same run: the same answers computed the straightforward way, as a bot without this
 * module would (aniffinity's rule over the members' rating objects, per request; the plain mean of
 * predictFolded per member and anime, sorted in full).
 * Targets: /affinity p99 < 5 ms; /twins (10,000 members) p99 < 50 ms; /watch-party (10 members) p99 < 20 ms.
 * Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic). The model is trained briefly (as in
 * bench/foldin.ts): the cost of these commands depends on the widths and the catalogue, not on quality.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { WATCHED } from '../src/data/types.js';
import { buildTitleIndex } from '../src/data/titles.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecModel } from '../src/model/anirecModel.js';
import { createRateLimiter } from '../src/service/rateLimiter.js';
import { openRatingsStore, type MemberRecord } from '../src/store/ratingsStore.js';
import { createService, encodeVector, modelFingerprint } from '../src/service/index.js';
import { createRandom } from '../src/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const MEMBERS = 10_000;
const GUILD = 'bench-guild';
const PARTY = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** p50/p99 of `fn`; `setup` runs before each call, untimed. */
async function time(label: string, runs: number, fn: (k: number) => unknown | Promise<unknown>, setup?: () => Promise<unknown>) {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    await setup?.();
    const t0 = performance.now();
    await fn(k);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 50), p99: percentile(times, 99) };
  console.log(`${label}: p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms over ${runs} runs`);
  return result;
}

const ds = await loadDataset(dataDir);
// ANIREC_BENCH_MODEL: a model folder to reuse (trained and saved there when missing), for repeated runs.
const modelDir = process.env.ANIREC_BENCH_MODEL;
const t0 = performance.now();
let model: AnirecModel;
if (modelDir !== undefined && existsSync(join(modelDir, 'info.json'))) {
  model = await loadAnirecModel(modelDir);
  console.log(`model loaded from ${modelDir}`);
} else {
  model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], explicit: { epochs: 2 }, implicit: { iterations: 2, threads: 2 }, beta: 0.1, quiet: true, log: () => {} });
  console.log(`model for the bench trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (modelDir !== undefined) await saveAnirecModel(model, modelDir);
}

// The first MEMBERS people of the data set become members of one server, their rows as their ratings.
const r = ds.ratings;
const ratingsOf = new Map<number, Record<string, number>>();
for (let row = 0; row < r.count; row++) {
  const u = r.userIx[row]!;
  if (u >= MEMBERS) continue;
  let ratings = ratingsOf.get(u);
  if (ratings === undefined) ratingsOf.set(u, (ratings = {}));
  ratings[String(ds.catalogue.anime[r.itemIx[row]!]!.animeId)] = r.score[row]!;
}
const ids = [...ratingsOf.keys()].map((u) => `member-${u}`);
const store = await openRatingsStore('sqlite://:memory:');
const records = new Map<string, MemberRecord>();
// Records as the bot writes them: ratings with the folded vector (so loading a member imports it, as in production).
const fingerprint = modelFingerprint(model);
for (const [u, ratings] of ratingsOf) {
  const entries = Object.entries(ratings).filter(([id]) => ds.catalogue.ixByAnimeId.has(Number(id)));
  const folded = model.foldIn({ itemIx: Int32Array.from(entries, ([id]) => ds.catalogue.ixByAnimeId.get(Number(id))!), score: Int8Array.from(entries, ([, s]) => s) });
  records.set(`member-${u}`, { ratings, updatedAt: 1, guilds: [GUILD], vector: encodeVector(model.exportUser(folded)), modelFingerprint: fingerprint });
}
for (const [id, record] of records) await store.set(id, record);
for (const id of ids) await store.addGuildMember(GUILD, id);
const meanRows = [...ratingsOf.values()].reduce((n, x) => n + Object.keys(x).length, 0) / ratingsOf.size;
console.log(`${ids.length} members in the server, ${meanRows.toFixed(0)} rows each on average; catalogue ${ds.catalogue.anime.length} anime`);

const service = createService({ model, store, titles: buildTitleIndex(ds.catalogue), rateLimiter: createRateLimiter({ perMinute: 1e9 }) });
const rand = createRandom(5);
const pick = () => ids[Math.floor(rand() * ids.length)]!;

// Loading the server once: every member read from the store, their vector imported, taste vector derived.
const coldStart = performance.now();
await service.groups.twins(GUILD, ids[0]!);
const coldTwins = performance.now() - coldStart;
console.log(`first /twins (loads ${ids.length} members from the store): ${(coldTwins / 1000).toFixed(2)} s`);

const affinity = await time('/affinity', 3000, () => service.groups.affinity(GUILD, pick(), { id: pick(), label: 'x' }).catch(() => undefined));
const twins = await time(`/twins over ${ids.length} members`, 200, () => service.groups.twins(GUILD, pick()));
// After any member's change the server's roster is rebuilt on the next /twins (a busy server's usual case).
const animeIds = ds.catalogue.anime.map((a) => a.animeId);
const twinsAfterChange = await time(
  `/twins over ${ids.length} members, right after a member rated`,
  100,
  () => service.groups.twins(GUILD, pick()),
  () => service.rate(pick(), String(animeIds[Math.floor(rand() * animeIds.length)]), 1 + Math.floor(rand() * 10)),
);
// Fresh parties: nobody's predictions are cached yet (the first watch party of these members).
const party = () => [...new Set(Array.from({ length: PARTY * 2 }, pick))].slice(0, PARTY);
const partyCold = await time(`/watch-party ${PARTY} members, first time for them`, 200, () => service.groups.watchParty(GUILD, party()));
const fixedParties = Array.from({ length: 20 }, party);
for (const p of fixedParties) await service.groups.watchParty(GUILD, p);
const partyWarm = await time(`/watch-party ${PARTY} members, asked again`, 400, (k) => service.groups.watchParty(GUILD, fixedParties[k % fixedParties.length]!));

// Peers: the straightforward way, per request, from the records' rating objects and the model's predictFolded.
function naivePearson(a: Record<string, number>, b: Record<string, number>): number | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const key of Object.keys(a)) {
    if (a[key] === WATCHED || b[key] === undefined || b[key] === WATCHED) continue;
    xs.push(a[key]!);
    ys.push(b[key]!);
  }
  if (xs.length < 11) return undefined;
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let k = 0; k < xs.length; k++) {
    num += (xs[k]! - mx) * (ys[k]! - my);
    dx += (xs[k]! - mx) ** 2;
    dy += (ys[k]! - my) ** 2;
  }
  return (100 * num) / Math.sqrt(dx * dy);
}
const peerAffinity = await time('peer /affinity (aniffinity rule over rating objects)', 3000, () => naivePearson(records.get(pick())!.ratings, records.get(pick())!.ratings));
const peerTwins = await time('peer /twins (the same, against every member, sorted)', 20, () => {
  const me = records.get(pick())!.ratings;
  return ids
    .map((id) => ({ id, value: naivePearson(me, records.get(id)!.ratings) }))
    .filter((x) => x.value !== undefined)
    .sort((p, q) => q.value! - p.value!)
    .slice(0, 5);
});
const peerParty = await time(`peer /watch-party (mean of predictFolded per member and anime, full sort)`, 30, async (k) => {
  const members = await service.members(fixedParties[k % fixedParties.length]!);
  const seen = new Set<number>(members.flatMap((m) => [...m!.rated]));
  const scored: { ix: number; score: number }[] = [];
  for (let i = 0; i < ds.catalogue.anime.length; i++) {
    if (seen.has(i)) continue;
    scored.push({ ix: i, score: members.reduce((s, m) => s + model.predictFolded(m!.folded!, i), 0) / members.length });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 10);
});
await store.close();

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const md = [
  '### Members together: /affinity, /twins, /watch-party (`npm run bench -- groups`)',
  '',
  `Members together (/affinity, /twins, /watch-party) through the service, ${dataDir.split('/').slice(-1)[0]}: one server of ${ids.length.toLocaleString('en')} members (${meanRows.toFixed(0)} rows each on average), catalogue of ${ds.catalogue.anime.length.toLocaleString('en')} anime:`,
  '',
  '| goal | ours p50 | ours p99 | peer p50 | peer p99 | target |',
  '|---|---|---|---|---|---|',
  `| /affinity | ${ms(affinity.p50)} ms | ${ms(affinity.p99)} ms | ${ms(peerAffinity.p50)} ms | ${ms(peerAffinity.p99)} ms | p99 < 5 ms |`,
  `| /twins over ${ids.length.toLocaleString('en')} members | ${ms(twins.p50)} ms | ${ms(twins.p99)} ms | ${ms(peerTwins.p50)} ms | ${ms(peerTwins.p99)} ms | p99 < 50 ms |`,
  `| /twins, right after some member rated (roster rebuilt) | ${ms(twinsAfterChange.p50)} ms | ${ms(twinsAfterChange.p99)} ms | | | p99 < 50 ms |`,
  `| /watch-party, ${PARTY} members, first time for them | ${ms(partyCold.p50)} ms | ${ms(partyCold.p99)} ms | ${ms(peerParty.p50)} ms | ${ms(peerParty.p99)} ms | p99 < 20 ms |`,
  `| /watch-party, ${PARTY} members, asked again | ${ms(partyWarm.p50)} ms | ${ms(partyWarm.p99)} ms | | | p99 < 20 ms |`,
  '',
  `Peers: MyAnimeList's rule (aniffinity's way: intersect the two rating objects, Pearson from 11 shared) per request; for /twins the same against every member, sorted; for /watch-party the plain mean of \`predictFolded\` per member and anime, sorted in full (it does not punish one member's low estimate). The first /twins of a server reads all ${ids.length.toLocaleString('en')} members from the store and derives their taste vectors once: ${(coldTwins / 1000).toFixed(1)} s (that command defers its answer). Load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores (other work on the machine slows every figure alike).`,
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'groups.md'), md);
console.log('wrote bench/results/groups.md');
