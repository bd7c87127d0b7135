/** Where a data folder's files are, and what to tell people when they are not there. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataMissingError } from '../errors.js';

export interface DataFiles {
  dir: string;
  animeFile: string;
  /** rating.csv, or rating.csv.gz when only that exists. */
  ratingFile: string;
}

/** The sentence every "missing data" message ends with. */
export function dataMissingHint(dir: string): string {
  return (
    `Run \`anirec data --download --data ${dir}\`, or download the Kaggle dataset ` +
    `CooperUnion/anime-recommendations-database and put anime.csv and rating.csv in ${dir}.`
  );
}

/** Throws DataMissingError unless `path` exists. */
export function requireFile(path: string, dir: string): void {
  if (!existsSync(path)) throw new DataMissingError(path, dataMissingHint(dir));
}

/** Finds anime.csv and rating.csv (or rating.csv.gz) in dir; DataMissingError names the first one missing. */
export function locateDataFiles(dirArg: string): DataFiles {
  const dir = resolve(dirArg);
  const animeFile = join(dir, 'anime.csv');
  requireFile(animeFile, dir);
  const plain = join(dir, 'rating.csv');
  const gz = join(dir, 'rating.csv.gz');
  const ratingFile = existsSync(plain) ? plain : existsSync(gz) ? gz : undefined;
  if (ratingFile === undefined) throw new DataMissingError(plain, dataMissingHint(dir));
  return { dir, animeFile, ratingFile };
}
