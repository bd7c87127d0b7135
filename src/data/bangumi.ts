/**
 * Reads bangumi-data (npm `bangumi-data`, data CC BY 4.0, https://github.com/bangumi-data/bangumi-data):
 * every anime aired in Japan up to this season with its Japanese title, translated titles, type, first-air
 * date and the ids other sites give it. Only what the catalogue merge needs is kept.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputFileError } from '../errors.js';

/** The attribution bangumi-data's licence asks for (README and the bot's about text). */
export const BANGUMI_ATTRIBUTION = 'Titles and air dates of recent anime: bangumi-data (https://github.com/bangumi-data/bangumi-data), CC BY 4.0.';

/** One bangumi-data item, reduced. */
export interface BangumiAnime {
  /** MyAnimeList id from `sites[] {site: "mal"}`, null when the item has none. */
  malId: number | null;
  /** The original (Japanese) title. */
  title: string;
  english: string[];
  /** Our type vocabulary (anime.csv's): TV, Movie, OVA, ONA. */
  type: string | null;
  /** First air date YYYY-MM-DD, null when missing or unparseable. */
  begin: string | null;
}

export interface BangumiSource {
  file: string;
  /** The package version when read from the installed package (part of the cache key). */
  version: string;
  items: BangumiAnime[];
  /** Items skipped because they lack a title (counted, not fatal: one bad entry must not lose the rest). */
  skipped: number;
}

/** bangumi-data's type -> anime.csv's. */
const TYPES: Record<string, string> = { tv: 'TV', movie: 'Movie', ova: 'OVA', web: 'ONA' };

/** Path and version of the installed bangumi-data package's data file. */
export async function installedBangumiData(): Promise<{ file: string; version: string }> {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('bangumi-data/package.json');
  } catch {
    throw new InputFileError('bangumi-data', 'the npm package is not installed: run `npm install`');
  }
  const { version } = JSON.parse(await readFile(pkg, 'utf8')) as { version: string };
  return { file: join(dirname(pkg), 'dist', 'data.json'), version };
}

/** A stable identity of the data file for cache keys: version, size and mtime. */
export async function bangumiIdentity(file: string, version: string): Promise<string> {
  const info = await stat(file);
  return `${version}:${info.size}:${info.mtimeMs}`;
}

function dateOf(text: unknown): string | null {
  if (typeof text !== 'string' || text === '') return null;
  const time = Date.parse(text);
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : [];
}

/** Parses data.json's text (`{siteMeta, items}`); a file of another shape fails naming the file. */
export function parseBangumiData(text: string, file: string): Omit<BangumiSource, 'version'> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(file, `is not JSON (${(error as Error).message})`);
  }
  const items = (root as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new InputFileError(file, 'has no "items" list: not a bangumi-data data.json');
  const out: BangumiAnime[] = [];
  let skipped = 0;
  for (const raw of items as Record<string, unknown>[]) {
    const title = typeof raw?.title === 'string' ? raw.title.trim() : '';
    if (title === '') {
      skipped++;
      continue;
    }
    const sites = Array.isArray(raw.sites) ? (raw.sites as { site?: unknown; id?: unknown }[]) : [];
    const mal = sites.find((s) => s?.site === 'mal' && typeof s.id === 'string' && /^\d{1,9}$/.test(s.id));
    const translated = (raw.titleTranslate ?? {}) as Record<string, unknown>;
    out.push({
      malId: mal ? Number(mal.id) : null,
      title,
      english: strings(translated.en),
      type: typeof raw.type === 'string' ? (TYPES[raw.type] ?? null) : null,
      begin: dateOf(raw.begin),
    });
  }
  return { file, items: out, skipped };
}

export async function readBangumiData(file: string, version = 'file'): Promise<BangumiSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return { ...parseBangumiData(text, file), version };
}
