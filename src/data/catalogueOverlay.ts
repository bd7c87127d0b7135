/**
 * What is laid over the merged catalogue (anime.csv + bangumi-data) at every start and refresh, from the
 * cache folder alone: first the AniList season overlay (it appends this season's new anime), then Jikan's
 * enrichment (it may fill those too). Both only fill gaps of the model's rows.
 */
import { readAnilistOverlay, applyAnilist } from './anilist/overlay.js';
import { applyEnrichment, readEnrichment } from './enrichment.js';
import type { Anime } from './types.js';

export type CatalogueOverlay = (anime: Anime[], baseCount: number) => Anime[];

export async function loadCatalogueOverlay(cacheDir: string, now: () => number = Date.now): Promise<CatalogueOverlay> {
  const [anilist, enrichment] = await Promise.all([readAnilistOverlay(cacheDir), readEnrichment(cacheDir)]);
  return (anime, baseCount) => applyEnrichment(anilist !== undefined ? applyAnilist(anime, anilist.anime, now()) : anime, baseCount, enrichment);
}
