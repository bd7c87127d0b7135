/** /rate, /unrate and /ratings: one member's own ratings. */
import { normaliseTitle } from '../data/titles.js';
import { InvalidOptionError } from '../errors.js';
import { disown } from './applyImport.js';
import type { ServiceContext } from './context.js';
import type { ServerLists } from './servers.js';
import { resolveAnime } from './resolvers.js';
import type { RateResult, RatingEntry, RatingsPage, UnrateResult } from './types.js';
import { animeUrl } from './views.js';

export const RATINGS_PER_PAGE = 10;

export const countRated = (ratings: Record<string, number>) => Object.keys(ratings).length;

/** What typed text names, when it is not the anime's shown title (nor its id). */
function asTyped(ctx: ServiceContext, typed: string, itemIx: number): string | undefined {
  const text = typed.trim();
  if (/^\d+$/.test(text) || normaliseTitle(text) === normaliseTitle(ctx.catalogue.anime[itemIx]!.name)) return undefined;
  return text;
}

/**
 * One store write for the rating, the server named in the same record write (`servers` given a guild), so
 * only a member's first command in a server adds a second write: their entry in the server's list.
 */
export async function rate(ctx: ServiceContext, userId: string, anime: string, score: number, where?: { guildId: string; servers: ServerLists }): Promise<RateResult> {
  const { catalogue, titles, members, log } = ctx;
  const itemIx = resolveAnime(titles, catalogue, anime);
  if (!Number.isInteger(score) || score < 1 || score > 10) throw new InvalidOptionError('score', `${score} is not a whole number from 1 to 10`);
  const animeId = String(catalogue.anime[itemIx]!.animeId);
  const { member, result: previous } = await members.changeRatings(userId, (ratings, book) => {
    const before = ratings[animeId];
    ratings[animeId] = score;
    disown(book, Number(animeId));
    return before;
  }, where === undefined ? undefined : (record) => (record.guilds?.includes(where.guildId) ? record : { ...record, guilds: [...(record.guilds ?? []), where.guildId] }));
  log.debug(`member ${userId} rated anime ${animeId}: ${score}`);
  if (where !== undefined) {
    // The rating is stored and acknowledged whatever happens here; the member's next command retries the list.
    await where.servers.listAfterRecord(userId, where.guildId).catch((error: unknown) => {
      log.warn(`could not list ${userId} in server ${where.guildId}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  const typed = asTyped(ctx, anime, itemIx);
  return { anime: ctx.view(itemIx), ...(typed !== undefined ? { asTyped: typed } : {}), score, previous, ratedCount: countRated(member.record.ratings) };
}

export async function unrate(ctx: ServiceContext, userId: string, anime: string): Promise<UnrateResult> {
  const { catalogue, titles, members } = ctx;
  const itemIx = resolveAnime(titles, catalogue, anime);
  const animeId = String(catalogue.anime[itemIx]!.animeId);
  const existing = await members.load(userId);
  if (existing === undefined || existing.record.ratings[animeId] === undefined) {
    return { anime: ctx.view(itemIx), removed: false, ratedCount: existing ? countRated(existing.record.ratings) : 0 };
  }
  const { member, result: removed } = await members.changeRatings(userId, (ratings, book) => {
    const had = ratings[animeId] !== undefined;
    delete ratings[animeId];
    disown(book, Number(animeId));
    return had;
  });
  return { anime: ctx.view(itemIx), removed, ratedCount: countRated(member.record.ratings) };
}

export async function listRatings(ctx: ServiceContext, userId: string, page = 1): Promise<RatingsPage> {
  const { catalogue } = ctx;
  const member = await ctx.members.load(userId);
  const entries: RatingEntry[] = Object.entries(member?.record.ratings ?? {}).map(([id, score]) => {
    const animeId = Number(id);
    const itemIx = catalogue.ixByAnimeId.get(animeId);
    const name = itemIx === undefined ? `anime #${animeId}` : catalogue.anime[itemIx]!.name;
    return { animeId, name, url: animeUrl(animeId), score };
  });
  // Best first; watched-without-score last; then by name so pages are stable.
  entries.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const pages = Math.max(1, Math.ceil(entries.length / RATINGS_PER_PAGE));
  const at = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return { entries: entries.slice((at - 1) * RATINGS_PER_PAGE, at * RATINGS_PER_PAGE), page: at, pages, total: entries.length };
}
