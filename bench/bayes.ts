/**
 * The Bayesian factor model on ratings nobody has seen, the protocol of `anirec eval --holdout P` for
 * peers that choose settings: a seeded P% of known users' explicit rows removed, a validation tenth of
 * the rest chooses (burn-in, sweeps), the model refits on all of the rest, the removed rows are scored.
 * Usage: npx tsx bench/bayes.ts DATA_DIR [seed] [json options]  (e.g. '{"dim":16,"maxSweeps":40}')
 * Optional peers beside it: BAYES_PEERS=baseline,libmf.
 */
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import { loadavg } from 'node:os';
import { removeHoldout } from '../src/model/holdout.js';
import { BayesModel } from '../src/model/bayes/index.js';
import { createModel } from '../src/model/registry.js';
import type { TrainingData } from '../src/model/types.js';

const [dir = '../shared/data/mal-sample', seedText = '42', json = '{}'] = process.argv.slice(2);
const seed = Number(seedText);
const dataset = await loadDataset(dir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18cache' });
const { ratings, catalogue } = dataset;
const { rest, removed } = removeHoldout(ratings, Number(process.env.HOLDOUT ?? 10), seed);
const tuneSplits = makeSplits(rest, { seed, testShare: 0, heldOutUserShare: 0, validationShare: 0.1 });
const data: TrainingData = { catalogue, ratings: rest, splits: tuneSplits, nUsers: rest.userIds.length };
const truth = Float32Array.from(removed, (r) => ratings.score[r]!);
const score = (predict: (u: number, i: number) => number) => {
  let sse = 0;
  for (let k = 0; k < removed.length; k++) sse += (predict(ratings.userIx[removed[k]!]!, ratings.itemIx[removed[k]!]!) - truth[k]!) ** 2;
  return Math.sqrt(sse / removed.length);
};
const options = JSON.parse(json) as Record<string, unknown>;
const load = loadavg()[0]!.toFixed(2);
const t0 = performance.now();
const model = new BayesModel({ ...options, log: process.env.QUIET ? undefined : (line) => process.stderr.write(line + '\n') });
const report = await model.fit(data);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ dir, seed, options, load, holdoutRmse: Number(score((u, i) => model.predict(u, i)).toFixed(5)), seconds: Number(seconds.toFixed(1)), notes: report.notes }));
for (const name of (process.env.BAYES_PEERS ?? '').split(',').filter(Boolean)) {
  const t1 = performance.now();
  const peer = await createModel(name);
  await peer.fit(data);
  console.log(JSON.stringify({ peer: name, seed, holdoutRmse: Number(score((u, i) => peer.predict(u, i)).toFixed(5)), seconds: Number(((performance.now() - t1) / 1000).toFixed(1)) }));
}
