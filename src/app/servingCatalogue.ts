/**
 * The catalogue every front-end serves: the model's anime merged with bangumi-data (built on the first
 * start, then read from the cache) and the enrichment overlay. Should the merge fail, the model's own
 * catalogue serves.
 */
import type { Config } from '../config.js';
import { BANGUMI_ATTRIBUTION } from '../data/bangumi.js';
import { loadEnrichmentOverlay } from '../data/enrichment.js';
import { loadMergedCatalogue } from '../data/mergedCatalogue.js';
import type { Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';

export async function loadServingCatalogue(model: AnirecModel, config: Pick<Config, 'cacheDir'>, log: Logger): Promise<Catalogue> {
  try {
    const merged = await loadMergedCatalogue(model.catalogue.anime, { cacheDir: config.cacheDir, overlay: await loadEnrichmentOverlay(config.cacheDir) });
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
