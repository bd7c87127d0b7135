/** Where a data folder's files are, and what to tell people when they are not there. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataMissingError } from '../errors.js';

export interface DataFiles {
  dir: string;
  /** anime.csv, or anime.csv.gz when only that exists (the shipped demo set). */
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

/** NAME.csv, else NAME.csv.gz; DataMissingError names the plain file when neither exists. */
function csvOrGzip(dir: string, name: string): string {
  const plain = join(dir, `${name}.csv`);
  if (existsSync(plain)) return plain;
  if (existsSync(`${plain}.gz`)) return `${plain}.gz`;
  throw new DataMissingError(plain, dataMissingHint(dir));
}

/** Finds anime.csv and rating.csv (either may be gzipped) in dir; DataMissingError names the first one missing. */
export function locateDataFiles(dirArg: string): DataFiles {
  const dir = resolve(dirArg);
  return { dir, animeFile: csvOrGzip(dir, 'anime'), ratingFile: csvOrGzip(dir, 'rating') };
}

/** Whether dir holds a data set (both files, plain or gzipped). */
export function hasDataFiles(dir: string): boolean {
  try {
    locateDataFiles(dir);
    return true;
  } catch (error) {
    if (error instanceof DataMissingError) return false;
    throw error;
  }
}
