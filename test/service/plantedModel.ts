/**
 * A REAL anirec model trained on a small planted data set (support/planted.ts), for the bot's
 * tests: small and fast (one explicit kind, few epochs, one thread). Trained once per test file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/dataset.js';
import { saveAnirecModel, trainAnirecModel, type AnirecModel } from '../../src/model/anirecModel.js';
import { makePlanted, writePlanted, type Planted } from '../../support/planted.js';

export interface PlantedModel {
  planted: Planted;
  model: AnirecModel;
  dataDir: string;
}

export async function trainPlantedModel(): Promise<PlantedModel> {
  const root = mkdtempSync(join(tmpdir(), 'anirec-'));
  const planted = makePlanted({ users: 200, anime: 80, groups: 4, ratingsPerUser: 20, seed: 7 });
  const dataDir = writePlanted(join(root, 'data'), planted);
  const dataset = await loadDataset(dataDir, { cache: false });
  const model = await trainAnirecModel(dataset, {
    quiet: true,
    explicitKinds: ['embedding'],
    explicit: { epochs: 8, threads: 1, dim: 8 },
    beta: 0.1,
  });
  return { planted, model, dataDir };
}

/** Trains a planted model and saves it in a temp folder (for the console/start tests). */
export async function savePlantedModel(): Promise<PlantedModel & { modelDir: string }> {
  const trained = await trainPlantedModel();
  const modelDir = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'model');
  await saveAnirecModel(trained.model, modelDir);
  return { ...trained, modelDir };
}
