/**
 * Anime the trained model does not know (merged from bangumi-data after it was trained), learnt from the
 * members who rated them: each keeps its raters (member id -> score, their folded vectors) and is folded
 * in again (itemFoldIn.ts) whenever one of them rates it or changes their taste.
 *
 * Which members rated which new anime is kept in the ratings store beside the members, so it survives a
 * restart (store/communityRecords.ts). Members' own records stay the source of truth.
 */
import type { Catalogue } from '../data/types.js';
import { foldInItem, itemPrior, type FoldedItem, type ItemSpace, type Rater } from '../model/itemFoldIn.js';
import type { FoldedUser } from '../model/types.js';
import type { Logger } from '../log.js';
import type { RatingsStore } from '../store/ratingsStore.js';
import { communityRecords, type IndexMove } from '../store/communityRecords.js';

export interface CommunityItem {
  itemIx: number;
  /** undefined until someone gave it a score. */
  folded: FoldedItem | undefined;
  raters: Map<string, Rater>;
}

export interface CommunityItems {
  /** Resolves once the raters recorded in the store are loaded and folded in. */
  readonly ready: Promise<void>;
  /** true once `ready` has settled. */
  readonly loaded: boolean;
  readonly space: ItemSpace;
  /** true for an itemIx of the merged catalogue that the model does not know. */
  isNew(itemIx: number): boolean;
  get(itemIx: number): CommunityItem | undefined;
  /** New anime with at least one scored rating, folded in. */
  folded(): CommunityItem[];
  /** The anime's folded vectors, or with no scored rating yet its genre/type prior alone (ratings 0). */
  estimate(itemIx: number): FoldedItem;
  /**
   * A member's ratings changed (after = undefined: forgotten). `user` is their folded vector now.
   * Refolds the new anime they rated or unrated, and records who rated what in the store.
   */
  memberChanged(userId: string, before: Record<string, number> | undefined, after: Record<string, number> | undefined, user: FoldedUser | undefined): Promise<void>;
}

export function createCommunityItems(options: {
  space: ItemSpace;
  catalogue: Catalogue;
  store: RatingsStore;
  /** A member's folded vector from their stored record (for loading the raters at start). */
  loadUser: (userId: string) => Promise<FoldedUser | undefined>;
  log: Logger;
}): CommunityItems {
  const { space, catalogue, log } = options;
  const records = communityRecords(options.store);
  const items = new Map<number, CommunityItem>();
  const priors = new Map<number, ReturnType<typeof itemPrior>>();
  const isNew = (itemIx: number) => itemIx >= space.nItems && itemIx < catalogue.anime.length;

  const priorOf = (itemIx: number) => {
    let prior = priors.get(itemIx);
    if (prior === undefined) {
      const a = catalogue.anime[itemIx]!;
      priors.set(itemIx, (prior = itemPrior(space, { genres: a.genres, type: a.type })));
    }
    return prior;
  };

  const refold = (item: CommunityItem) => {
    const raters = [...item.raters.values()];
    item.folded = raters.some((r) => r.score >= 1) ? foldInItem(space, raters, priorOf(item.itemIx)) : undefined;
  };

  const itemFor = (itemIx: number) => {
    let item = items.get(itemIx);
    if (item === undefined) items.set(itemIx, (item = { itemIx, folded: undefined, raters: new Map() }));
    return item;
  };

  const load = async () => {
    for (const animeId of await records.ratedAnime()) {
      const itemIx = catalogue.ixByAnimeId.get(animeId);
      if (itemIx === undefined || !isNew(itemIx)) continue;
      const item = itemFor(itemIx);
      for (const [userId, score] of Object.entries(await records.raters(animeId))) {
        const user = await options.loadUser(userId);
        if (user !== undefined) item.raters.set(userId, { user, score });
      }
      refold(item);
    }
    log.info(`community: ${items.size} anime the model does not know are rated by members`);
  };
  let loaded = false;
  const ready = load()
    .catch((error: unknown) => log.error('community: could not load who rated the new anime', error))
    .finally(() => (loaded = true));

  const newAnimeIn = (ratings: Record<string, number> | undefined) => {
    const out = new Map<number, number>();
    for (const [animeId, score] of Object.entries(ratings ?? {})) {
      const itemIx = catalogue.ixByAnimeId.get(Number(animeId));
      if (itemIx !== undefined && isNew(itemIx)) out.set(itemIx, score);
    }
    return out;
  };

  return {
    ready,
    get loaded() {
      return loaded;
    },
    space,
    isNew,
    get: (itemIx) => items.get(itemIx),
    folded: () => [...items.values()].filter((item) => item.folded !== undefined),
    estimate: (itemIx) => items.get(itemIx)?.folded ?? foldInItem(space, [], priorOf(itemIx)),

    async memberChanged(userId, before, after, user) {
      await ready;
      const was = newAnimeIn(before);
      const now = user === undefined ? new Map<number, number>() : newAnimeIn(after);
      const touched = new Set([...was.keys(), ...now.keys()]);
      if (touched.size === 0) return;
      const moves = new Map<number, IndexMove>();
      for (const itemIx of touched) {
        const item = itemFor(itemIx);
        const score = now.get(itemIx);
        if (score === undefined) item.raters.delete(userId);
        else item.raters.set(userId, { user: user!, score });
        refold(item);
        // The store only needs to hear of a new or changed score, or a removal.
        if (was.get(itemIx) === score) continue;
        const animeId = catalogue.anime[itemIx]!.animeId;
        moves.set(animeId, await records.setRater(animeId, userId, score));
      }
      await records.moveInIndex(moves);
    },
  };
}
