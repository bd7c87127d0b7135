/**
 * Streams a CSV file (plain or .gz) through csv-parse, row by row, with physical line numbers.
 * Checks the header, turns every problem into a CsvFormatError naming file and line, and either
 * fails on the first one or skips and counts them (skipMalformed).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse, CsvError } from 'csv-parse';
import { AnirecError, CsvFormatError, CsvHeaderError, InputFileError } from '../errors.js';

/** At most this many malformed-row messages are kept as examples. */
export const MALFORMED_EXAMPLES = 10;

export interface CsvReadOptions {
  /** Expected header, compared after trimming each cell. */
  header: readonly string[];
  /** Called for each data row; throw a RowProblem to report the row as malformed. */
  onRow: (fields: string[], line: number) => void;
  skipMalformed?: boolean;
  /**
   * false: `"` is an ordinary character (fields arrive as written). For files whose fields never need
   * quoting; then every row is a line and a bad row can be skipped without losing the next ones.
   * Default true. With quotes on, a broken quote always fails the load, even with skipMalformed:
   * csv-parse cannot tell where the broken row ends and would swallow the rows after it.
   */
  quotes?: boolean;
  /** Fraction of the (compressed) file read so far, 0..1. */
  onProgress?: (fraction: number) => void;
}

export interface CsvReadResult {
  /** Data rows seen (header and empty lines excluded), malformed ones included. */
  rows: number;
  malformed: number;
  malformedExamples: string[];
}

/** Thrown by a row handler: what is wrong with the row, in words (file and line are added here). */
export class RowProblem extends Error {}

// csv-parse's own messages are long and repeat the line; these say the same in a few words.
const CSV_PROBLEMS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quote is followed by a character other than a comma or line end',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quote is followed by a character other than a comma or line end',
  CSV_MAX_RECORD_SIZE: 'a row is far too long',
};

function describeCsvError(error: CsvError): string {
  return CSV_PROBLEMS[error.code] ?? error.message.replace(/\s*at line \d+/, '');
}

/** The line a csv-parse error points at (its `lines` field), at least 1. */
function csvErrorLine(error: CsvError): number {
  const lines = (error as unknown as { lines?: number }).lines;
  return typeof lines === 'number' && lines > 0 ? lines : 1;
}

/** Reads `path` row by row; resolves once the whole file was read, rejects on the first fatal problem. */
export async function readCsvFile(path: string, options: CsvReadOptions): Promise<CsvReadResult> {
  const file = basename(path);
  const size = (await stat(path)).size;
  const result: CsvReadResult = { rows: 0, malformed: 0, malformedExamples: [] };
  let fatal: Error | undefined;
  let headerSeen = false;

  const noteMalformed = (error: CsvFormatError): void => {
    if (!options.skipMalformed) {
      fatal ??= error;
      return;
    }
    result.malformed++;
    if (result.malformedExamples.length < MALFORMED_EXAMPLES) result.malformedExamples.push(error.message);
  };

  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  let lastReported = -1;
  if (options.onProgress) {
    const report = options.onProgress;
    source.on('data', () => {
      const fraction = size === 0 ? 1 : source.bytesRead / size;
      // A hundred updates at most: callers draw progress bars.
      if (Math.floor(fraction * 100) > lastReported) {
        lastReported = Math.floor(fraction * 100);
        report(Math.min(1, fraction));
      }
    });
  }

  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    quote: options.quotes === false ? false : '"',
  });
  const handleRecord = (record: string[], line: number): void => {
    if (fatal) return;
    if (!headerSeen) {
      headerSeen = true;
      const found = record.map((cell) => cell.trim());
      if (found.length !== options.header.length || found.some((cell, i) => cell !== options.header[i])) {
        fatal = new CsvHeaderError(file, options.header, found);
      }
      return;
    }
    result.rows++;
    try {
      options.onRow(record, line);
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      noteMalformed(new CsvFormatError(file, line, error.message));
    }
  };
  // Records are taken as the parser pushes them, when its live `info.lines` is the record's last line.
  // csv-parse's own per-record hook (on_record) copies its info object for every record and made the
  // whole load four times slower (bench/ingest.ts); nothing is passed downstream either.
  const pushRecord = parser.push.bind(parser);
  parser.push = (record: unknown): boolean => {
    if (record === null) return pushRecord(null);
    try {
      handleRecord(record as string[], parser.info.lines);
    } catch (error) {
      fatal ??= error as Error;
    }
    return true;
  };

  const stopOnFatal = new Writable({
    objectMode: true,
    write(_chunk, _encoding, done) {
      done(fatal);
    },
  });
  // No record reaches the sink; check for a fatal problem per chunk.
  source.on('data', () => {
    if (fatal) source.destroy(fatal);
  });

  try {
    if (path.endsWith('.gz')) await pipeline(source, createGunzip(), parser, stopOnFatal);
    else await pipeline(source, parser, stopOnFatal);
  } catch (error) {
    if (fatal) throw fatal;
    if (error instanceof CsvError) throw new CsvFormatError(file, csvErrorLine(error), describeCsvError(error));
    if (error instanceof AnirecError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      throw new InputFileError(file, `not a valid gzip file (${(error as Error).message})`);
    }
    throw error;
  }
  if (fatal) throw fatal;
  if (!headerSeen) throw new CsvHeaderError(file, options.header, []);
  options.onProgress?.(1);
  return result;
}
