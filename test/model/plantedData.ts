/**
 * Training data for model tests: a planted set (support/planted.ts) split by the project's own
 * makeSplits, plus one anime appended to the catalogue that nobody rated (the "unknown anime").
 */
import { makeSplits } from '../../src/data/splits.js';
import type { Catalogue, Ratings } from '../../src/data/types.js';
import type { TrainingData } from '../../src/model/types.js';
import { makePlanted, type Planted, type PlantedOptions } from '../../support/planted.js';

export interface PlantedData {
  planted: Planted;
  data: TrainingData;
  /** itemIx of the anime nobody rated. */
  unratedItem: number;
  /** A userIx with no training rows (a held-out user). */
  unknownUser: number;
}

export function makePlantedData(options: PlantedOptions = {}, seed = 7): PlantedData {
  const planted = makePlanted({ users: 240, anime: 80, ratingsPerUser: 25, ...options });
  const unratedItem = planted.catalogue.anime.length;
  const anime = [
    ...planted.catalogue.anime,
    { animeId: 999_999, name: 'Nobody Watched This', genres: ['Action'], type: 'TV', episodes: 1, malScore: null, members: 1 },
  ];
  const catalogue: Catalogue = {
    ...planted.catalogue,
    anime,
    ixByAnimeId: new Map(anime.map((a, ix) => [a.animeId, ix])),
    genreIx: [...planted.catalogue.genreIx, Uint16Array.of(planted.catalogue.genreNames.indexOf('Action'))],
    typeIx: Int8Array.from([...planted.catalogue.typeIx, planted.catalogue.typeNames.indexOf('TV')]),
  };
  const ratings: Ratings = { ...planted.ratings, nItems: anime.length };
  const splits = makeSplits(ratings, { seed });
  const data: TrainingData = { catalogue, ratings, splits, nUsers: ratings.userIds.length };
  return { planted, data, unratedItem, unknownUser: splits.heldOutUsers[0]! };
}

/** The (item, score) rows of one user among the given rows, as a fold-in profile. */
export function profileOf(data: TrainingData, userIx: number, rows: Uint32Array) {
  const mine = Array.from(rows).filter((r) => data.ratings.userIx[r] === userIx);
  return { itemIx: Int32Array.from(mine, (r) => data.ratings.itemIx[r]!), score: Int8Array.from(mine, (r) => data.ratings.score[r]!) };
}

/** Test RMSE of a fitted model over the explicit test rows. */
export function testRmse(data: TrainingData, predict: (u: number, i: number) => number): number {
  let sse = 0;
  let n = 0;
  for (const r of data.splits.test) {
    const s = data.ratings.score[r]!;
    if (s <= 0) continue;
    sse += (predict(data.ratings.userIx[r]!, data.ratings.itemIx[r]!) - s) ** 2;
    n++;
  }
  return Math.sqrt(sse / n);
}
