/** /similar: an anime's neighbours, from the model's anime factors or, for an anime it does not know, its folded vector. */
import type { Neighbour } from '../model/types.js';
import { likenessToFolded, similarToFoldedItem } from '../model/itemFoldIn.js';
import type { ServiceContext } from './context.js';
import { LruMap } from './lruMap.js';
import { MAX_COUNT, resolveAnime, resolveCount } from './resolvers.js';
import type { SimilarResult } from './types.js';

const WARM_UP_CALLS = 8;
/** Anime whose neighbour lists stay in memory (the most recently asked). */
const SIMILAR_CACHE = 4096;

export type Similar = (userId: string, anime: string, count?: number | string | null) => SimilarResult;

export function createSimilar(ctx: ServiceContext): Similar {
  const { model, catalogue, community, view } = ctx;
  // Neighbours depend only on the model: keep the top MAX_COUNT of recently asked anime.
  const cache = new LruMap<number, Neighbour[]>(SIMILAR_CACHE);
  // Runs the model's hot loops a few times now, so the first members are not the ones waiting while they
  // run unoptimised (a first /similar took 5-15 ms before, 0.5 ms once compiled). The neighbour lists of
  // the most popular anime are kept: they are the likeliest to be asked.
  const warmUp = ctx.popularOrder.slice(0, Math.min(WARM_UP_CALLS, catalogue.anime.length));
  for (const itemIx of warmUp) cache.set(itemIx, model.similar(itemIx, MAX_COUNT));
  if (warmUp.length > 0) {
    const folded = model.foldIn({ itemIx: Int32Array.from(warmUp), score: Int8Array.from(warmUp, (_, j) => 1 + (j % 10)) });
    for (let j = 0; j < WARM_UP_CALLS; j++) model.recommend(folded, MAX_COUNT, { exclude: new Set(warmUp) });
  }

  return (_userId, anime, count) => {
    const k = resolveCount(count);
    const itemIx = resolveAnime(ctx.titles, catalogue, anime);
    if (community?.items.isNew(itemIx)) {
      // An anime the model does not know: neighbours from its folded vector, none before any rating.
      const folded = community.items.get(itemIx)?.folded;
      const found = folded === undefined ? [] : similarToFoldedItem(community.items.space, folded, catalogue.anime[itemIx]!.genres, k);
      return { anime: view(itemIx), neighbours: found.map((n) => ({ anime: view(n.itemIx), similarity: n.score })), restsOn: folded?.ratings ?? 0 };
    }
    let neighbours = cache.get(itemIx);
    if (neighbours === undefined) {
      neighbours = model.similar(itemIx, MAX_COUNT);
      cache.set(itemIx, neighbours);
    }
    const listed: { itemIx: number; score: number; restsOn?: number }[] = neighbours.slice(0, k);
    if (community !== undefined) {
      const genres = catalogue.anime[itemIx]!.genres;
      for (const item of community.items.folded()) {
        listed.push({ itemIx: item.itemIx, score: likenessToFolded(community.items.space, itemIx, item.folded!, genres), restsOn: item.folded!.ratings });
      }
      listed.sort((a, b) => b.score - a.score || a.itemIx - b.itemIx);
    }
    return {
      anime: view(itemIx),
      neighbours: listed.slice(0, k).map((n) => ({ anime: view(n.itemIx), similarity: n.score, ...(n.restsOn !== undefined ? { restsOn: n.restsOn } : {}) })),
    };
  };
}
