/**
 * Sweeps of the Bayesian model's chain at 1 and 2 threads on every row of a folder (the served fit's
 * work), each sweep's time and its row-draw share, and the final α at each thread count (per-row seeds:
 * it must be the same). Timings depend on load: uptime is printed beside them.
 * Usage: npx tsx bench/bayesThreads.ts DATA_DIR [sweeps] [threads list, e.g. 1,2]
 */
import { execSync } from 'node:child_process';
import { loadDataset } from '../src/data/dataset.js';
import { allRowsSplits } from '../src/model/anirecModel.js';
import { BayesModel } from '../src/model/bayes/index.js';
import type { TrainingData } from '../src/model/types.js';

const [dir = '../shared/data/mal-sample', sweepsText = '6', threadList = '1,2'] = process.argv.slice(2);
const sweeps = Number(sweepsText);
const dataset = await loadDataset(dir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18cache' });
const { ratings, catalogue } = dataset;
const data: TrainingData = { catalogue, ratings, splits: allRowsSplits(ratings, 42), nUsers: ratings.userIds.length };
for (const threads of threadList.split(',').map(Number)) {
  const lines: string[] = [];
  const t0 = performance.now();
  const model = new BayesModel({ threads, burnIn: Math.min(3, sweeps - 1), sweeps, log: (line) => lines.push(line) });
  await model.fit(data);
  const seconds = (performance.now() - t0) / 1000;
  const perSweep = lines.map((l) => /\((\d+\.\d) s, rows (\d+\.\d) s\)/.exec(l)).filter((m) => m !== null).map((m) => `${m![1]}/${m![2]}`);
  console.log(`threads ${threads}: ${seconds.toFixed(1)} s for ${sweeps} sweeps (fit incl. CSRs); per sweep total/rows s: ${perSweep.join(' ')}; alpha ${model.posterior.alpha}; ${execSync('uptime').toString().trim()}`);
}
