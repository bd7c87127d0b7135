/**
 * The web API's input rules: query strings and JSON bodies in, checked values out, or a WebInputError
 * whose message (from messages.ts) the API answers with status 400. No HTTP objects here, so the rules
 * are tested without a server.
 */
import type { Catalogue } from '../../data/types.js';
import type { ListSourceName } from '../../errors.js';
import { LIST_SOURCES, resolveListUser } from '../../data/lists/index.js';
import type { HeldRating, RecommendOptions } from '../../service/index.js';
import { WEB_MESSAGES } from '../messages.js';

/** A request the API cannot use; the message is for the person who sent it. */
export class WebInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebInputError';
  }
}

export const MAX_RATINGS = 5000;
export const MAX_QUERY_LENGTH = 200;
export const BODY_LIMIT_BYTES = 1024 * 1024;

const ANIME_ID = /^\d{1,9}$/;

function knownAnime(catalogue: Catalogue, where: string, value: unknown): number {
  const ok = (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && ANIME_ID.test(value));
  if (!ok) throw new WebInputError(WEB_MESSAGES.badAnimeId(where, value));
  const animeId = Number(value);
  if (!catalogue.ixByAnimeId.has(animeId)) throw new WebInputError(WEB_MESSAGES.unknownAnimeId(where, animeId));
  return animeId;
}

/** `?q=TEXT` of /api/search. */
export function parseSearchQuery(query: unknown): string {
  const q = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).q : undefined;
  if (typeof q !== 'string') throw new WebInputError(WEB_MESSAGES.queryMissing);
  if (q.length > MAX_QUERY_LENGTH) throw new WebInputError(WEB_MESSAGES.queryTooLong(MAX_QUERY_LENGTH));
  return q;
}

/** The anime id in /api/similar/ANIME_ID. */
export function parseAnimeIdParam(catalogue: Catalogue, value: unknown): number {
  return knownAnime(catalogue, 'anime id', value);
}

/** Optional text fields (count, genre, type) as the service's resolvers take them. */
function optionalText(body: Record<string, unknown>, name: string, want: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && name === 'count') return String(value);
  if (typeof value !== 'string') throw new WebInputError(WEB_MESSAGES.badField(name, want));
  return value;
}

export interface RecommendRequest {
  ratings: HeldRating[];
  options: RecommendOptions;
}

/** The body of POST /api/recommend: `{"ratings": [{"animeId", "score"}...], "count"?, "genre"?, "type"?}`. */
export function parseRecommendBody(catalogue: Catalogue, body: unknown): RecommendRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WebInputError(WEB_MESSAGES.bodyNotObject);
  const fields = body as Record<string, unknown>;
  const list = fields.ratings ?? [];
  if (!Array.isArray(list)) throw new WebInputError(WEB_MESSAGES.ratingsNotList);
  if (list.length > MAX_RATINGS) throw new WebInputError(WEB_MESSAGES.tooManyRatings(MAX_RATINGS, list.length));
  const ratings = list.map((entry: unknown, at): HeldRating => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new WebInputError(WEB_MESSAGES.ratingNotObject(at));
    const { animeId, score } = entry as Record<string, unknown>;
    const id = knownAnime(catalogue, `ratings[${at}].animeId`, animeId);
    if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 10) throw new WebInputError(WEB_MESSAGES.badScore(at, score));
    return { animeId: id, score };
  });
  const count = optionalText(fields, 'count', 'a whole number from 1 to 25');
  const genre = optionalText(fields, 'genre', 'a genre name such as "Comedy"');
  const type = optionalText(fields, 'type', 'a type name such as "TV"');
  return { ratings, options: { count: count ?? null, genre: genre ?? null, type: type ?? null } };
}

/** `?count=N` of /api/similar (the service checks the range). */
export function parseCountQuery(query: unknown): string | null {
  const count = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).count : undefined;
  if (count === undefined || count === '') return null;
  if (typeof count !== 'string') throw new WebInputError(WEB_MESSAGES.badField('count', 'a whole number from 1 to 25'));
  return count;
}

export interface ImportRequest {
  source: ListSourceName;
  user: string;
}

/** The body of POST /api/import: `{"source": "anilist" | "mal", "user": "NAME"}`. */
export function parseImportBody(body: unknown): ImportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WebInputError(WEB_MESSAGES.importBodyNotObject);
  const { source, user } = body as Record<string, unknown>;
  if (typeof source !== 'string' || !(LIST_SOURCES as readonly string[]).includes(source)) throw new WebInputError(WEB_MESSAGES.badField('source', '"anilist" or "mal"'));
  if (typeof user !== 'string') throw new WebInputError(WEB_MESSAGES.badField('user', 'a user name such as "Josh"'));
  // resolveListUser's InvalidOptionError becomes a 400 with its own words.
  return { source: source as ListSourceName, user: resolveListUser(source as ListSourceName, user) };
}
