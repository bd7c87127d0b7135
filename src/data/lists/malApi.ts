/**
 * /import mal:<user>: MyAnimeList's official API v2, `GET /users/{name}/animelist?fields=list_status&limit=1000`
 * with the server owner's `X-MAL-CLIENT-ID`, following `paging.next` (a full URL) page by page. `node.id` is
 * the MyAnimeList id; `list_status.score` is already 0-10. 0 on a seen status (watching, completed, on_hold,
 * dropped) means watched without a score; plan_to_watch is skipped. Errors are 4xx with `{"error": ...}`:
 * 404 no such user, 403 a private list, 401 a client id MyAnimeList refuses.
 */
import { WATCHED } from '../types.js';
import { ListImportError } from '../../errors.js';
import { isObject, requestJson } from './http.js';
import { EntryCollector, type FetchedList, type SourceOptions } from './types.js';

export const MAL_PAGE_LIMIT = 1000;
const SEEN = new Set(['watching', 'completed', 'on_hold', 'dropped']);

export interface MalSourceOptions extends SourceOptions {
  /** MAL_CLIENT_ID; undefined: the import says it is not set up. */
  clientId: string | undefined;
}

/** The first page's URL (nsfw=true: MyAnimeList leaves such entries out of lists otherwise). */
export function malListUrl(baseUrl: string, user: string): string {
  return `${baseUrl}/users/${encodeURIComponent(user)}/animelist?fields=list_status&limit=${MAL_PAGE_LIMIT}&nsfw=true`;
}

export async function fetchMalList(user: string, options: MalSourceOptions): Promise<FetchedList> {
  const { clientId } = options;
  if (clientId === undefined) throw new ListImportError('list_not_configured', 'mal', user, 'MAL_CLIENT_ID is not set', { reason: 'missing' });
  const malformed = (problem: string): never => {
    throw new ListImportError('list_malformed', 'mal', user, problem, { problem });
  };
  const tooLarge = (): never => {
    throw new ListImportError('list_too_large', 'mal', user, `more than ${options.maxEntries} entries`, { maxEntries: options.maxEntries });
  };
  const collector = new EntryCollector(options.maxEntries, tooLarge);
  // The client id goes only to the configured API's own origin: a `paging.next` elsewhere is refused.
  const origin = new URL(options.baseUrl).origin;
  let url = malListUrl(options.baseUrl, user);
  for (let page = 1; ; page++) {
    const { status, body } = await requestJson(
      { source: 'mal', user, url, deadline: options.deadline, init: { headers: { 'X-MAL-CLIENT-ID': clientId, accept: 'application/json' } } },
      options,
    );
    const error = isObject(body) && typeof body.error === 'string' ? body.error : '';
    if (status === 404) throw new ListImportError('list_not_found', 'mal', user, error || 'HTTP 404');
    if (status === 403) throw new ListImportError('list_private', 'mal', user, error || 'HTTP 403');
    if (status === 401) throw new ListImportError('list_not_configured', 'mal', user, error || 'HTTP 401', { reason: 'refused' });
    if (status < 200 || status >= 300) throw new ListImportError('list_unavailable', 'mal', user, `HTTP ${status}`, { reason: 'status', status });
    if (!isObject(body) || !Array.isArray(body.data)) return malformed('no data list');
    for (const item of body.data) {
      collector.count();
      const node = isObject(item) ? item.node : undefined;
      const listStatus = isObject(item) ? item.list_status : undefined;
      if (!isObject(node) || !isObject(listStatus)) {
        collector.skipped++;
        continue;
      }
      const state = listStatus.status;
      if (state === 'plan_to_watch') {
        collector.planToWatch++;
        continue;
      }
      const animeId = node.id;
      const score = listStatus.score ?? 0;
      if (typeof animeId !== 'number' || !Number.isInteger(animeId) || animeId <= 0 || typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 10) {
        collector.skipped++;
        continue;
      }
      const title = typeof node.title === 'string' ? { title: node.title } : {};
      if (score >= 1) collector.add({ animeId, score, ...title });
      else if (typeof state === 'string' && SEEN.has(state)) collector.add({ animeId, score: WATCHED, ...title });
      else collector.skipped++;
    }
    const next = isObject(body.paging) ? body.paging.next : undefined;
    if (next === undefined || next === null) return collector.result('mal', user);
    if (typeof next !== 'string') return malformed('paging.next is not a URL');
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, options.baseUrl);
    } catch {
      return malformed('paging.next is not a URL');
    }
    if (nextUrl.origin !== origin) return malformed(`paging.next points to another host`);
    if (page * MAL_PAGE_LIMIT > options.maxEntries) tooLarge();
    url = nextUrl.href;
  }
}
