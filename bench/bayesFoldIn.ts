/**
 * Fold-in latency of the Bayesian factor model: a new member's 100 rows (scored and watched) into their
 * row (the implicit part from every row, then the conditional mean given the posterior-mean anime rows
 * and the members' learnt prior: one (dim+1)² Cholesky), p50/p99 over many people.
 * Goal: p99 under 5 ms for 100 ratings. Fold-in cost depends on the widths and the profile size, not on
 * how long the chain ran, so the chain here is short (a fixed 6 sweeps).
 * Usage: npx tsx bench/bayesFoldIn.ts [DATA_DIR]  (default ../shared/data/mal-sample)
 */
import { loadavg } from 'node:os';
import { loadDataset } from '../src/data/dataset.js';
import { allRowsSplits } from '../src/model/anirecModel.js';
import { BayesModel } from '../src/model/bayes/index.js';
import type { Profile } from '../src/model/types.js';

const dir = process.argv[2] ?? '../shared/data/mal-sample';
const ds = await loadDataset(dir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18cache' });
const r = ds.ratings;
const model = new BayesModel({ burnIn: 3, sweeps: 6 });
await model.fit({ catalogue: ds.catalogue, ratings: r, splits: allRowsSplits(r, 42), nUsers: r.userIds.length });
const rowsByUser = new Map<number, number[]>();
for (let row = 0; row < r.count; row++) {
  const list = rowsByUser.get(r.userIx[row]!) ?? [];
  list.push(row);
  rowsByUser.set(r.userIx[row]!, list);
}
const profiles: Profile[] = [...rowsByUser.values()].filter((rows) => rows.length >= 100).slice(0, 300).map((rows) => ({
  itemIx: Int32Array.from(rows.slice(0, 100), (row) => r.itemIx[row]!),
  score: Int8Array.from(rows.slice(0, 100), (row) => r.score[row]!),
}));
for (const p of profiles.slice(0, 50)) model.foldIn(p); // warm the JIT
const times: number[] = [];
for (let run = 0; run < 2000; run++) {
  const p = profiles[run % profiles.length]!;
  const t0 = performance.now();
  model.foldIn(p);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
console.log(JSON.stringify({ dir, people: profiles.length, dim: model.options.dim, p50ms: Number(at(0.5).toFixed(3)), p99ms: Number(at(0.99).toFixed(3)), load: loadavg()[0]!.toFixed(2) }));
