/**
 * The AniList overlay: every anime the season syncs brought, kept in ANIREC_CACHE_DIR/anilist.json (so a
 * start reads it with no network) and laid over the merged catalogue by MyAnimeList id, the way
 * bangumi-data is merged: catalogue rows keep their fields and itemIx and gain only what they lack
 * (titles, synonyms, genres, type, episodes, air date, cover); the next airing episode is AniList's alone
 * and follows the latest sync; anime not in the catalogue are appended, in the order they were first seen,
 * so a later sync never moves an earlier one's itemIx.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeAtomically } from '../cache.js';
import type { Anime } from '../types.js';

const FILE = 'anilist.json';

export interface AnilistOverlayFile {
  version: 1;
  /** ISO time of the last sync that saved. */
  syncedAt: string;
  /** The seasons that sync asked for, as "Fall 2026". */
  seasons: string[];
  /** First-seen order; each as the latest sync mapped it. */
  anime: Anime[];
}

const overlayPath = (cacheDir: string) => join(resolve(cacheDir), FILE);

/** The saved overlay, or undefined when no sync ever saved one (or the file is unreadable: rebuilt at the next sync). */
export async function readAnilistOverlay(cacheDir: string): Promise<AnilistOverlayFile | undefined> {
  try {
    const file = JSON.parse(await readFile(overlayPath(cacheDir), 'utf8')) as AnilistOverlayFile;
    return file.version === 1 && Array.isArray(file.anime) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Adds a sync's anime to what earlier syncs kept: known ones are replaced in place, new ones appended. */
export function addToOverlay(kept: readonly Anime[], fetched: readonly Anime[]): Anime[] {
  const fresh = new Map(fetched.map((a) => [a.animeId, a]));
  const out = kept.map((a) => fresh.get(a.animeId) ?? a);
  const known = new Set(kept.map((a) => a.animeId));
  for (const a of fetched) if (!known.has(a.animeId)) out.push(a);
  return out;
}

export async function writeAnilistOverlay(cacheDir: string, file: AnilistOverlayFile): Promise<void> {
  const path = overlayPath(cacheDir);
  await writeAtomically(path, JSON.stringify(file));
}

const uniq = (names: readonly string[], except: readonly (string | undefined)[]): string[] => {
  const seen = new Set(except.filter((n): n is string => n !== undefined).map((n) => n.toLowerCase()));
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** One catalogue row with AniList's entry laid over it: gaps filled, titles pooled, nextEpisode AniList's. */
function fillFrom(a: Anime, e: Anime, nowSeconds: number): Anime {
  const englishNames = uniq([...(a.englishNames ?? []), ...(e.englishNames ?? [])], [a.name]);
  const japaneseName = a.japaneseName ?? e.japaneseName;
  // AniList's romaji name (anime.csv's may be spelt otherwise) is one more title to find it by.
  const synonyms = uniq([...(a.synonyms ?? []), e.name, ...(e.synonyms ?? [])], [a.name, ...englishNames, japaneseName]);
  const { nextEpisode: _, ...rest } = a;
  const next = e.nextEpisode !== undefined && e.nextEpisode.airingAt >= nowSeconds ? { nextEpisode: e.nextEpisode } : {};
  return {
    ...rest,
    genres: a.genres.length > 0 ? a.genres : e.genres,
    type: a.type ?? e.type,
    episodes: a.episodes ?? e.episodes,
    ...(englishNames.length > 0 ? { englishNames } : {}),
    ...(japaneseName !== undefined ? { japaneseName } : {}),
    ...(synonyms.length > 0 ? { synonyms } : {}),
    ...(a.aired ?? e.aired ? { aired: (a.aired ?? e.aired)! } : {}),
    ...(a.picture ?? e.picture ? { picture: (a.picture ?? e.picture)! } : {}),
    ...next,
  };
}

/**
 * The catalogue's anime with the overlay applied (pure). `nowMs` drops a next episode already aired (kept
 * from a sync days ago): a reminder must not fire for it.
 */
export function applyAnilist(anime: readonly Anime[], entries: readonly Anime[], nowMs: number = Date.now()): Anime[] {
  if (entries.length === 0) return [...anime];
  const byId = new Map(entries.map((e) => [e.animeId, e]));
  const nowSeconds = Math.floor(nowMs / 1000);
  const seen = new Set<number>();
  const out = anime.map((a) => {
    seen.add(a.animeId);
    const e = byId.get(a.animeId);
    return e === undefined ? a : fillFrom(a, e, nowSeconds);
  });
  for (const e of entries) {
    if (seen.has(e.animeId)) continue;
    seen.add(e.animeId);
    const { nextEpisode, ...rest } = e;
    out.push(nextEpisode !== undefined && nextEpisode.airingAt >= nowSeconds ? e : rest);
  }
  return out;
}
