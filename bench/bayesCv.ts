/**
 * 5-fold cross-validation of the Bayesian factor model's settings on a small folder (the real sample,
 * where one validation split moves by ±0.02): each fold fits with a fixed schedule (no self-tuning on the
 * rows it is scored on) and is scored on its own rows. Folds are the same for every setting (paired).
 * Usage: npx tsx bench/bayesCv.ts DATA_DIR 'JSON options' ['JSON options' ...]
 */
import { loadDataset } from '../src/data/dataset.js';
import { crossValidate, kFoldSplits } from '../src/model/crossValidate.js';
import { BayesModel } from '../src/model/bayes/index.js';

const [dir = '../shared/data/mal-sample', ...settings] = process.argv.slice(2);
const dataset = await loadDataset(dir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18cache' });
const folds = kFoldSplits(dataset.ratings, 5, 42);
const none = new Uint32Array(0);
for (const json of settings.length > 0 ? settings : ['{}']) {
  const options = JSON.parse(json) as Record<string, unknown>;
  const t0 = performance.now();
  const cv = await crossValidate({ catalogue: dataset.catalogue, ratings: dataset.ratings, nUsers: dataset.ratings.userIds.length }, folds, async (data) => {
    const model = new BayesModel(options);
    await model.fit({ ...data, splits: { ...data.splits, validation: none } });
    return model;
  });
  console.log(JSON.stringify({ options, rmse: Number(cv.rmse.toFixed(4)), stderr: Number(cv.stderr.toFixed(4)), folds: cv.folds.map((f) => Number(f.toFixed(4))), seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
}
