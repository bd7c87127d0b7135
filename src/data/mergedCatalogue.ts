/**
 * The merged catalogue: anime.csv (what the model was trained on) joined by MyAnimeList id with
 * bangumi-data (everything aired since). anime.csv rows keep their itemIx and their own fields, and gain
 * English and Japanese titles and a first-air date; anime missing from anime.csv are appended after them
 * with what bangumi-data knows (title, type, air date; the link follows from the MAL id). Items without a
 * MAL id are left out: the catalogue, the store and the model all key anime by it.
 *
 * Built once and cached as JSON in the cache folder, keyed by the package version and the base
 * catalogue, so a start reads one file and needs no network.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeAtomically } from './cache.js';
import type { Anime, Catalogue } from './types.js';
import { catalogueFromAnime } from './catalogue.js';
import { bangumiIdentity, installedBangumiData, readBangumiData, type BangumiAnime } from './bangumi.js';
import { normaliseTitle, titlesOf } from './titles.js';

export interface MergeReport {
  /** anime.csv rows that bangumi-data also lists. */
  matched: number;
  /** Anime added from bangumi-data (not in anime.csv). */
  added: number;
  /** bangumi-data items without a MAL id (left out). */
  withoutMalId: number;
  /** Matched anime whose types differ (anime.csv's is kept: the model was trained with it). */
  typeConflicts: number;
}

export interface MergedCatalogue {
  catalogue: Catalogue;
  /** The first `baseCount` itemIx are the base catalogue's, in its order. */
  baseCount: number;
  report: MergeReport;
  fromCache: boolean;
  seconds: number;
}

const uniq = (names: string[], except: string[] = []): string[] => {
  const seen = new Set(except.map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
};

/** Merges base anime (itemIx order kept) with bangumi-data items. Pure: the inputs are not changed. */
export function mergeAnime(base: readonly Anime[], items: readonly BangumiAnime[]): { anime: Anime[]; report: MergeReport } {
  // Several items may carry one MAL id (split cours): the earliest air date wins, the titles are pooled.
  const byMal = new Map<number, BangumiAnime[]>();
  let withoutMalId = 0;
  for (const item of items) {
    if (item.malId === null) {
      withoutMalId++;
      continue;
    }
    const group = byMal.get(item.malId);
    if (group) group.push(item);
    else byMal.set(item.malId, [item]);
  }
  const earliest = (group: BangumiAnime[]) =>
    group.reduce((a, b) => ((b.begin ?? '9999') < (a.begin ?? '9999') ? b : a));

  let matched = 0;
  let typeConflicts = 0;
  const anime: Anime[] = base.map((a) => {
    const group = byMal.get(a.animeId);
    if (group === undefined) return a;
    matched++;
    const first = earliest(group);
    if (a.type !== null && first.type !== null && a.type !== first.type) typeConflicts++;
    const english = uniq(group.flatMap((g) => g.english), [a.name]);
    return {
      ...a,
      type: a.type ?? first.type,
      ...(english.length > 0 ? { englishNames: english } : {}),
      japaneseName: first.title,
      ...(first.begin !== null ? { aired: first.begin } : {}),
    };
  });
  const known = new Set(base.map((a) => a.animeId));
  const added: Anime[] = [];
  for (const [malId, group] of byMal) {
    if (known.has(malId)) continue;
    const first = earliest(group);
    const english = uniq(group.flatMap((g) => g.english));
    added.push({
      animeId: malId,
      // The romaji title is not in bangumi-data (enrichment adds it): English where known, else Japanese.
      name: english[0] ?? first.title,
      genres: [],
      type: first.type,
      episodes: null,
      malScore: null,
      members: 0,
      ...(english.length > 1 ? { englishNames: english.slice(1) } : {}),
      japaneseName: first.title,
      ...(first.begin !== null ? { aired: first.begin } : {}),
    });
  }
  added.sort((a, b) => (a.aired ?? '9999').localeCompare(b.aired ?? '9999') || a.animeId - b.animeId);
  nameApart(anime, added);
  return { anime: [...anime, ...added], report: { matched, added: added.length, withoutMalId, typeConflicts } };
}

/**
 * bangumi-data often gives a later season the bare series name in English ("THE PROMISED NEVERLAND" for
 * season 2): an added anime whose shown name is already a title of another anime takes another of its English titles,
 * else the season or part its Japanese title names (第2期, 第2クール), else its first-air year. Earlier
 * anime keep their names; `added` is in air order and is renamed in place.
 */
function nameApart(base: readonly Anime[], added: Anime[]): void {
  // Every title of the anime before, not only shown names: SPY×FAMILY's Japanese title is "SPY x FAMILY" typed.
  const taken = new Set(base.flatMap((a) => titlesOf(a).map(normaliseTitle)));
  added.forEach((a, i) => {
    // A bare series title shared with an earlier anime belongs to that one: kept as a title here it would
    // outrank the first season for the people who type it.
    const others = (a.englishNames ?? []).filter((e) => !taken.has(normaliseTitle(e)));
    if (taken.has(normaliseTitle(a.name))) {
      const name = others[0] ?? `${a.name} ${partOf(a.japaneseName ?? '') ?? `(${a.aired?.slice(0, 4) ?? `MAL ${a.animeId}`})`}`;
      const { englishNames: _, ...rest } = a;
      const rename = others.slice(1);
      added[i] = { ...rest, name, ...(rename.length > 0 ? { englishNames: rename } : {}) };
    } else if (others.length !== (a.englishNames?.length ?? 0)) {
      const { englishNames: _, ...rest } = a;
      added[i] = { ...rest, ...(others.length > 0 ? { englishNames: others } : {}) };
    }
    for (const title of titlesOf(added[i]!)) taken.add(normaliseTitle(title));
  });
}

/** "Season 2" / "Part 2" from a Japanese title's 第2期 / 第2クール / Season 2. */
function partOf(japanese: string): string | undefined {
  const season = /第\s*(\d+)\s*期|season\s*(\d+)|(\d+)(?:st|nd|rd|th)\s*season/i.exec(japanese);
  if (season) return `Season ${season[1] ?? season[2] ?? season[3]}`;
  const part = /第\s*(\d+)\s*クール|part\s*(\d+)/i.exec(japanese);
  return part ? `Part ${part[1] ?? part[2]}` : undefined;
}

/** Bump when the merge rules change: cached catalogues then stop matching. */
const MERGE_VERSION = 2;

function baseKey(base: readonly Anime[], source: string): string {
  const hash = createHash('sha256').update(`${MERGE_VERSION}\n${source}\n`);
  for (const a of base) hash.update(`${a.animeId}\t${a.name}\t${a.type ?? ''}\n`);
  return hash.digest('hex');
}

interface CacheFile {
  key: string;
  baseCount: number;
  report: MergeReport;
  anime: Anime[];
}

export interface MergedCatalogueOptions {
  /** Folder for the cached merge; none means build every time. */
  cacheDir?: string;
  /** A bangumi-data data.json other than the installed package's (tests). */
  bangumiFile?: string;
  /** Enrichment applied on top of the merge (anirec catalogue --update's cache), by MAL id. */
  overlay?: (anime: Anime[], baseCount: number) => Anime[];
}

/** The merged catalogue over `base` (the model's catalogue), from the cache when it still matches. */
export async function loadMergedCatalogue(base: readonly Anime[], options: MergedCatalogueOptions = {}): Promise<MergedCatalogue> {
  const started = performance.now();
  const source = options.bangumiFile !== undefined ? { file: resolve(options.bangumiFile), version: 'file' } : await installedBangumiData();
  const key = baseKey(base, `${source.file}:${await bangumiIdentity(source.file, source.version)}`);
  const cachePath = options.cacheDir !== undefined ? join(resolve(options.cacheDir), `catalogue-${key.slice(0, 16)}.json`) : undefined;
  const finish = (anime: Anime[], report: MergeReport, fromCache: boolean): MergedCatalogue => ({
    catalogue: catalogueFromAnime(options.overlay ? options.overlay(anime, base.length) : anime),
    baseCount: base.length,
    report,
    fromCache,
    seconds: (performance.now() - started) / 1000,
  });
  if (cachePath !== undefined) {
    try {
      const cached = JSON.parse(await readFile(cachePath, 'utf8')) as CacheFile;
      if (cached.key === key && cached.baseCount === base.length && Array.isArray(cached.anime)) return finish(cached.anime, cached.report, true);
    } catch {
      // Missing or unreadable: rebuilt below (and overwritten).
    }
  }
  const bangumi = await readBangumiData(source.file, source.version);
  const { anime, report } = mergeAnime(base, bangumi.items);
  if (cachePath !== undefined) {
    const file: CacheFile = { key, baseCount: base.length, report, anime };
    await writeAtomically(cachePath, JSON.stringify(file));
  }
  return finish(anime, report, false);
}
