/**
 * A small REAL model for the end-to-end tests: the planted fixture written to a temp folder, loaded
 * like any data folder, trained and saved, so the bot (in-process or spawned) loads it as it would
 * a model trained on MyAnimeList.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/dataset.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecModel } from '../../src/model/anirecModel.js';
import { makePlanted, writePlanted, type Planted } from '../../support/planted.js';

export interface TestModel {
  root: string;
  dataDir: string;
  modelDir: string;
  cacheDir: string;
  planted: Planted;
  model: AnirecModel;
}

export async function prepareTestModel(): Promise<TestModel> {
  const root = mkdtempSync(join(tmpdir(), 'anirec-e2e-'));
  const dataDir = join(root, 'data');
  const modelDir = join(root, 'model');
  const cacheDir = join(root, 'cache');
  const planted = makePlanted({ users: 200, anime: 60, groups: 4, ratingsPerUser: 20, seed: 7 });
  writePlanted(dataDir, planted);
  const dataset = await loadDataset(dataDir, { cacheDir });
  const trained = await trainAnirecModel(dataset, { quiet: true, explicitKinds: ['embedding'] });
  await saveAnirecModel(trained, modelDir);
  // The bot serves what it loads from the folder, so the tests do too.
  const model = await loadAnirecModel(modelDir);
  return { root, dataDir, modelDir, cacheDir, planted, model };
}
