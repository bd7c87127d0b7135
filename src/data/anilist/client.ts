/**
 * The one AniList client: GraphQL POSTs to ANIREC_ANILIST_URL (https://graphql.anilist.co by default),
 * paced to 90 requests a minute by one pacer shared by the whole process (the list import and the season
 * sync alike; a lower X-RateLimit-Limit from AniList lowers it), Retry-After honoured on 429, a timeout per
 * request, a deadline for the whole job, a cap on the bytes of an answer, and a paging helper for
 * `Page { pageInfo { hasNextPage } ... }` queries. Failures are HttpFailure (http/json.ts); each caller
 * words them for its own people.
 */
import { HttpFailure, isObject, requestJson, type JsonResponse } from '../http/json.js';
import { RequestPacer } from '../http/pacer.js';

/** ANIREC_ANILIST_URL's default (config.ts reads the variable). */
export const ANILIST_URL = 'https://graphql.anilist.co';


/** AniList's documented limit (FINDINGS.md: it has run lower at times; the header then lowers ours). */
export const ANILIST_REQUESTS_PER_MINUTE = 90;

/** One per process: every AniList request shares it. */
export const anilistPacer = new RequestPacer(ANILIST_REQUESTS_PER_MINUTE, 60_000);

export const ANILIST_DEFAULTS = { timeoutMs: 10_000, maxBytes: 16 * 1024 * 1024 };

export interface AnilistClientOptions {
  /** The GraphQL endpoint (config.anilistUrl). */
  url: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Per answer (default 16 MB). */
  maxBytes?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Default: the process's shared AniList pacer. */
  pacer?: RequestPacer;
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** One GraphQL query; `deadline` is on options.now's clock. Throws HttpFailure. */
export async function postAnilist(query: string, variables: Record<string, unknown>, deadline: number, options: AnilistClientOptions): Promise<JsonResponse> {
  return requestJson(
    options.url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    },
    {
      timeoutMs: options.timeoutMs ?? ANILIST_DEFAULTS.timeoutMs,
      maxBytes: options.maxBytes ?? ANILIST_DEFAULTS.maxBytes,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      deadline,
      pacer: options.pacer ?? anilistPacer,
    },
  );
}

/** The first `errors[].message` of a GraphQL answer, or ''. */
export function graphqlError(body: unknown): string {
  const errors = isObject(body) && Array.isArray(body.errors) ? body.errors : [];
  return errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : '')).find((m) => m !== '') ?? '';
}

export interface PagedQuery<T> {
  query: string;
  /** Variables besides `page` and `perPage`. */
  variables: Record<string, unknown>;
  /** Items per page (AniList allows at most 50). */
  perPage: number;
  /** A server that always says "more" stops here. */
  maxPages: number;
  deadline: number;
  /** Reads one page's `data.Page`; throws HttpFailure('malformed') when it is not that shape. */
  readPage: (page: Record<string, unknown>) => T[];
}

/** Every page of a `Page(page, perPage) { pageInfo { hasNextPage } ... }` query, in order. */
export async function fetchAllPages<T>(paged: PagedQuery<T>, options: AnilistClientOptions): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const { status, body } = await postAnilist(paged.query, { ...paged.variables, page, perPage: paged.perPage }, paged.deadline, options);
    const message = graphqlError(body);
    if (status < 200 || status >= 300) throw new HttpFailure('status', `HTTP ${status}${message ? ` (${message.slice(0, 100)})` : ''}`, { status });
    const data = isObject(body) && isObject(body.data) ? body.data.Page : undefined;
    if (!isObject(data)) throw new HttpFailure('malformed', message ? `no Page, but "${message.slice(0, 100)}"` : 'no data.Page', { problem: message ? `no Page, but "${message.slice(0, 100)}"` : 'no data.Page' });
    const info = data.pageInfo;
    if (!isObject(info) || typeof info.hasNextPage !== 'boolean') throw new HttpFailure('malformed', 'no pageInfo.hasNextPage', { problem: 'no pageInfo.hasNextPage' });
    items.push(...paged.readPage(data));
    if (!info.hasNextPage) return { items, pages: page };
    if (page >= paged.maxPages) throw new HttpFailure('malformed', `still more after ${page} pages`, { problem: `still more after ${page} pages` });
  }
}
