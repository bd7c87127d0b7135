/** /import: a member's list from a MyAnimeList export, AniList or MyAnimeList, stored in one write; and the web page's preview. */
import { WATCHED } from '../data/types.js';
import { fetchList, type FetchedList, type ListImportOptions } from '../data/lists/index.js';
import { parseMalExport } from '../data/lists/malExport.js';
import type { ListSourceName } from '../errors.js';
import { applyImport } from './applyImport.js';
import type { ServiceContext } from './context.js';
import { countRated } from './rate.js';
import type { ImportResult, ImportSource, ListPreview } from './types.js';
import { animeUrl } from './views.js';

export const UNKNOWN_NAMES_SHOWN = 10;

export async function importList(ctx: ServiceContext, lists: ListImportOptions, userId: string, source: ImportSource): Promise<ImportResult> {
  const { catalogue, log } = ctx;
  // Everything is fetched and read before the one write: a failure here stores nothing.
  const list: FetchedList =
    source instanceof Uint8Array || typeof source === 'function'
      ? { source: 'mal', user: '', noMalId: 0, ...(await parseMalExport(typeof source === 'function' ? await source() : source)) }
      : await fetchList(source.list, source.user, lists);
  const knows = (animeId: number) => catalogue.ixByAnimeId.has(animeId);
  const { member, result: applied } = await ctx.members.changeRatings(userId, (ratings, book) => applyImport(ratings, book, list.source, list.entries, knows));
  const from = list.user === '' ? 'a MyAnimeList export' : `${list.source} user ${list.user}`;
  log.info(`member ${userId} imported ${applied.rated} ratings and ${applied.watched} watched entries from ${from} (${applied.unknown.length} unknown anime, ${applied.removed} removed)`);
  return {
    source: list.source,
    ...(list.user !== '' ? { user: list.user } : {}),
    rated: applied.rated,
    watched: applied.watched,
    removed: applied.removed,
    unknown: applied.unknown.length,
    unknownNames: applied.unknown.slice(0, UNKNOWN_NAMES_SHOWN).map((e) => e.title ?? `anime #${e.animeId}`),
    planToWatch: list.planToWatch,
    noMalId: list.noMalId,
    skipped: list.skipped,
    ratedCount: countRated(member.record.ratings),
  };
}

export async function previewList(ctx: ServiceContext, lists: ListImportOptions, source: ListSourceName, user: string): Promise<ListPreview> {
  const { catalogue } = ctx;
  const list = await fetchList(source, user, lists);
  const preview: ListPreview = { source, user, ratings: [], watched: 0, unknown: 0, unknownNames: [], planToWatch: list.planToWatch, noMalId: list.noMalId, skipped: list.skipped };
  for (const entry of list.entries) {
    const itemIx = catalogue.ixByAnimeId.get(entry.animeId);
    if (itemIx === undefined) {
      if (preview.unknown++ < UNKNOWN_NAMES_SHOWN) preview.unknownNames.push(entry.title ?? `anime #${entry.animeId}`);
    } else if (entry.score === WATCHED) preview.watched++;
    else preview.ratings.push({ animeId: entry.animeId, name: catalogue.anime[itemIx]!.name, url: animeUrl(entry.animeId), score: entry.score });
  }
  return preview;
}
