/**
 * `anirec train`: loads the data, splits it, trains the composite model (explicit embedding + implicit
 * WRMF, blend tuned on validation users) and saves it atomically to the model folder. The defaults are
 * the best settings found: no flag is needed for a good model. A summary goes to stderr.
 */
import { chooseTrainSource, demoNotice } from '../../app/modelSource.js';
import { readConfig, type Config } from '../../config.js';
import { trainDefaultModel, type TrainDefaultOptions } from '../../model/trainDefault.js';
import { loadMergedCatalogue } from '../../data/mergedCatalogue.js';
import { withMemberRatings } from '../../data/memberRatings.js';
import { dropTrainedUsers } from '../../model/dropTrainedUsers.js';
import { readStoreMembers } from '../../store/readStoreMembers.js';
import { BAYES_MAX_ROWS, computeRmse, DEFAULT_SPLIT_SEED, HYBRID_MAX_ROWS, type TrainAnirecOptions } from '../../model/anirecModel.js';
import type { ExplicitKind } from '../../model/anirecComposite.js';
import { makeSplits } from '../../data/splits.js';
import type { Dataset } from '../../data/types.js';
import { DEFAULT_TRAIN_OPTIONS as D } from '../../model/embedding/index.js';
import { AUTO_ADAGRAD_ROWS } from '../../model/embedding/options.js';
import { InvalidOptionError } from '../../errors.js';
import { intOption, numberOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec train [--data DIR] [--model DIR] [options]

Trains the anirec model (an explicit embedding model for ratings plus an implicit model of what people
watch, the -1 rows included) and saves it to the model folder, replacing any model there only once the
new one is complete.

Options:
  --data DIR        folder with anime.csv and rating.csv(.gz) (default: ANIREC_DATA_DIR, else data; while
                    that holds no data, the demo set shipped in demo/)
  --model DIR       where to save the model (default: ANIREC_MODEL_DIR, else models/default; the demo
                    set's model goes to ANIREC_DEMO_MODEL_DIR, else models/demo)
  --dim N           embedding width of the explicit model (default ${D.dim})
  --epochs N        most epochs per optimiser phase (default ${D.epochs}, early stopping on validation)
  --lr X            Adam learning rate of the explicit model (default ${D.lr})
  --reg X           L2 penalty of the explicit model, scaled by count^-${D.regExponent} (default ${D.reg};
                    ${D.regSmall} below ${AUTO_ADAGRAD_ROWS.toLocaleString('en')} training ratings, where Adam trains)
  --threads N       worker threads, 0 = one per core (default: ANIREC_THREADS, else 0)
  --seed N          seed of initialisation and shuffling (default ${D.seed}); with --threads 1 a run repeats exactly
  --without-members train on the data folder alone (by default the ratings store's members, ANIREC_STORE_URL,
                    join as extra users, so anime newer than anime.csv that they rated get real vectors)
  --explicit KIND   embedding, hybrid, bayes or best (default best: every kind its size allows is trained
                    and the lowest validation RMSE wins: hybrid below ${HYBRID_MAX_ROWS.toLocaleString('en')} explicit
                    training ratings, bayes below ${BAYES_MAX_ROWS.toLocaleString('en')}; the embedding always)
`;

/** trainDefaultModel's hooks that add the store's members as users and drop their vectors before saving. */
async function withStoreMembers(config: Config): Promise<Pick<TrainDefaultOptions, 'prepare' | 'beforeSave'>> {
  const rows = await readStoreMembers(config.storeUrl);
  if (rows === undefined || rows.members.length === 0) return {};
  let trained: Dataset | undefined;
  return {
    async prepare(dataset) {
      const merged = await loadMergedCatalogue(dataset.catalogue.anime, { cacheDir: config.cacheDir }).catch(() => undefined);
      const { dataset: withMembers, report } = withMemberRatings(dataset, rows, merged?.catalogue);
      process.stderr.write(
        `anirec train: ${report.members} members of the store join as users: ${report.rows} rows (${report.explicit} scored), ` +
          `${report.newAnimeRows} of ${report.newAnime} anime newer than anime.csv\n`,
      );
      trained = withMembers;
      return withMembers;
    },
    beforeSave(model) {
      // The held-out test rows of MyAnimeList users and of members apart (the same split the training used).
      if (trained !== undefined) {
        const seed = Number((model.info.params as { splitSeed?: number }).splitSeed ?? DEFAULT_SPLIT_SEED);
        const { test } = makeSplits(trained.ratings, { seed });
        const ids = trained.ratings.userIds;
        const userIx = trained.ratings.userIx;
        const part = (members: boolean) => test.filter((row) => ids[userIx[row]!]! < 0 === members);
        const mal = part(false);
        const members = part(true);
        model.info.metrics.testRmseMalUsers = Number(computeRmse(model.explicit, trained.ratings, mal).toFixed(4));
        if (members.length > 0) model.info.metrics.testRmseMembers = Number(computeRmse(model.explicit, trained.ratings, members).toFixed(4));
        process.stderr.write(
          `anirec train: test RMSE ${model.info.metrics.testRmseMalUsers} on MyAnimeList users' rows (${mal.length}), ` +
            `${model.info.metrics.testRmseMembers ?? '-'} on members' rows (${members.length})\n`,
        );
      }
      dropTrainedUsers(model, (userId) => userId < 0);
    },
  };
}

const command: Subcommand = {
  summary: 'train the model and save it to the model folder',
  usage: USAGE,
  async run(argv) {
    const args = parseOptions(argv, {
      data: { type: 'string' },
      model: { type: 'string' },
      dim: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      reg: { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
      explicit: { type: 'string' },
      'without-members': { type: 'boolean' },
    });
    const config = readConfig();
    const explicit: NonNullable<TrainAnirecOptions['explicit']> = {};
    if (args.dim !== undefined) explicit.dim = intOption('dim', args.dim, D.dim, 1, 512);
    if (args.epochs !== undefined) explicit.epochs = intOption('epochs', args.epochs, D.epochs, 1, 1000);
    if (args.lr !== undefined) explicit.lr = numberOption('lr', args.lr, D.lr, 1e-6, 10);
    if (args.reg !== undefined) explicit.reg = numberOption('reg', args.reg, D.reg, 0, 100);
    const threads = intOption('threads', args.threads, config.threads, 0, 64);
    const seed = intOption('seed', args.seed, D.seed, 0, 2 ** 31 - 1);
    const kind = args.explicit ?? 'best';
    if (!['embedding', 'hybrid', 'bayes', 'best'].includes(kind)) throw new InvalidOptionError('--explicit', `"${kind}" is not embedding, hybrid, bayes or best`);
    const source = chooseTrainSource(config, args.data, args.model);
    const modelDir = source.modelDir;
    if (source.kind === 'demo') process.stderr.write(`anirec train: ${config.dataDir} holds no data: training on the demo set (${source.dataDir})\n`);
    const started = performance.now();
    const model = await trainDefaultModel(source.dataDir, modelDir, {
      cacheDir: config.cacheDir,
      ...(args['without-members'] ? {} : await withStoreMembers(config)),
      train: {
        explicit: { ...explicit, threads, seed },
        implicit: { threads, seed },
        ...(kind === 'best' ? {} : { explicitKinds: [kind as ExplicitKind] }),
      },
    });
    const m = model.info.metrics;
    process.stderr.write(
      [
        `anirec train: saved to ${modelDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        `  explicit model: ${model.info.explicitModel}; validation RMSE ${m.validationRmse}, test RMSE ${m.testRmse}`,
        `  ranking (beta ${model.blend.beta}): validation Hit@10 ${m.validationHitAt10} vs popularity ${m.validationHitAt10Popularity} on ${m.validationUsers} known users`,
      ].join('\n') + '\n',
    );
    if (source.kind === 'demo') process.stderr.write(`anirec train: ${demoNotice(modelDir)}\n`);
    return 0;
  },
};
export default command;
