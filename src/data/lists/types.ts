/** What every list source hands the service: the same `{animeId, score}` entries the XML export gives. */
import type { ListSourceName } from '../../errors.js';
import type { ListHttpOptions } from './http.js';

export interface ListEntry {
  /** MyAnimeList anime id. */
  animeId: number;
  /** 1..10, or WATCHED (-1) for a seen anime without a score. */
  score: number;
  /** The title as the source names it (to name anime our catalogue does not know). */
  title?: string;
}

export interface FetchedList {
  source: ListSourceName;
  /** The user name as given. */
  user: string;
  /** One entry per anime (a source listing an anime twice keeps the scored entry). */
  entries: ListEntry[];
  /** Planning / plan-to-watch entries, skipped on purpose. */
  planToWatch: number;
  /** AniList entries without a MyAnimeList id: counted and skipped. */
  noMalId: number;
  /** Entries without a usable id, status or score. */
  skipped: number;
}

/** Everything a source's fetch needs besides the user name. */
export interface SourceOptions extends ListHttpOptions {
  /** The API base (ANIREC_ANILIST_URL or ANIREC_MAL_API_URL). */
  baseUrl: string;
  /** The clock time the whole import must end by. */
  deadline: number;
  /** More entries than this fail the import (list_too_large). */
  maxEntries: number;
}

/**
 * Collects entries, one per anime: a scored entry wins over a watched one (AniList can list an anime in a
 * custom list too), and a list growing beyond maxEntries stops the import.
 */
export class EntryCollector {
  private readonly byId = new Map<number, ListEntry>();
  private seen = 0;
  planToWatch = 0;
  noMalId = 0;
  skipped = 0;

  constructor(private readonly maxEntries: number, private readonly tooMany: () => never) {}

  /** Counts one raw entry of the answer (every entry counts towards the cap). */
  count(): void {
    if (++this.seen > this.maxEntries) this.tooMany();
  }

  add(entry: ListEntry): void {
    const held = this.byId.get(entry.animeId);
    if (held === undefined || (held.score < 1 && entry.score >= 1)) this.byId.set(entry.animeId, entry);
  }

  result(source: ListSourceName, user: string): FetchedList {
    return { source, user, entries: [...this.byId.values()], planToWatch: this.planToWatch, noMalId: this.noMalId, skipped: this.skipped };
  }
}
