/**
 * The service's side of the anime the model does not know (communityItems.ts folds them in from their
 * raters): told of every committed change of ratings, and ranking those anime for a member.
 */
import type { Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';
import { itemSpaceOf, scoreFoldedItems } from '../model/itemFoldIn.js';
import type { FoldedUser } from '../model/types.js';
import type { RatingsStore } from '../store/ratingsStore.js';
import { createCommunityItems, type CommunityItems } from './communityItems.js';
import type { Member, RatingsCommitted } from './members.js';

export interface Community {
  readonly items: CommunityItems;
  /** For MemberCache: a failure only delays what others see of the new anime, so it is logged, not thrown. */
  readonly committed: RatingsCommitted;
  /** Community anime ranked for a member, best first (only those resting on at least one scored rating). */
  picks(member: Member, filter: (itemIx: number) => boolean): { itemIx: number; score: number; restsOn: number }[];
}

/** undefined when the catalogue has no anime beyond the model's (or the model kind cannot fold anime in). */
export function createCommunity(options: {
  model: AnirecModel;
  catalogue: Catalogue;
  store: RatingsStore;
  log: Logger;
  loadUser: (userId: string) => Promise<FoldedUser | undefined>;
}): Community | undefined {
  const { model, catalogue, store, log } = options;
  if (catalogue.anime.length <= model.catalogue.anime.length) return undefined;
  const space = itemSpaceOf(model);
  if (space === undefined) return undefined;
  const items = createCommunityItems({ space, catalogue, store, log, loadUser: options.loadUser });
  return {
    items,
    async committed(userId, before, member) {
      const noted = items.memberChanged(userId, before, member.record.ratings, member.folded).catch((error: unknown) => {
        log.error(`community: could not record member ${userId}'s ratings of new anime`, error);
      });
      // The rating is stored: while the community records still load (after a start or a model swap) the
      // member is answered now, and the community learns of it once loaded.
      if (items.loaded) await noted;
    },
    picks(member, filter) {
      if (member.folded === undefined) return [];
      const found = items.folded().filter((item) => !member.rated.has(item.itemIx) && filter(item.itemIx));
      const scores = scoreFoldedItems(items.space, member.folded, found.map((item) => item.folded!));
      return found.map((item, j) => ({ itemIx: item.itemIx, score: scores[j]!, restsOn: item.folded!.ratings })).filter((pick) => Number.isFinite(pick.score));
    },
  };
}
