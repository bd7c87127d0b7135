/**
 * Train the default model from a data folder and save it: what `npm start` runs when no model exists
 * and what `anirec train` runs with no tuning flags. The defaults are the best settings found.
 */
import { loadDataset } from '../data/dataset.js';
import type { Dataset } from '../data/types.js';
import type { AnirecComposite } from './anirecComposite.js';
import { trainAnirecModel, type TrainAnirecOptions } from './anirecModel.js';
import { saveAnirecModel } from './modelFolder.js';

export interface TrainDefaultOptions {
  cacheDir?: string;
  log?: (line: string) => void;
  quiet?: boolean;
  /** Overrides of the defaults (the CLI's --dim, --epochs ... flags). */
  train?: Omit<TrainAnirecOptions, 'log' | 'quiet'>;
  // Hooks for issue #11 (anirec train with the store's members): change the data before training,
  // and the model before it is saved (members' own vectors are dropped there).
  prepare?: (dataset: Dataset) => Dataset | Promise<Dataset>;
  beforeSave?: (model: AnirecComposite) => void;
}

/** Loads the data (DataMissingError says how to get it), splits, trains with the defaults, saves atomically. */
export async function trainDefaultModel(dataDir: string, modelDir: string, options: TrainDefaultOptions = {}): Promise<AnirecComposite> {
  const log = options.log ?? (options.quiet ? () => {} : (line: string) => process.stderr.write(line + '\n'));
  const loaded = await loadDataset(dataDir, options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {});
  const dataset = options.prepare ? await options.prepare(loaded) : loaded; // #11 hook
  log(`anirec: ${dataset.ratings.count.toLocaleString('en')} ratings of ${dataset.ratings.userIds.length.toLocaleString('en')} users on ${dataset.catalogue.anime.length.toLocaleString('en')} anime (${dataset.report.fromCache ? 'from cache' : 'parsed'} in ${dataset.report.seconds.toFixed(1)} s)`);
  const model = await trainAnirecModel(dataset, { ...options.train, log, quiet: options.quiet ?? false });
  options.beforeSave?.(model); // #11 hook
  await saveAnirecModel(model, modelDir);
  log(`anirec: model saved to ${modelDir}`);
  return model;
}
