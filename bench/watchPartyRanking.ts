/**
 * The watch party's ranking, two ways, on the same members: every member's predictions in one pass each
 * (predictFoldedAll) then the exhaustive soft-minimum ranking (what the service runs), against the pruned
 * ranking that asks per anime (predictFolded) once the first member's predictions are known, and against
 * the plain peer of bench/groups.ts (mean of predictFolded per member and anime, sorted in full).
 * Data: ANIREC_BENCH_DATA (default ../shared/data/mal-sample); ANIREC_BENCH_MODEL reuses a saved model.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecModel } from '../src/model/anirecModel.js';
import { rankForGroup, rankForGroupPruned } from '../src/service/groups/partyRanking.js';
import { createRandom } from '../src/random.js';

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' / ')} on ${cpus().length} cores`);
const dataDir = resolve(process.env.ANIREC_BENCH_DATA ?? '../shared/data/mal-sample');
const ds = await loadDataset(dataDir);
const modelDir = process.env.ANIREC_BENCH_MODEL;
let model: AnirecModel;
if (modelDir !== undefined && existsSync(join(modelDir, 'info.json'))) model = await loadAnirecModel(modelDir);
else {
  model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], explicit: { epochs: 2 }, implicit: { iterations: 2 }, quiet: true, log: () => {} });
  if (modelDir !== undefined) await saveAnirecModel(model, modelDir);
}
const nItems = model.catalogue.anime.length;
const rand = createRandom(3);
// Parties of 10 people folded in from the data set's users.
const byUser = new Map<number, { itemIx: number[]; score: number[] }>();
for (let row = 0; row < ds.ratings.count; row++) {
  const u = ds.ratings.userIx[row]!;
  let p = byUser.get(u);
  if (!p) byUser.set(u, (p = { itemIx: [], score: [] }));
  p.itemIx.push(ds.ratings.itemIx[row]!);
  p.score.push(ds.ratings.score[row]!);
}
const people = [...byUser.values()].map((p) => ({ folded: model.foldIn({ itemIx: Int32Array.from(p.itemIx), score: Int8Array.from(p.score) }), seen: p.itemIx }));
const party = () => Array.from({ length: 10 }, () => people[Math.floor(rand() * people.length)]!);

function time(label: string, runs: number, fn: () => unknown) {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  console.log(`${label}: p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms over ${runs} runs`);
}

const seenOf = (members: typeof people) => new Set(members.flatMap((m) => m.seen));
time('ours: one pass per member, exhaustive ranking', 300, () => {
  const members = party();
  const predictions = members.map((m) => {
    const out = new Float32Array(nItems);
    model.predictFoldedAll(m.folded, out);
    return out;
  });
  return rankForGroup(predictions, seenOf(members), 10);
});
time('pruned: first member in full, the others per anime', 300, () => {
  const members = party();
  const first = new Float32Array(nItems);
  model.predictFoldedAll(members[0]!.folded, first);
  return rankForGroupPruned(first, (k, i) => Math.fround(model.predictFolded(members[k]!.folded, i)), members.length, seenOf(members), 10);
});
time('peer: mean of predictFolded per member and anime, full sort', 100, () => {
  const members = party();
  const seen = seenOf(members);
  const scored: { ix: number; score: number }[] = [];
  for (let i = 0; i < nItems; i++) {
    if (seen.has(i)) continue;
    scored.push({ ix: i, score: members.reduce((s, m) => s + model.predictFolded(m.folded, i), 0) / members.length });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 10);
});
