/**
 * The peers of issue 10 on the full synthetic set and the real sample, fitted on the split `anirec eval`
 * uses (seed 42): Surprise's SVD (funk-svd) and SVD++ (svdpp), Surprise's KNNBaseline (knn-baseline),
 * LIBMF tuned on validation and refitted on train + validation (libmf), beside biases only (baseline).
 * For each: fit seconds (wall and CPU: the machine is shared, CPU time is the figure that repeats) and
 * held-out test RMSE of known users. Goal: svdpp trains the full synthetic set in under 2 minutes on one
 * thread. Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic) and ANIREC_SHARED_DATA/mal-sample.
 * `ANIREC_PEERS=svdpp,libmf` picks models. Writes bench/results/peers.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import type { TrainingData } from '../src/model/types.js';
import { createModel } from '../src/model/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const synthetic = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const real = join(resolve(root, process.env.ANIREC_SHARED_DATA ?? '../shared/data'), 'mal-sample');
const names = (process.env.ANIREC_PEERS ?? 'baseline,knn-baseline,funk-svd,svdpp,libmf').split(',');

interface Row {
  name: string;
  wall: number;
  cpu: number;
  rmse: number;
  notes: string;
}

async function measure(dir: string): Promise<{ rows: Row[]; ratings: number }> {
  const ds = await loadDataset(dir);
  const splits = makeSplits(ds.ratings, { seed: 42 });
  const data: TrainingData = { catalogue: ds.catalogue, ratings: ds.ratings, splits, nUsers: ds.ratings.userIds.length };
  let ratings = 0;
  for (const r of splits.train) if (ds.ratings.score[r]! > 0) ratings++;
  const rows: Row[] = [];
  for (const name of names) {
    const model = await createModel(name);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await model.fit(data);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    let sse = 0;
    let n = 0;
    for (const r of splits.test) {
      const s = ds.ratings.score[r]!;
      if (s <= 0) continue;
      sse += (model.predict(ds.ratings.userIx[r]!, ds.ratings.itemIx[r]!) - s) ** 2;
      n++;
    }
    const keep = ['factors', 'epochs', 'lambda', 'iterations', 'threads', 'regUser', 'regItem', 'gamma', 'foldInLambda'];
    const notes = Object.entries(report.notes ?? {}).filter(([k]) => keep.includes(k)).map(([k, v]) => `${k} ${v}`).join(', ');
    const row = { name, wall, cpu: (cpu.user + cpu.system) / 1e6, rmse: Math.sqrt(sse / n), notes };
    console.log(`${dir.split('/').at(-1)}: ${name} fit ${row.wall.toFixed(1)} s wall, ${row.cpu.toFixed(1)} s CPU, test RMSE ${row.rmse.toFixed(4)} (${notes})`);
    rows.push(row);
  }
  return { rows, ratings };
}

function table(title: string, result: { rows: Row[]; ratings: number }): string {
  return [
    `${title} (${result.ratings.toLocaleString('en')} explicit train ratings, split seed 42):`,
    '',
    '| model | test RMSE | fit, wall | fit, CPU | settings |',
    '|---|---:|---:|---:|---|',
    ...result.rows.map((r) => `| ${r.name} | ${r.rmse.toFixed(4)} | ${r.wall.toFixed(1)} s | ${r.cpu.toFixed(1)} s | ${r.notes} |`),
  ].join('\n');
}

const realResult = await measure(real);
const synResult = await measure(synthetic);
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const md = [
  '### Peers: Surprise\'s SVD, SVD++, KNNBaseline and LIBMF (`npx tsx bench/peers.ts`)',
  '',
  'Surprise\'s algorithms at Surprise\'s defaults; LIBMF with λ and iterations tuned on validation, then refitted on train + validation. One process, models fitted one after another. Target: svdpp fits the full synthetic set in under 2 minutes on one thread.',
  '',
  table('Real sample', realResult),
  '',
  table('Full synthetic', synResult),
  '',
  `Load average at the end: ${load} (CPU seconds are what repeats on a shared machine; libmf runs 2 threads, the rest 1).`,
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'peers.md'), md);
console.log('wrote bench/results/peers.md');
