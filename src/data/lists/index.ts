/**
 * Fetching a member's list from AniList or MyAnimeList, whichever they name: the defaults in one place
 * (10 s per request, 30 s for the whole import, 25,000 entries, 16 MB per answer) and the user-name rule.
 * The result holds the same `{animeId, score}` entries as the XML export, so the service imports all three
 * alike.
 */
import type { ListImportSettings } from '../../config.js';
import { InvalidOptionError, type ListSourceName } from '../../errors.js';
import { fetchAnilistList } from './anilist.js';
import type { ListHttpOptions } from './http.js';
import { fetchMalList } from './malApi.js';
import type { FetchedList } from './types.js';

export type { FetchedList, ListEntry } from './types.js';

export const LIST_SOURCES: readonly ListSourceName[] = ['anilist', 'mal'];

/** How lists are fetched: the endpoints (config) plus limits and test hooks, each with its default. */
export interface ListImportOptions extends ListImportSettings, Partial<ListHttpOptions> {
  /** The whole import (every page, any Retry-After waited out) must end within this (default 30 s). */
  budgetMs?: number;
  /** Entries a list may have (default 25,000). */
  maxEntries?: number;
}

export const LIST_DEFAULTS = { timeoutMs: 10_000, budgetMs: 30_000, maxEntries: 25_000, maxBytes: 16 * 1024 * 1024 };

// AniList: 2-20 letters and digits; MyAnimeList: 2-16 letters, digits, _ and -. One rule for both, so a
// typo is caught before any request and nothing odd reaches a URL.
const USER_NAME = /^[A-Za-z0-9_-]{2,20}$/;

/** The user name as given, or InvalidOptionError naming the option. */
export function resolveListUser(source: ListSourceName, text: string): string {
  const name = text.trim().replace(/^@/, '');
  if (!USER_NAME.test(name)) {
    throw new InvalidOptionError(source, `"${truncate(text.trim(), 40)}" is not ${source === 'anilist' ? 'an AniList' : 'a MyAnimeList'} user name (2 to 20 letters, digits, dashes or underscores)`);
  }
  return name;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Fetches and maps the whole list, or throws a ListImportError (nothing partial ever comes back). */
export async function fetchList(source: ListSourceName, user: string, options: ListImportOptions): Promise<FetchedList> {
  const now = options.now ?? Date.now;
  const http: ListHttpOptions = {
    timeoutMs: options.timeoutMs ?? LIST_DEFAULTS.timeoutMs,
    now,
    sleep: options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
    maxBytes: options.maxBytes ?? LIST_DEFAULTS.maxBytes,
  };
  const shared = { ...http, deadline: now() + (options.budgetMs ?? LIST_DEFAULTS.budgetMs), maxEntries: options.maxEntries ?? LIST_DEFAULTS.maxEntries };
  return source === 'anilist'
    ? fetchAnilistList(user, { ...shared, baseUrl: options.anilistUrl })
    : fetchMalList(user, { ...shared, baseUrl: options.malApiUrl, clientId: options.malClientId });
}

export type ImportChoice = { kind: 'file' } | { kind: 'list'; list: ListSourceName; user: string };

/** Which of /import's options was given: exactly one of file, anilist and mal, or a one-line InvalidOptionError. */
export function chooseImportSource(given: { file: boolean; anilist: string | null; mal: string | null }): ImportChoice {
  const named = [given.file ? 'file' : '', given.anilist !== null && given.anilist.trim() !== '' ? 'anilist' : '', given.mal !== null && given.mal.trim() !== '' ? 'mal' : ''].filter(Boolean);
  if (named.length !== 1) {
    throw new InvalidOptionError(
      'import',
      named.length === 0
        ? 'give one source: anilist:<user>, mal:<user>, or file: with your MyAnimeList export'
        : `give one source at a time, not ${named.join(' and ')}`,
    );
  }
  if (named[0] === 'file') return { kind: 'file' };
  const list = named[0] as ListSourceName;
  return { kind: 'list', list, user: resolveListUser(list, (list === 'anilist' ? given.anilist : given.mal)!) };
}
