/**
 * Who rated which anime the model does not know, kept beside the members so it survives a restart: one
 * record per such anime (`community:anime:<id>`, ratings = member id -> score) and one index
 * (`community:index`, ratings = anime id -> 1, for the anime that have raters). These keys are this
 * module's alone: the store's `entries()` leaves them out, so nothing above it mistakes them for members.
 */
import type { RatingsStore } from './records.js';

const PREFIX = 'community:';
const INDEX_ID = `${PREFIX}index`;
const animeRecordId = (animeId: number) => `${PREFIX}anime:${animeId}`;

/** true for a record id that is community bookkeeping, not a member. */
export const isCommunityId = (id: string): boolean => id.startsWith(PREFIX);

/** How a rater change moved an anime in the index: its first rater, its last one gone, or neither. */
export type IndexMove = 'entered' | 'left' | 'same';

export interface CommunityRecords {
  /** Anime ids with at least one rater. */
  ratedAnime(): Promise<number[]>;
  /** Member id -> score of one anime. */
  raters(animeId: number): Promise<Record<string, number>>;
  /** Records (score) or removes (undefined) one member's score of an anime. */
  setRater(animeId: number, userId: string, score: number | undefined): Promise<IndexMove>;
  /** Applies the index moves of several anime in one write. */
  moveInIndex(moves: ReadonlyMap<number, IndexMove>): Promise<void>;
}

export function communityRecords(store: RatingsStore): CommunityRecords {
  return {
    async ratedAnime() {
      const index = await store.get(INDEX_ID);
      return Object.keys(index?.ratings ?? {}).map(Number);
    },
    async raters(animeId) {
      return (await store.get(animeRecordId(animeId)))?.ratings ?? {};
    },
    setRater(animeId, userId, score) {
      return store.update(animeRecordId(animeId), (current) => {
        const ratings = { ...(current?.ratings ?? {}) };
        if (score === undefined) delete ratings[userId];
        else ratings[userId] = score;
        const count = Object.keys(ratings).length;
        // The index lists which anime have raters: it changes only when one gains its first or loses its last.
        const result: IndexMove = current === undefined && count > 0 ? 'entered' : current !== undefined && count === 0 ? 'left' : 'same';
        return { record: count === 0 ? null : { ratings, updatedAt: Date.now() }, result };
      });
    },
    async moveInIndex(moves) {
      const changed = [...moves].filter(([, move]) => move !== 'same');
      if (changed.length === 0) return;
      await store.update(INDEX_ID, (current) => {
        const ratings = { ...(current?.ratings ?? {}) };
        for (const [animeId, move] of changed) {
          if (move === 'left') delete ratings[String(animeId)];
          else ratings[String(animeId)] = 1;
        }
        return { record: { ratings, updatedAt: Date.now() }, result: undefined };
      });
    },
  };
}
