/**
 * The catalogue every front-end serves: the model's anime merged with bangumi-data (built on the first
 * start, then read from the cache), with the AniList season overlay and the enrichment overlay on top.
 * Should the merge fail, the model's own catalogue serves. `refreshSeason` is what a running bot calls
 * daily: it syncs this season and the next from AniList and hands back the catalogue to swap in.
 */
import type { Config } from '../config.js';
import { BANGUMI_ATTRIBUTION } from '../data/bangumi.js';
import type { AnilistClientOptions } from '../data/anilist/client.js';
import { toAnilistSeason, type AnilistSeason } from '../data/anilist/season.js';
import { syncSeasons, type SeasonSyncReport } from '../data/anilist/sync.js';
import { loadCatalogueOverlay } from '../data/catalogueOverlay.js';
import { loadMergedCatalogue, type MergedCatalogue } from '../data/mergedCatalogue.js';
import type { Anime, Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';
import { lastKnownSeason, nextSeason, seasonLabel, seasonOf, type Season } from '../service/seasons.js';

/** The merged catalogue over `base` with every cached overlay applied (no network). */
export async function buildServingCatalogue(base: readonly Anime[], cacheDir: string, now: () => number = Date.now, bangumiFile?: string): Promise<MergedCatalogue> {
  return loadMergedCatalogue(base, { cacheDir, overlay: await loadCatalogueOverlay(cacheDir, now), ...(bangumiFile !== undefined ? { bangumiFile } : {}) });
}

export async function loadServingCatalogue(model: AnirecModel, config: Pick<Config, 'cacheDir'>, log: Logger): Promise<Catalogue> {
  try {
    const merged = await buildServingCatalogue(model.catalogue.anime, config.cacheDir);
    const { report } = merged;
    log.info(
      `catalogue: ${merged.catalogue.anime.length} anime (${report.added} newer than the model from bangumi-data, ${report.matched} matched by MAL id) ` +
        `${merged.fromCache ? 'from the cache' : 'built'} in ${merged.seconds.toFixed(2)} s. ${BANGUMI_ATTRIBUTION}`,
    );
    return merged.catalogue;
  } catch (error) {
    log.warn(`catalogue: bangumi-data could not be merged, serving the model's ${model.catalogue.anime.length} anime only: ${(error as Error).message}`);
    return model.catalogue;
  }
}

/** Whether two catalogues list the same anime in the same order (a swapped model can reuse the merge). */
export function sameAnime(a: Catalogue, b: Catalogue): boolean {
  return a === b || (a.anime.length === b.anime.length && a.anime.every((x, i) => x.animeId === b.anime[i]!.animeId));
}

/** This season and the next, as AniList names them (the sync's default). */
export function seasonsToSync(now: Date = new Date()): AnilistSeason[] {
  const current = seasonOf(now);
  return [toAnilistSeason(current), toAnilistSeason(nextSeason(current))];
}

export interface RefreshSeasonOptions extends Partial<Omit<AnilistClientOptions, 'url'>> {
  /** The model's anime (model.catalogue.anime): the first itemIx, never moved. */
  base: readonly Anime[];
  /** The catalogue served now: the report says what changed against it. */
  current: Catalogue;
  config: Pick<Config, 'cacheDir' | 'anilistUrl'>;
  log?: Logger;
  /** Default: this season and the next by `now`. */
  seasons?: readonly AnilistSeason[];
  /** How long the whole sync may take (default 30 s). */
  budgetMs?: number;
  /** A bangumi-data data.json other than the installed package's (tests). */
  bangumiFile?: string;
}

/**
 * Syncs the seasons from AniList, saves the overlay, and returns the new catalogue to swap in (anime
 * already served keep their itemIx; new ones come after them) with what changed. Pure of Discord. Throws
 * CatalogueSourceError (AniList unreachable, busy or malformed) and changes nothing then: keep serving
 * `current`.
 */
export async function refreshSeason(options: RefreshSeasonOptions): Promise<{ catalogue: Catalogue; report: SeasonSyncReport }> {
  const now = options.now ?? Date.now;
  const { timeoutMs, maxBytes, sleep, pacer } = options;
  const report = await syncSeasons(options.current.anime, {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    ...(sleep !== undefined ? { sleep } : {}),
    ...(pacer !== undefined ? { pacer } : {}),
    now,
    url: options.config.anilistUrl,
    cacheDir: options.config.cacheDir,
    seasons: options.seasons ?? seasonsToSync(new Date(now())),
    deadline: now() + (options.budgetMs ?? 30_000),
  });
  const merged = await buildServingCatalogue(options.base, options.config.cacheDir, now, options.bangumiFile);
  options.log?.info(
    `catalogue: AniList ${report.seasons.join(' and ')}: ${report.added.length} added, ${report.updated.length} updated, ` +
      `${report.withoutMalId} without a MyAnimeList id left out; ${merged.catalogue.anime.length} anime now`,
  );
  return { catalogue: merged.catalogue, report };
}

/** "Summer 2026": the last season `catalogue` knows, for the /seasonal fallback (CATALOGUE_MESSAGES.endsAt). */
export function lastCatalogueSeason(catalogue: Catalogue): { season: Season; label: string } | undefined {
  const season = lastKnownSeason(catalogue.anime);
  return season === undefined ? undefined : { season, label: seasonLabel(season) };
}
