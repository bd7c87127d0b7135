/**
 * `anirec tune`: k-fold cross-validation of the explicit model's settings, the way its defaults are chosen
 * (README, "How the defaults are chosen"). Each fold runs the served explicit pipeline on the other folds'
 * rows (kind and schedule chosen on an inner split, then replayed on all of them) and is scored on its own
 * rows, which nothing else saw. Prints one line per setting: mean RMSE ± standard error over the folds.
 */
import { readConfig } from '../../config.js';
import { loadDataset } from '../../data/dataset.js';
import { InvalidOptionError } from '../../errors.js';
import { fitServedExplicit } from '../../model/anirecModel.js';
import { crossValidate, kFoldSplits } from '../../model/crossValidate.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../model/embedding/index.js';
import { intOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec tune [--data DIR] [--folds K] [--seed N] [--explicit KIND] --grid "name=a,b;name=c,d"

Cross-validates every combination of the grid's explicit-model options (names as in
src/model/embedding/options.ts, e.g. dim, reg, topMargin, priorReg, foldInReg) over K folds of the explicit
rows, each fold scored on rows the fit never saw. One line per combination: mean RMSE ± standard error.

Options:
  --data DIR       data folder (default: ANIREC_DATA_DIR, else ./data)
  --folds K        number of folds (default 5)
  --seed N         seed of the fold assignment (default 1)
  --explicit KIND  embedding, hybrid or best (default best: validation picks, as anirec train does)
  --grid SPEC      settings to try, e.g. "dim=16,32;topMargin=0,0.5" (default: the defaults alone)
`;

type Grid = [keyof TrainOptions, number[]][];

/** Parses "a=1,2;b=3" into option names and values, naming a bad part in one line. */
export function parseGrid(spec: string | undefined): Grid {
  if (spec === undefined || spec.trim() === '') return [];
  return spec.split(';').filter((part) => part.trim() !== '').map((part) => {
    const [name, values] = part.split('=').map((x) => x.trim());
    if (!name || !values || !(name in DEFAULT_TRAIN_OPTIONS) || typeof DEFAULT_TRAIN_OPTIONS[name as keyof TrainOptions] !== 'number') {
      throw new InvalidOptionError('--grid', `"${part.trim()}" is not name=v1,v2 with a numeric option of the explicit model`);
    }
    const numbers = values.split(',').map(Number);
    if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidOptionError('--grid', `"${values}" is not a list of numbers`);
    return [name as keyof TrainOptions, numbers];
  });
}

/** Every combination of the grid, as partial options. */
export function combinations(grid: Grid): Partial<TrainOptions>[] {
  let out: Partial<TrainOptions>[] = [{}];
  for (const [name, values] of grid) out = out.flatMap((o) => values.map((v) => ({ ...o, [name]: v })));
  return out;
}

const command: Subcommand = {
  summary: 'cross-validate explicit-model settings (how the defaults are chosen)',
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, { data: { type: 'string' }, folds: { type: 'string' }, seed: { type: 'string' }, grid: { type: 'string' }, explicit: { type: 'string' } });
    const k = intOption('folds', values.folds, 5, 2, 20);
    const seed = intOption('seed', values.seed, 1, 0, 2 ** 31 - 1);
    const kind = values.explicit ?? 'best';
    if (!['embedding', 'hybrid', 'best'].includes(kind)) throw new InvalidOptionError('--explicit', `"${kind}" is not embedding, hybrid or best`);
    const settings = combinations(parseGrid(values.grid));
    const config = readConfig(process.env);
    const dataset = await loadDataset(values.data ?? config.dataDir, { cacheDir: config.cacheDir });
    const folds = kFoldSplits(dataset.ratings, k, seed);
    const data = { catalogue: dataset.catalogue, ratings: dataset.ratings, nUsers: dataset.ratings.userIds.length };
    process.stdout.write(`${k}-fold cross-validation on ${dataset.dir} (seed ${seed}), explicit model: ${kind}\n`);
    for (const setting of settings) {
      const started = performance.now();
      const cv = await crossValidate(data, folds, (fold) => fitServedExplicit(fold, {
        explicit: { threads: config.threads, ...setting },
        ...(kind === 'best' ? {} : { explicitKinds: [kind as 'embedding' | 'hybrid'] }),
      }));
      const label = Object.entries(setting).map(([name, v]) => `${name}=${v}`).join(' ') || '(defaults)';
      process.stdout.write(`${label.padEnd(36)} RMSE ${cv.rmse.toFixed(4)} ± ${cv.stderr.toFixed(4)}  folds ${cv.folds.map((f) => f.toFixed(4)).join(' ')}  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    }
    return 0;
  },
};
export default command;
