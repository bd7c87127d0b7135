/** Planted data with a simple seeded split (known users only): what the embedding tests train on. */
import { makePlanted, mulberry32, type Planted, type PlantedOptions } from '../../../support/planted.js';
import type { Splits } from '../../../src/data/types.js';
import type { TrainingData } from '../../../src/model/types.js';
import { rmseOnRows } from '../../../src/model/metrics.js';

export interface PlantedData {
  planted: Planted;
  data: TrainingData;
}

/** Explicit rows: 10% validation, 10% test, the rest (and every watched row) train. */
export function splitPlanted(planted: Planted, seed = 7): Splits {
  const rand = mulberry32(seed);
  const train: number[] = [], validation: number[] = [], test: number[] = [];
  const { score, count } = planted.ratings;
  for (let r = 0; r < count; r++) {
    if (score[r]! < 1) { train.push(r); continue; }
    const x = rand();
    (x < 0.1 ? validation : x < 0.2 ? test : train).push(r);
  }
  return {
    seed, train: Uint32Array.from(train), validation: Uint32Array.from(validation), test: Uint32Array.from(test),
    heldOutUsers: new Int32Array(0), profile: new Uint32Array(0), target: new Uint32Array(0),
  };
}

export function makePlantedData(options: PlantedOptions = {}): PlantedData {
  const planted = makePlanted(options);
  const splits = splitPlanted(planted);
  return { planted, data: { catalogue: planted.catalogue, ratings: planted.ratings, splits, nUsers: planted.ratings.userIds.length } };
}

/** RMSE of predict() on the explicit rows given. */
export function rmseOf(predict: (u: number, i: number) => number, data: TrainingData, rows: Uint32Array): number {
  return rmseOnRows(predict, data.ratings, rows);
}

export function globalMeanRmse(data: TrainingData): number {
  let sum = 0, n = 0;
  for (const r of data.splits.train) if (data.ratings.score[r]! >= 1) { sum += data.ratings.score[r]!; n++; }
  const mean = sum / n;
  return rmseOf(() => mean, data, data.splits.test);
}
