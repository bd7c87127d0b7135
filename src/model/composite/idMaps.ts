/** MyAnimeList ids to the model's dense indices, for the CLI's `predict` by ids. */
import type { Catalogue } from '../../data/types.js';

export class IdMaps {
  private userIxById: Map<number, number> | undefined;

  /** userIds: the explicit model's userIx -> MyAnimeList id, read on first use. */
  constructor(private readonly userIds: () => Int32Array, private readonly catalogue: Catalogue) {}

  /** Dense userIx of a MyAnimeList user the explicit model trained on, -1 for anyone else (built on first use). */
  userIxOf(userId: number): number {
    if (!this.userIxById) {
      const map = new Map<number, number>();
      this.userIds().forEach((id, ix) => map.set(id, ix));
      this.userIxById = map;
    }
    return this.userIxById.get(userId) ?? -1;
  }

  /** itemIx of a MyAnimeList anime id, undefined when the model does not know it. */
  itemIxOf(animeId: number): number | undefined {
    return this.catalogue.ixByAnimeId.get(animeId);
  }
}
