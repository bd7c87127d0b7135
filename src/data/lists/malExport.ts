/**
 * Reads a MyAnimeList list export (the XML from myanimelist.net/panel.php?go=export, often .xml.gz).
 * The format is flat (<myanimelist><anime>...</anime>...</myanimelist>), so a regex over <anime>
 * blocks is enough and needs no XML dependency. Scores 1-10 become ratings; score 0 on a list the
 * member has seen (Completed, Watching, Dropped, On-Hold) becomes WATCHED; Plan to Watch is ignored.
 */
import { gunzipSync } from 'node:zlib';
import { WATCHED } from '../types.js';
import { decodeHtmlEntities } from '../htmlEntities.js';
import { ImportInvalidError } from '../../errors.js';

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

/**
 * The text of the first <name>...</name> in a block, CDATA unwrapped, entities decoded, trimmed; undefined
 * when absent or when it holds markup. Plain indexOf scans: a regular expression with `\s*` around a lazy
 * group backtracked on long runs of white space (quadratic time in a crafted upload).
 */
function field(block: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = block.indexOf(open);
  if (start === -1) return undefined;
  const from = start + open.length;
  const end = block.indexOf(`</${name}>`, from);
  if (end === -1) return undefined;
  const inner = block.slice(from, end).trim();
  if (inner.startsWith('<![CDATA[')) return inner.endsWith(']]>') ? inner.slice(9, -3).trim() : undefined;
  return inner.includes('<') ? undefined : decodeHtmlEntities(inner).trim();
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
  // One pass from the start, each construct skipped by its closing marker (a regex replace of `<?...?>`
  // over the whole text was quadratic on `<?` repeated).
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < xml.length && /\s/.test(xml[at]!)) at++;
    const skip = xml.startsWith('<?', at) ? '?>' : xml.startsWith('<!--', at) ? '-->' : /^<!doctype/i.test(xml.slice(at, at + 9)) ? '>' : undefined;
    if (skip === undefined) break;
    const end = xml.indexOf(skip, at + 2);
    if (end === -1) return undefined;
    at = end + skip.length;
  }
  const name = /<([A-Za-z_][\w.-]*)/y;
  name.lastIndex = at;
  return name.exec(xml)?.[1];
}

/** Scanned text between two yields to the event loop: a 5 MB export never holds it for long. */
export const PARSE_SLICE_CHARS = 256 * 1024;

export interface ParseOptions {
  /** Called between slices; the default waits for the event loop's next turn. */
  yieldControl?: () => Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Parses an export (plain or gzipped bytes) into entries; ImportInvalidError when it is not one. Linear in
 * the size of the file, and in slices of PARSE_SLICE_CHARS with a yield between them.
 */
export async function parseMalExport(bytes: Uint8Array, options: ParseOptions = {}): Promise<MalImport> {
  const yieldControl = options.yieldControl ?? nextTurn;
  const xml = unzipIfNeeded(bytes).toString('utf8');
  await yieldControl();
  const root = rootElement(xml);
  if (root === undefined) throw new ImportInvalidError('it is not XML');
  if (root.toLowerCase() !== 'myanimelist') throw new ImportInvalidError(`its root element is <${root}>, not <myanimelist>`);

  const entries: MalImportEntry[] = [];
  let planToWatch = 0;
  let skipped = 0;
  let blocks = 0;
  let sliceStart = 0;
  for (let at = xml.indexOf('<anime>'); at !== -1; ) {
    const end = xml.indexOf('</anime>', at + 7);
    if (end === -1) break; // an unclosed last block is not an entry
    blocks++;
    const block = xml.slice(at + 7, end);
    at = xml.indexOf('<anime>', end + 8);
    if ((at === -1 ? xml.length : at) - sliceStart > PARSE_SLICE_CHARS) {
      sliceStart = at === -1 ? xml.length : at;
      await yieldControl();
    }
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
