/**
 * Fast reader for the common shape of rating.csv: the exact header, then lines of
 * `digits,digits,score` (score -1 or 1..10), all ending alike (LF or CRLF). It scans bytes, never makes
 * strings. Anything else (a space, a quote, a blank line, a bad score, a BOM...) makes it give up and
 * return undefined, and the caller reads the file again with csv-parse, which explains the problem.
 * Behaviour is therefore that of the csv-parse reader; see ratingCsv.ts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { RatingCollector } from './ratingCollector.js';

const HEADER = 'user_id,anime_id,rating';
const MAX_ID = 2_147_483_647;

/** Thrown inside the scan loop to give up; never escapes this module. */
class GiveUp extends Error {}

export async function scanRatingFile(
  path: string,
  collector: RatingCollector,
  onProgress?: (fraction: number) => void,
): Promise<{ rows: number } | undefined> {
  const size = (await stat(path)).size;
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const input: Readable = path.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  if (input !== source) source.on('error', (error) => input.destroy(error));

  // Scanner state, carried across chunks.
  let headerText = '';
  let inHeader = true;
  let crlf = false;
  let sawCR = false;
  let field = 0;
  let digits = 0;
  let value = 0;
  let negative = false;
  let userId = 0;
  let animeId = 0;
  let rows = 0;
  let lastReported = -1;

  const endRow = (): void => {
    if (field !== 2 || digits === 0) throw new GiveUp();
    const score = negative ? -value : value;
    if (!(score === -1 || (score >= 1 && score <= 10))) throw new GiveUp();
    rows++;
    collector.add(userId, animeId, score);
    field = 0;
    digits = 0;
    value = 0;
    negative = false;
  };

  const scanChunk = (chunk: Buffer): void => {
    let i = 0;
    const n = chunk.length;
    if (inHeader) {
      for (; i < n; i++) {
        const c = chunk[i]!;
        if (c === 10) {
          crlf = headerText.endsWith('\r');
          if ((crlf ? headerText.slice(0, -1) : headerText) !== HEADER) throw new GiveUp();
          inHeader = false;
          i++;
          break;
        }
        headerText += String.fromCharCode(c);
        if (headerText.length > HEADER.length + 1) throw new GiveUp();
      }
    }
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (sawCR && c !== 10) throw new GiveUp();
      if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        if (++digits > 10) throw new GiveUp();
      } else if (c === 44) {
        if (digits === 0 || negative || value > MAX_ID) throw new GiveUp();
        if (field === 0) userId = value;
        else if (field === 1) animeId = value;
        else throw new GiveUp();
        field++;
        digits = 0;
        value = 0;
      } else if (c === 10) {
        if (sawCR !== crlf) throw new GiveUp();
        sawCR = false;
        endRow();
      } else if (c === 13) {
        if (!crlf) throw new GiveUp();
        sawCR = true;
      } else if (c === 45 && field === 2 && digits === 0 && !negative) {
        negative = true;
      } else {
        throw new GiveUp();
      }
    }
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      scanChunk(chunk);
      if (onProgress) {
        const percent = size === 0 ? 100 : Math.floor((source.bytesRead / size) * 100);
        if (percent > lastReported) {
          lastReported = percent;
          onProgress(Math.min(1, percent / 100));
        }
      }
    }
    if (inHeader || sawCR) throw new GiveUp();
    // A last line without a line end.
    if (field !== 0 || digits !== 0 || negative) endRow();
  } catch (error) {
    source.destroy();
    input.destroy();
    if (error instanceof GiveUp) return undefined;
    // Unreadable files (bad gzip...) are explained by the csv-parse reader too.
    return undefined;
  }
  onProgress?.(1);
  return { rows };
}
