/**
 * One season sync: fetch the asked seasons from AniList, keep them in the overlay file, and say what
 * changed against the catalogue served now. Nothing is saved unless every page arrived: a sync that fails
 * half-way leaves the overlay (and so the catalogue) as it was, and throws a CatalogueSourceError naming
 * AniList.
 */
import { toCatalogueSourceError } from '../http/sourceError.js';
import type { Anime } from '../types.js';
import type { AnilistClientOptions } from './client.js';
import { addToOverlay, applyAnilist, readAnilistOverlay, writeAnilistOverlay } from './overlay.js';
import { fetchSeasons, seasonText, type AnilistSeason, type FetchedSeasons } from './season.js';

/** The whole sync (every page, any Retry-After) must end within this: `catalogue --update` gives up at 30 s. */
export const SEASON_SYNC_BUDGET_MS = 30_000;

export interface SeasonSyncOptions extends AnilistClientOptions {
  cacheDir: string;
  /** Usually this season and the next. */
  seasons: readonly AnilistSeason[];
  /** Clock time (options.now) by which the sync must end; default now + 30 s. */
  deadline?: number;
  /** Items per page (AniList's most, 50, by default). */
  perPage?: number;
}

export interface SeasonSyncReport {
  /** "Fall 2026", "Winter 2027". */
  seasons: string[];
  /** Anime with a MAL id AniList listed for those seasons. */
  fetched: number;
  /** Anime the catalogue did not have. */
  added: number[];
  /** Catalogue anime that gained a field or whose next episode moved. */
  updated: number[];
  unchanged: number;
  /** AniList anime without a MyAnimeList id (left out). */
  withoutMalId: number;
  /** Items with no usable id or title (left out). */
  unusable: number;
  pages: number;
  seconds: number;
}

/** Fetches, saves the overlay, and reports against `served` (the catalogue's anime now). */
export async function syncSeasons(served: readonly Anime[], options: SeasonSyncOptions): Promise<SeasonSyncReport> {
  const started = performance.now();
  const now = options.now ?? Date.now;
  const deadline = options.deadline ?? now() + SEASON_SYNC_BUDGET_MS;
  let fetched: FetchedSeasons;
  try {
    fetched = await fetchSeasons(options.seasons, deadline, options);
  } catch (error) {
    throw toCatalogueSourceError(error, 'anilist', options.url);
  }
  const kept = (await readAnilistOverlay(options.cacheDir))?.anime ?? [];
  await writeAnilistOverlay(options.cacheDir, {
    version: 1,
    syncedAt: new Date(now()).toISOString(),
    seasons: options.seasons.map(seasonText),
    anime: addToOverlay(kept, fetched.anime),
  });
  // Only the fetched anime can change: compare each before and after, not the whole catalogue.
  const before = new Map<number, Anime>();
  for (const a of served) if (!before.has(a.animeId)) before.set(a.animeId, a);
  const subset = fetched.anime.map((a) => before.get(a.animeId)).filter((a): a is Anime => a !== undefined);
  const after = new Map(applyAnilist(subset, fetched.anime, now()).map((a) => [a.animeId, a]));
  const added: number[] = [];
  const updated: number[] = [];
  for (const a of fetched.anime) {
    const old = before.get(a.animeId);
    if (old === undefined) added.push(a.animeId);
    else if (JSON.stringify(old) !== JSON.stringify(after.get(a.animeId))) updated.push(a.animeId);
  }
  return {
    seasons: options.seasons.map(seasonText),
    fetched: fetched.anime.length,
    added,
    updated,
    unchanged: fetched.anime.length - added.length - updated.length,
    withoutMalId: fetched.withoutMalId,
    unusable: fetched.unusable,
    pages: fetched.pages,
    seconds: (performance.now() - started) / 1000,
  };
}
