import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataMissingError } from '../../src/errors.js';
import { loadAnirecModel } from '../../src/model/anirecModel.js';
import { trainDefaultModel } from '../../src/model/trainDefault.js';
import { makePlanted, writePlanted } from '../../support/planted.js';

const work = mkdtempSync(join(tmpdir(), 'anirec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('trainDefaultModel', () => {
  it('given a data folder without anime.csv then it says how to get the data and writes no model', async () => {
    const dataDir = join(work, 'empty');
    const modelDir = join(work, 'never');
    const error = await trainDefaultModel(dataDir, modelDir, { cacheDir: join(work, 'cache'), quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataMissingError);
    expect((error as Error).message).toBe(
      `${join(dataDir, 'anime.csv')} not found. Run \`anirec data --download --data ${dataDir}\`, or download the Kaggle dataset CooperUnion/anime-recommendations-database and put anime.csv and rating.csv in ${dataDir}.`,
    );
    expect(existsSync(modelDir)).toBe(false);
  });

  it('given a data folder then it trains with the defaults, logs progress and saves a model that loads', async () => {
    const dataDir = writePlanted(join(work, 'planted'), makePlanted({ users: 150, anime: 40, groups: 4, ratingsPerUser: 15, seed: 9 }));
    const modelDir = join(work, 'model');
    const lines: string[] = [];
    const model = await trainDefaultModel(dataDir, modelDir, { cacheDir: join(work, 'cache'), quiet: true, log: (line) => lines.push(line) });
    expect(lines[0]).toMatch(/^anirec: 2,\d{3} ratings of 150 users on 40 anime \(parsed in [\d.]+ s\)$/);
    expect(lines.at(-1)).toBe(`anirec: model saved to ${modelDir}`);
    const loaded = await loadAnirecModel(modelDir);
    expect(loaded.info).toEqual(model.info);
    expect(loaded.catalogue.anime.map((a) => a.animeId)).toEqual(model.catalogue.anime.map((a) => a.animeId));
  });
});
