/**
 * Parses rating.csv / rating.csv.gz (user_id,anime_id,rating) into Ratings with dense id maps.
 * `-1` is kept as WATCHED; repeated (user, anime) pairs keep the last score; anime missing from the
 * catalogue are dropped. Each of these is counted.
 */
import type { Catalogue, Ratings } from './types.js';
import { readCsvFile, RowProblem, type CsvReadResult } from './csvFile.js';
import { RatingTable, finishRatings } from './ratingTable.js';

export const RATING_HEADER = ['user_id', 'anime_id', 'rating'] as const;

export interface RatingCsvOptions {
  skipMalformed?: boolean;
  onProgress?: (fraction: number) => void;
}

export interface RatingCsv extends CsvReadResult {
  ratings: Ratings;
  duplicates: number;
  droppedUnknownAnime: number;
}

const MAX_ID = 2_147_483_647;

/** Digits only, no sign or spaces: the common case, without allocating. NaN otherwise. */
function parseDigits(text: string): number {
  const length = text.length;
  if (length === 0 || length > 10) return NaN;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

/** The problem with a cell that is not a plain whole number, in words. */
function describeBadNumber(column: string, text: string): string {
  const value = text.trim();
  if (value === '' || !Number.isFinite(Number(value))) return `${column} "${text}" is not a number`;
  return `${column} "${text}" is not a whole number`;
}

function parseId(column: string, text: string): number {
  let value = parseDigits(text);
  if (Number.isNaN(value)) {
    const trimmed = text.trim();
    value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (Number.isNaN(value)) {
      if (/^-\d+$/.test(trimmed)) throw new RowProblem(`${column} ${trimmed} is negative`);
      throw new RowProblem(describeBadNumber(column, text));
    }
  }
  if (value > MAX_ID) throw new RowProblem(`${column} ${value} is too large`);
  return value;
}

function parseScore(text: string): number {
  let value = parseDigits(text);
  if (Number.isNaN(value)) {
    const trimmed = text.trim();
    value = /^-?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (Number.isNaN(value)) throw new RowProblem(describeBadNumber('score', text));
  }
  if (value === -1 || (value >= 1 && value <= 10)) return value;
  throw new RowProblem(`score ${value} is not -1 (watched) or 1..10`);
}

export async function readRatingCsv(path: string, catalogue: Catalogue, options: RatingCsvOptions = {}): Promise<RatingCsv> {
  const table = new RatingTable();
  const ixByUserId = new Map<number, number>();
  const userIds: number[] = [];
  const ixByAnimeId = catalogue.ixByAnimeId;
  let droppedUnknownAnime = 0;

  const read = await readCsvFile(path, {
    header: RATING_HEADER,
    skipMalformed: options.skipMalformed,
    onProgress: options.onProgress,
    onRow(fields) {
      if (fields.length !== 3) throw new RowProblem(`expected 3 fields, found ${fields.length}`);
      const userId = parseId('user_id', fields[0]!);
      const animeId = parseId('anime_id', fields[1]!);
      const score = parseScore(fields[2]!);
      const itemIx = ixByAnimeId.get(animeId);
      if (itemIx === undefined) {
        droppedUnknownAnime++;
        return;
      }
      let userIx = ixByUserId.get(userId);
      if (userIx === undefined) {
        userIx = userIds.length;
        ixByUserId.set(userId, userIx);
        userIds.push(userId);
      }
      table.push(userIx, itemIx, score);
    },
  });

  const { ratings, duplicates } = finishRatings(table, Int32Array.from(userIds), catalogue.anime.length);
  return { ...read, ratings, duplicates, droppedUnknownAnime };
}
