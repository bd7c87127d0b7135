/**
 * Reads a MyAnimeList list export (the XML from myanimelist.net/panel.php?go=export, often .xml.gz).
 * The format is flat (<myanimelist><anime>...</anime>...</myanimelist>), so a regex over <anime>
 * blocks is enough and needs no XML dependency. Scores 1-10 become ratings; score 0 on a list the
 * member has seen (Completed, Watching, Dropped, On-Hold) becomes WATCHED; Plan to Watch is ignored.
 */
import { gunzipSync } from 'node:zlib';
import { WATCHED } from '../data/types.js';
import { decodeHtmlEntities } from '../data/htmlEntities.js';
import { ImportInvalidError } from '../errors.js';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export interface MalImportEntry {
  animeId: number;
  /** 1..10, or WATCHED (-1). */
  score: number;
}

export interface MalImport {
  entries: MalImportEntry[];
  /** Plan to Watch entries, skipped on purpose. */
  planToWatch: number;
  /** Entries without a usable id, score or status. */
  skipped: number;
}

// Exports name the status in words; some older tools write MyAnimeList's numeric codes.
const SEEN_STATUS = new Set(['completed', 'watching', 'dropped', 'on-hold', '1', '2', '3', '4']);
const PLAN_STATUS = new Set(['plan to watch', '6']);

function field(block: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*?))\\s*</${name}>`).exec(block);
  if (match === null) return undefined;
  return match[1] !== undefined ? match[1].trim() : decodeHtmlEntities(match[2] ?? '').trim();
}

function unzipIfNeeded(bytes: Uint8Array): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length > MAX_IMPORT_BYTES) throw new ImportInvalidError('it is larger than 5 MB');
  if (buffer[0] !== 0x1f || buffer[1] !== 0x8b) return buffer;
  try {
    return gunzipSync(buffer, { maxOutputLength: MAX_IMPORT_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ImportInvalidError('it is larger than 5 MB once unzipped');
    throw new ImportInvalidError('it is a damaged .gz file');
  }
}

/** The name of the first element after the XML declaration, comments and doctype, or undefined. */
function rootElement(xml: string): string | undefined {
  const body = xml
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .trimStart();
  return /^<([A-Za-z_][\w.-]*)/.exec(body)?.[1];
}

/** Parses an export (plain or gzipped bytes) into entries; ImportInvalidError when it is not one. */
export function parseMalExport(bytes: Uint8Array): MalImport {
  const xml = unzipIfNeeded(bytes).toString('utf8');
  const root = rootElement(xml);
  if (root === undefined) throw new ImportInvalidError('it is not XML');
  if (root.toLowerCase() !== 'myanimelist') throw new ImportInvalidError(`its root element is <${root}>, not <myanimelist>`);

  const entries: MalImportEntry[] = [];
  let planToWatch = 0;
  let skipped = 0;
  let blocks = 0;
  for (const match of xml.matchAll(/<anime>([\s\S]*?)<\/anime>/g)) {
    blocks++;
    const block = match[1]!;
    const id = field(block, 'series_animedb_id');
    const status = (field(block, 'my_status') ?? '').toLowerCase();
    const scoreText = field(block, 'my_score') ?? '0';
    if (PLAN_STATUS.has(status)) {
      planToWatch++;
      continue;
    }
    const animeId = id !== undefined && /^\d{1,9}$/.test(id) ? Number(id) : NaN;
    const score = /^\d{1,2}$/.test(scoreText) ? Number(scoreText) : NaN;
    if (!(animeId > 0) || !(score >= 0 && score <= 10)) {
      skipped++;
    } else if (score >= 1) {
      entries.push({ animeId, score });
    } else if (SEEN_STATUS.has(status)) {
      entries.push({ animeId, score: WATCHED });
    } else {
      skipped++;
    }
  }
  if (blocks === 0) throw new ImportInvalidError('it lists no anime');
  return { entries, planToWatch, skipped };
}
