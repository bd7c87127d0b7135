/**
 * /import anilist:<user>: AniList's public GraphQL API (no key). One query per chunk of 500 entries
 * (`MediaListCollection(userName, type: ANIME, chunk, perChunk)` until `hasNextChunk` is false), entries
 * keyed by `media.idMal`. Scores arrive in the user's own format (`user.mediaListOptions.scoreFormat`)
 * and are brought onto 1-10 here; 0 on a seen status means watched without a score, PLANNING is skipped,
 * and entries without a MyAnimeList id are counted and skipped. Unknown and private users answer HTTP
 * 404 with `errors[].message` ("User not found", "Private User").
 */
import { WATCHED } from '../types.js';
import { ListImportError } from '../../errors.js';
import { postAnilist } from '../anilist/client.js';
import { isObject, toListImportError } from './http.js';
import { EntryCollector, type FetchedList, type SourceOptions } from './types.js';

export const ANILIST_QUERY = `query ($userName: String, $chunk: Int, $perChunk: Int) {
  MediaListCollection(userName: $userName, type: ANIME, chunk: $chunk, perChunk: $perChunk) {
    hasNextChunk
    user { name mediaListOptions { scoreFormat } }
    lists { entries { status score media { id idMal title { romaji english } } } }
  }
}`;

/** Entries per request (AniList's largest chunk). */
export const ANILIST_CHUNK = 500;

const SEEN = new Set(['COMPLETED', 'CURRENT', 'DROPPED', 'PAUSED', 'REPEATING']);

export type ScoreFormat = 'POINT_100' | 'POINT_10_DECIMAL' | 'POINT_10' | 'POINT_5' | 'POINT_3';
const FORMATS = new Set<string>(['POINT_100', 'POINT_10_DECIMAL', 'POINT_10', 'POINT_5', 'POINT_3']);

/**
 * A score in the user's format onto 1..10 (0 stays 0: no score). POINT_3 is AniList's smileys
 * (1 = :(, 2 = :|, 3 = :)), taken as 3, 6 and 9.
 */
export function toTenPoint(score: number, format: ScoreFormat): number {
  if (!(score > 0)) return 0;
  const scaled =
    format === 'POINT_100' ? score / 10
    : format === 'POINT_5' ? score * 2
    : format === 'POINT_3' ? score * 3
    : score;
  return Math.min(10, Math.max(1, Math.round(scaled)));
}

export async function fetchAnilistList(user: string, options: SourceOptions): Promise<FetchedList> {
  const malformed = (problem: string): never => {
    throw new ListImportError('list_malformed', 'anilist', user, problem, { problem });
  };
  const collector = new EntryCollector(options.maxEntries, () => {
    throw new ListImportError('list_too_large', 'anilist', user, `more than ${options.maxEntries} entries`, { maxEntries: options.maxEntries });
  });
  for (let chunk = 1; ; chunk++) {
    // The shared AniList client: its pacer keeps this import and the season sync inside 90 requests a minute.
    const { status, body } = await postAnilist(ANILIST_QUERY, { userName: user, chunk, perChunk: ANILIST_CHUNK }, options.deadline, {
      url: options.baseUrl,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      now: options.now,
      sleep: options.sleep,
    }).catch((error: unknown) => {
      throw toListImportError(error, 'anilist', user);
    });
    const errors = isObject(body) && Array.isArray(body.errors) ? body.errors : [];
    const firstMessage = errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : '')).find((m) => m !== '') ?? '';
    if (status === 404 || /not found|private/i.test(firstMessage)) {
      if (/private/i.test(firstMessage)) throw new ListImportError('list_private', 'anilist', user, firstMessage);
      throw new ListImportError('list_not_found', 'anilist', user, firstMessage || 'HTTP 404');
    }
    if (status < 200 || status >= 300) throw new ListImportError('list_unavailable', 'anilist', user, `HTTP ${status}`, { reason: 'status', status });
    const collection = isObject(body) && isObject(body.data) ? body.data.MediaListCollection : undefined;
    if (!isObject(collection)) return malformed(firstMessage !== '' ? `no list, but "${firstMessage.slice(0, 100)}"` : 'no MediaListCollection');
    const format = isObject(collection.user) && isObject(collection.user.mediaListOptions) ? collection.user.mediaListOptions.scoreFormat : undefined;
    if (typeof format !== 'string' || !FORMATS.has(format)) return malformed(`unknown score format ${JSON.stringify(format ?? null)}`);
    if (!Array.isArray(collection.lists)) return malformed('lists is not a list');
    for (const list of collection.lists) {
      if (!isObject(list) || !Array.isArray(list.entries)) return malformed('a list without entries');
      for (const entry of list.entries) {
        collector.count();
        if (!isObject(entry) || !isObject(entry.media)) {
          collector.skipped++;
          continue;
        }
        const status = entry.status;
        if (status === 'PLANNING') {
          collector.planToWatch++;
          continue;
        }
        const idMal = entry.media.idMal;
        if (idMal === null || idMal === undefined) {
          collector.noMalId++;
          continue;
        }
        const score = entry.score ?? 0;
        if (typeof idMal !== 'number' || !Number.isInteger(idMal) || idMal <= 0 || typeof score !== 'number' || typeof status !== 'string') {
          collector.skipped++;
          continue;
        }
        const ten = toTenPoint(score, format as ScoreFormat);
        const title = isObject(entry.media.title) ? (entry.media.title.english ?? entry.media.title.romaji) : undefined;
        if (ten >= 1) collector.add({ animeId: idMal, score: ten, ...(typeof title === 'string' ? { title } : {}) });
        else if (SEEN.has(status)) collector.add({ animeId: idMal, score: WATCHED, ...(typeof title === 'string' ? { title } : {}) });
        else collector.skipped++;
      }
    }
    if (collection.hasNextChunk !== true) return collector.result('anilist', user);
    // A server that always says "more" ends here rather than looping for ever.
    if (chunk * ANILIST_CHUNK > options.maxEntries) {
      throw new ListImportError('list_too_large', 'anilist', user, `more than ${options.maxEntries} entries`, { maxEntries: options.maxEntries });
    }
  }
}
