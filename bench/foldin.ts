/**
 * Fold-in latency: how long the composite model takes to turn a new person's 100 rows into a ranking-ready
 * state (explicit Gauss-Newton fold-in + implicit closed-form WRMF fold-in), p50/p99 over many people.
 * Peer, in the same run: the textbook TF.js fold-in, 20 Adam steps on the person's vector and bias
 * against the frozen anime factors with tf ops (same loss and penalty, pulled towards zero rather than
 * the taste prior: the same work per step).
 * Goal: at most 5 ms for 100 ratings. Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic).
 * Fold-in cost depends on the widths and the profile size, not on training quality, so the model here
 * is trained briefly (2 epochs / 2 ALS sweeps) at the default widths to keep the bench short.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import { trainAnirecModel } from '../src/model/anirecModel.js';
import { loadTf, type EmbeddingModel } from '../src/model/embedding/index.js';
import type { Profile } from '../src/model/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const PROFILE_ROWS = 100;
const PEOPLE = 300;
const RUNS = 2000;
const PEER_PEOPLE = 30;
const ADAM_STEPS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ds = await loadDataset(dataDir);
const splits = makeSplits(ds.ratings, { seed: 42 });
const trainStart = performance.now();
const model = await trainAnirecModel(ds, {
  splits,
  explicitKinds: ['embedding'],
  explicit: { epochs: 2 },
  implicit: { iterations: 2, threads: 2 },
  beta: 0.1,
  quiet: true,
  log: () => {},
});
console.log(`model for the bench trained in ${((performance.now() - trainStart) / 1000).toFixed(1)} s (explicit dim ${model.explicit.dim}, implicit dim ${model.implicit.dim})`);

// People with at least 100 rows: their first 100 rows (rated and watched, as in the data).
const r = ds.ratings;
const rowsByUser = new Map<number, number[]>();
for (let row = 0; row < r.count; row++) {
  const u = r.userIx[row]!;
  const list = rowsByUser.get(u) ?? [];
  if (list.length < PROFILE_ROWS) list.push(row);
  rowsByUser.set(u, list);
}
const profiles: Profile[] = [];
for (const rows of rowsByUser.values()) {
  if (rows.length < PROFILE_ROWS) continue;
  profiles.push({ itemIx: Int32Array.from(rows, (row) => r.itemIx[row]!), score: Int8Array.from(rows, (row) => r.score[row]!) });
  if (profiles.length === PEOPLE) break;
}
const rated = profiles.reduce((n, p) => n + p.score.filter((s) => s > 0).length, 0) / profiles.length;

function time(label: string, fn: (p: Profile) => unknown, runs: number, people: Profile[]) {
  for (let w = 0; w < 100; w++) fn(people[w % people.length]!);
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const p = people[k % people.length]!;
    const t0 = performance.now();
    fn(p);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const result = { label, p50: percentile(times, 50), p99: percentile(times, 99) };
  console.log(`${label}: p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms over ${runs} fold-ins`);
  return result;
}

const composite = time('anirec foldIn (explicit + implicit)', (p) => model.foldIn(p), RUNS, profiles);
const explicitOnly = time('  explicit part (Gauss-Newton)', (p) => model.explicit.foldIn(p), RUNS, profiles);
const implicitOnly = time('  implicit part (closed form)', (p) => model.implicit.foldIn(p), RUNS, profiles);

// Peer: 20 Adam steps with TF.js ops on the same objective (squared error through the sigmoid + ridge).
const { tf, backend } = await loadTf(() => {});
const { lo, hi } = model.explicit.scale;
const dim = model.explicit.dim;
// The model's person penalty (the prior's pull counted towards zero here: the same work per step).
const { perSqrtRating, prior: priorPenalty } = (model.explicit as EmbeddingModel).modelState.userPenalty;
function foldInWithAdam(p: Profile): void {
  const rows = [...p.itemIx.keys()].filter((k) => p.score[k]! > 0);
  const lambda = priorPenalty + perSqrtRating * Math.sqrt(rows.length);
  tf.tidy(() => {
    const q = tf.tensor2d(rows.flatMap((k) => Array.from(model.explicit.itemFactors.subarray(p.itemIx[k]! * dim, (p.itemIx[k]! + 1) * dim))), [rows.length, dim]);
    const bi = tf.tensor1d(rows.map((k) => model.explicit.itemBias[p.itemIx[k]!]!));
    const target = tf.tensor1d(rows.map((k) => p.score[k]!));
    const x = tf.variable(tf.zeros([dim, 1]));
    const bu = tf.variable(tf.scalar(0));
    const optimizer = tf.train.adam(0.1);
    for (let step = 0; step < ADAM_STEPS; step++) {
      optimizer.minimize(() => {
        const z = q.matMul(x).reshape([-1]).add(bi).add(bu).add(model.explicit.globalOffset);
        const pred = z.sigmoid().mul(hi - lo).add(lo);
        return pred.sub(target).square().sum().add(x.square().sum().mul(lambda)) as typeof bu;
      });
    }
    x.dataSync();
    optimizer.dispose();
    x.dispose();
    bu.dispose();
  });
}
const peer = time(`peer: TF.js ${backend}, ${ADAM_STEPS} Adam steps (explicit part only)`, foldInWithAdam, PEER_PEOPLE * 3, profiles.slice(0, PEER_PEOPLE));

const md = [
  `Fold-in of a new person with ${PROFILE_ROWS} rows (${rated.toFixed(0)} scored on average), ${dataDir.split('/').slice(-1)[0]}, ${profiles.length} people:`,
  '',
  '| goal | ours p50 | ours p99 | peer p50 | peer p99 | target |',
  '|---|---|---|---|---|---|',
  `| fold-in, 100 rows (explicit + implicit) | ${composite.p50.toFixed(2)} ms | ${composite.p99.toFixed(2)} ms | ${peer.p50.toFixed(1)} ms | ${peer.p99.toFixed(1)} ms | ≤ 5 ms |`,
  '',
  `Ours: explicit Gauss-Newton fold-in p50 ${explicitOnly.p50.toFixed(2)} ms + implicit closed-form WRMF fold-in p50 ${implicitOnly.p50.toFixed(2)} ms (dims ${dim} / ${model.implicit.dim}). Peer: ${ADAM_STEPS} Adam steps with TF.js ops (${backend} backend) on the explicit part alone.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'foldin.md'), md);
console.log(`wrote bench/results/foldin.md`);
