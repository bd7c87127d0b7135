/**
 * Which model the front-ends serve, trained on first use: the model folder's; else one trained from the
 * data folder (the Kaggle files win whenever they are there); else one trained from the demo set shipped
 * in `demo/`, kept in its own folder so that adding the real data later trains the real model.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { DEMO_HINT, findDemoDataDir } from '../data/demoData.js';
import { hasDataFiles, locateDataFiles } from '../data/dataFiles.js';
import { DataMissingError, ModelMissingError } from '../errors.js';
import type { Logger } from '../log.js';
import { loadAnirecModel, type AnirecModel } from '../model/anirecModel.js';
import { trainDefaultModel } from '../model/trainDefault.js';

export interface ModelSource {
  /** 'data': the data and model folders of the configuration; 'demo': the shipped demo set. */
  kind: 'data' | 'demo';
  dataDir: string;
  modelDir: string;
}

export function hasTrainedModel(dir: string): boolean {
  return existsSync(join(dir, 'info.json'));
}

function demoDataDir(config: Pick<Config, 'demo'>): string | undefined {
  return config.demo ? findDemoDataDir() : undefined;
}

/** Where the served model comes from (and goes, when it has to be trained). */
export function chooseModelSource(config: Pick<Config, 'dataDir' | 'modelDir' | 'demoModelDir' | 'demo'>, demoDir = demoDataDir(config)): ModelSource {
  const configured: ModelSource = { kind: 'data', dataDir: config.dataDir, modelDir: config.modelDir };
  if (hasTrainedModel(config.modelDir) || hasDataFiles(config.dataDir) || demoDir === undefined) return configured;
  return { kind: 'demo', dataDir: demoDir, modelDir: config.demoModelDir };
}

/**
 * What `anirec train` reads and writes: --data and --model when given; otherwise the configured folders,
 * or the demo set (into the demo model folder) while the data folder holds no data.
 */
export function chooseTrainSource(config: Pick<Config, 'dataDir' | 'modelDir' | 'demoModelDir' | 'demo'>, dataArg?: string, modelArg?: string, demoDir = demoDataDir(config)): ModelSource {
  if (dataArg !== undefined || hasDataFiles(config.dataDir) || demoDir === undefined) {
    return { kind: 'data', dataDir: dataArg ?? config.dataDir, modelDir: modelArg ?? config.modelDir };
  }
  return { kind: 'demo', dataDir: demoDir, modelDir: modelArg ?? config.demoModelDir };
}

/** The one line that says a demo model serves, and how to get the real one. */
export function demoNotice(modelDir: string): string {
  return `demo model: trained on the demo set shipped in demo/ (78,089 real MyAnimeList ratings; model in ${modelDir}). ${DEMO_HINT}`;
}

export interface ServedModel {
  model: AnirecModel;
  source: ModelSource;
}

/** The served model, training it first (with a progress bar on a terminal) when its folder has none. */
export async function loadOrTrainModel(config: Config, log: Logger): Promise<ServedModel> {
  const source = chooseModelSource(config);
  try {
    return { model: await loadAnirecModel(source.modelDir), source };
  } catch (error) {
    if (!(error instanceof ModelMissingError)) throw error;
  }
  try {
    locateDataFiles(source.dataDir);
  } catch (error) {
    if (error instanceof DataMissingError) {
      throw new DataMissingError(
        error.path,
        `There is no trained model in ${source.modelDir} and no data to train one. Get the data with ` +
          `\`npm run anirec -- data --download\`, or put anime.csv and rating.csv in ${source.dataDir}.`,
      );
    }
    throw error;
  }
  log.info(`no trained model in ${source.modelDir}: training one from ${source.dataDir} (this happens once)`);
  const model = await trainDefaultModel(source.dataDir, source.modelDir, { cacheDir: config.cacheDir, log: (line: string) => log.info(line), quiet: false });
  return { model, source };
}
