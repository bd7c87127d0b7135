/**
 * Binary cache of a parsed data set: one file per source folder, named by a hash of the folder's path,
 * checked against a fingerprint of the source files (path, size, mtime) and the format version, and
 * guarded by a CRC. Anything that does not check out is ignored (and later overwritten), never trusted.
 *
 * Layout: "ANIRECDS" | u32 version | u32 metaBytes | meta JSON | pad to 4 | userIds i32[nUsers] |
 *         userIx i32[count] | itemIx i32[count] | score i8[count] | pad to 4 | u32 crc32 of all before.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Anime, IngestReport, Ratings } from './types.js';
import { buildRatings } from './ratingTable.js';

/** Bump when the layout or the parsing rules change: old entries then stop matching. */
export const CACHE_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('ANIRECDS', 'latin1');

/** What the cache keeps besides the rating columns. */
export type CachedReport = Omit<IngestReport, 'fromCache' | 'seconds'>;

export interface CacheEntry {
  anime: Anime[];
  ratings: Ratings;
  report: CachedReport;
}

interface Meta {
  fingerprint: string;
  count: number;
  nUsers: number;
  nItems: number;
  anime: Anime[];
  report: CachedReport;
}

/** Identity of the source files and of the parser; a change in any of them invalidates the cache. */
export async function fingerprintFiles(files: readonly string[]): Promise<string> {
  const parts: unknown[] = [CACHE_FORMAT_VERSION];
  for (const file of files) {
    const info = await stat(file);
    parts.push([resolve(file), info.size, info.mtimeMs]);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The cache file for a source folder. */
export function cacheEntryPath(cacheDir: string, sourceDir: string): string {
  const key = createHash('sha256').update(resolve(sourceDir)).digest('hex').slice(0, 16);
  return join(resolve(cacheDir), `dataset-${key}.bin`);
}

const pad4 = (n: number): number => (n + 3) & ~3;

export async function writeCacheEntry(path: string, fingerprint: string, entry: CacheEntry): Promise<void> {
  const { ratings } = entry;
  const meta: Meta = {
    fingerprint,
    count: ratings.count,
    nUsers: ratings.userIds.length,
    nItems: ratings.nItems,
    anime: entry.anime,
    report: entry.report,
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const headerBytes = pad4(MAGIC.length + 8 + metaBytes.length);
  const body = headerBytes + 4 * meta.nUsers + 8 * meta.count + pad4(meta.count);
  const buf = Buffer.alloc(body + 4);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(CACHE_FORMAT_VERSION, 8);
  buf.writeUInt32LE(metaBytes.length, 12);
  metaBytes.copy(buf, 16);
  let at = headerBytes;
  for (const column of [ratings.userIds, ratings.userIx, ratings.itemIx, ratings.score]) {
    const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
    bytes.copy(buf, at);
    at += bytes.length;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, body)), body);

  await writeAtomically(path, buf);
}

/** Writes `data` at `path` (its folder made) through a temp file and a rename: a reader never sees half a file. */
export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(resolve(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The entry at `path` if it exists, is intact and matches `fingerprint`; undefined otherwise. */
export async function readCacheEntry(path: string, fingerprint: string): Promise<CacheEntry | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return undefined;
  }
  try {
    return decodeEntry(buf, fingerprint);
  } catch {
    // Unparseable meta and the like: a corrupt entry, treated as absent.
    return undefined;
  }
}

function decodeEntry(buf: Buffer, fingerprint: string): CacheEntry | undefined {
  if (buf.length < 20 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
  if (buf.readUInt32LE(8) !== CACHE_FORMAT_VERSION) return undefined;
  const metaLength = buf.readUInt32LE(12);
  if (16 + metaLength > buf.length) return undefined;
  const meta = JSON.parse(buf.toString('utf8', 16, 16 + metaLength)) as Meta;
  if (meta.fingerprint !== fingerprint) return undefined;
  const { count, nUsers, nItems } = meta;
  if (![count, nUsers, nItems].every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  if (!Array.isArray(meta.anime) || meta.anime.length !== nItems) return undefined;
  const headerBytes = pad4(16 + metaLength);
  const body = headerBytes + 4 * nUsers + 8 * count + pad4(count);
  if (buf.length !== body + 4 || buf.readUInt32LE(body) !== crc32(buf.subarray(0, body))) return undefined;

  // Copies, so the arrays are aligned and own their memory.
  let at = headerBytes;
  const take = (bytes: number): ArrayBuffer => {
    const slice = (buf.buffer as ArrayBuffer).slice(buf.byteOffset + at, buf.byteOffset + at + bytes);
    at += bytes;
    return slice;
  };
  const userIds = new Int32Array(take(4 * nUsers));
  const userIx = new Int32Array(take(4 * count));
  const itemIx = new Int32Array(take(4 * count));
  const score = new Int8Array(take(count));
  for (let r = 0; r < count; r++) {
    const s = score[r]!;
    if (userIx[r]! >>> 0 >= nUsers || itemIx[r]! >>> 0 >= nItems || !(s === -1 || (s >= 1 && s <= 10))) return undefined;
  }
  return { anime: meta.anime, ratings: buildRatings(userIx, itemIx, score, userIds, nItems), report: meta.report };
}
