/**
 * Parses rating.csv / rating.csv.gz (user_id,anime_id,rating) into Ratings with dense id maps.
 * `-1` is kept as WATCHED; repeated (user, anime) pairs keep the last score; anime missing from the
 * catalogue are dropped. Each of these is counted.
 *
 * Two readers, one behaviour: a byte scanner (ratingScan.ts) reads files made only of plain
 * `digits,digits,score` lines, about ten times faster than csv-parse (bench/ingest.ts measures both);
 * at the first byte it does not expect it gives up and csv-parse reads the whole file instead. So
 * every error message and every odd case (quotes, spaces, blank lines, malformed rows) comes from the
 * csv-parse path; tests run both readers on the same inputs.
 */
import type { Catalogue, Ratings } from './types.js';
import { readCsvFile, RowProblem, type CsvReadResult } from './csvFile.js';
import { finishRatings } from './ratingTable.js';
import { RatingCollector } from './ratingCollector.js';
import { scanRatingFile } from './ratingScan.js';

export const RATING_HEADER = ['user_id', 'anime_id', 'rating'] as const;

export interface RatingCsvOptions {
  skipMalformed?: boolean;
  onProgress?: (fraction: number) => void;
  /** false: csv-parse only (for tests and the benchmark). Default true. */
  fastPath?: boolean;
}

export interface RatingCsv extends CsvReadResult {
  ratings: Ratings;
  duplicates: number;
  droppedUnknownAnime: number;
  /** Which reader produced the result. */
  reader: 'scan' | 'csv-parse';
}

export const MAX_ID = 2_147_483_647;

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

/** A cell as a person would read it: spaces trimmed, one pair of surrounding quotes removed. */
function unwrap(text: string): string {
  const trimmed = text.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') && !trimmed.slice(1, -1).includes('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

/** The problem with a cell that is not a plain whole number, in words. */
function describeBadNumber(column: string, text: string): string {
  const value = unwrap(text);
  if (value === '' || !Number.isFinite(Number(value))) return `${column} "${text}" is not a number`;
  return `${column} "${text}" is not a whole number`;
}

function parseId(column: string, text: string): number {
  let value = parseDigits(text);
  if (Number.isNaN(value)) {
    const trimmed = unwrap(text);
    value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (Number.isNaN(value)) {
      if (/^-\d+$/.test(trimmed)) throw new RowProblem(`${column} ${trimmed} is negative`);
      throw new RowProblem(describeBadNumber(column, text));
    }
  }
  if (value > MAX_ID) throw new RowProblem(`${column} ${value} is too large`);
  return value;
}

/** true for -1 (watched) and 1..10. */
export function isValidScore(value: number): boolean {
  return value === -1 || (value >= 1 && value <= 10);
}

function parseScore(text: string): number {
  let value = parseDigits(text);
  if (Number.isNaN(value)) {
    const trimmed = unwrap(text);
    value = /^-?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (Number.isNaN(value)) throw new RowProblem(describeBadNumber('score', text));
  }
  if (isValidScore(value)) return value;
  throw new RowProblem(`score ${value} is not -1 (watched) or 1..10`);
}

/** The csv-parse reader: handles everything, names every problem. */
async function readWithCsvParse(path: string, catalogue: Catalogue, options: RatingCsvOptions) {
  const collector = new RatingCollector(catalogue.ixByAnimeId);
  const read = await readCsvFile(path, {
    header: RATING_HEADER,
    skipMalformed: options.skipMalformed,
    // Numbers never need quoting; plain lines let a bad row be skipped cleanly (quotes are unwrapped above).
    quotes: false,
    onProgress: options.onProgress,
    onRow(fields) {
      if (fields.length !== 3) throw new RowProblem(`expected 3 fields, found ${fields.length}`);
      collector.add(parseId('user_id', fields[0]!), parseId('anime_id', fields[1]!), parseScore(fields[2]!));
    },
  });
  return { read, collector };
}

export async function readRatingCsv(path: string, catalogue: Catalogue, options: RatingCsvOptions = {}): Promise<RatingCsv> {
  let result: { read: CsvReadResult; collector: RatingCollector } | undefined;
  let reader: RatingCsv['reader'] = 'scan';
  // After a give-up the file is read again from the start: progress must not go backwards.
  let shown = 0;
  const report = options.onProgress;
  const onProgress = report && ((fraction: number) => fraction >= shown && report((shown = fraction)));
  options = { ...options, onProgress };
  if (options.fastPath !== false) {
    const collector = new RatingCollector(catalogue.ixByAnimeId);
    const scanned = await scanRatingFile(path, collector, options.onProgress);
    if (scanned) result = { read: { rows: scanned.rows, malformed: 0, malformedExamples: [] }, collector };
  }
  if (!result) {
    reader = 'csv-parse';
    result = await readWithCsvParse(path, catalogue, options);
  }
  const { read, collector } = result;
  const { ratings, duplicates } = finishRatings(collector.table, Int32Array.from(collector.userIds), catalogue.anime.length);
  return { ...read, ratings, duplicates, droppedUnknownAnime: collector.droppedUnknownAnime, reader };
}
