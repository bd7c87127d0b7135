/**
 * What an import does to a member's ratings, as one pure change (the store may apply it more than once
 * when another process wrote first, so it only reads its arguments and the copies it is handed):
 * the list's anime the catalogue knows are set; anime the same source set last time and the list no
 * longer has are removed, unless another source still lists them; ratings made by hand are never in
 * these per-source lists, so they stay unless the list itself names the anime.
 */
import { WATCHED } from '../data/types.js';
import type { ListSourceName } from '../errors.js';

export type ImportBook = Partial<Record<ListSourceName, number[]>>;

export interface ImportEntry {
  animeId: number;
  score: number;
  title?: string;
}

export interface AppliedImport {
  rated: number;
  watched: number;
  /** Anime the same source had set before and the new list no longer has: removed. */
  removed: number;
  /** Entries naming anime the catalogue does not know (not stored). */
  unknown: ImportEntry[];
}

/** Applies `entries` of `source` to `ratings` and `book` (both mutable copies owned by the caller). */
export function applyImport(
  ratings: Record<string, number>,
  book: ImportBook,
  source: ListSourceName,
  entries: readonly ImportEntry[],
  knows: (animeId: number) => boolean,
): AppliedImport {
  const result: AppliedImport = { rated: 0, watched: 0, removed: 0, unknown: [] };
  const listed = new Set<number>();
  for (const entry of entries) {
    if (!knows(entry.animeId)) {
      result.unknown.push(entry);
      continue;
    }
    listed.add(entry.animeId);
    ratings[String(entry.animeId)] = entry.score;
    if (entry.score === WATCHED) result.watched++;
    else result.rated++;
  }
  const elsewhere = new Set<number>();
  for (const [other, ids] of Object.entries(book)) if (other !== source) for (const id of ids ?? []) elsewhere.add(id);
  for (const id of book[source] ?? []) {
    if (listed.has(id) || elsewhere.has(id) || ratings[String(id)] === undefined) continue;
    delete ratings[String(id)];
    result.removed++;
  }
  book[source] = [...listed];
  return result;
}

/** A rating made by hand (or removed by hand) belongs to the member, no longer to any import. */
export function disown(book: ImportBook, animeId: number): void {
  for (const [source, ids] of Object.entries(book) as [ListSourceName, number[] | undefined][]) {
    if (ids?.includes(animeId)) book[source] = ids.filter((id) => id !== animeId);
  }
}
