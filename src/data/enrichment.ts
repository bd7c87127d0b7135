/**
 * Online enrichment (`anirec catalogue --update`): what bangumi-data lacks (genres, episodes, MAL score,
 * synonyms, romaji title, picture), fetched per MAL id from Jikan v4 (https://docs.api.jikan.moe/, the
 * unofficial MyAnimeList API: no key, 3 requests/s and 60/min). Requests are spaced to stay inside the
 * per-minute limit; a 429 waits (Retry-After, else a back-off) and tries again.
 *
 * Results go to one cache file (enrichment.json in the cache folder), rewritten atomically every few
 * answers, so an interrupted run resumes where it stopped and a start reads it with no network. A refused,
 * slow or malformed answer changes nothing for that anime and is reported; no answer at all for 30 s (no
 * network, a silent server) ends the run with a CatalogueSourceError naming Jikan, instead of trying every
 * anime in turn.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeAtomically } from './cache.js';
import type { Anime } from './types.js';
import { CatalogueSourceError } from '../errors.js';
import { networkCode } from './http/json.js';
import { shownUrl } from './http/sourceError.js';

export const JIKAN_BASE_URL = 'https://api.jikan.moe/v4';
/** 60 requests a minute is Jikan's tighter limit: one a second keeps inside both. */
export const JIKAN_MIN_INTERVAL_MS = 1000;
/** No answer from Jikan for this long ends the run (see UpdateOptions.silenceMs). */
export const JIKAN_SILENCE_MS = 30_000;
const ENRICHMENT_FILE = 'enrichment.json';
const SAVE_EVERY = 10;

/** What enrichment adds to one anime. */
export interface Enriched {
  title?: string;
  englishTitle?: string;
  synonyms?: string[];
  genres?: string[];
  type?: string;
  episodes?: number;
  malScore?: number;
  picture?: string;
}

interface EnrichmentFile {
  version: 1;
  /** MAL id -> fields, or null: the API has no such anime (not asked again). */
  anime: Record<string, Enriched | null>;
}

const enrichmentPath = (cacheDir: string) => join(resolve(cacheDir), ENRICHMENT_FILE);

export async function readEnrichment(cacheDir: string): Promise<Map<number, Enriched | null>> {
  try {
    const file = JSON.parse(await readFile(enrichmentPath(cacheDir), 'utf8')) as EnrichmentFile;
    return new Map(Object.entries(file.anime ?? {}).map(([id, e]) => [Number(id), e]));
  } catch {
    return new Map();
  }
}

async function writeEnrichment(cacheDir: string, entries: Map<number, Enriched | null>): Promise<void> {
  const path = enrichmentPath(cacheDir);
  const file: EnrichmentFile = { version: 1, anime: Object.fromEntries([...entries].map(([id, e]) => [String(id), e])) };
  await writeAtomically(path, JSON.stringify(file));
}

const uniq = (names: readonly string[], except: readonly string[]): string[] => {
  const seen = new Set(except.map((n) => n.toLowerCase()));
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/**
 * Applies enrichment: gaps only for the model's anime (itemIx < baseCount: their names and fields are
 * what it was trained with), plus titles; anime from bangumi-data also take the romaji title as their
 * shown name (their English one stays a title to search by).
 */
export function applyEnrichment(anime: readonly Anime[], baseCount: number, entries: Map<number, Enriched | null>): Anime[] {
  if (entries.size === 0) return [...anime];
  return anime.map((a, ix) => {
    const e = entries.get(a.animeId);
    if (!e) return a;
    const added = ix >= baseCount;
    const name = added && e.title ? e.title : a.name;
    const englishNames = uniq([...(added ? [a.name] : []), ...(a.englishNames ?? []), ...(e.englishTitle ? [e.englishTitle] : [])], [name]);
    const synonyms = uniq([...(a.synonyms ?? []), ...(e.synonyms ?? []), ...(!added && e.title ? [e.title] : [])], [name, ...englishNames, a.japaneseName ?? '']);
    return {
      ...a,
      name,
      genres: a.genres.length > 0 ? a.genres : (e.genres ?? []),
      type: a.type ?? e.type ?? null,
      episodes: a.episodes ?? e.episodes ?? null,
      malScore: a.malScore ?? e.malScore ?? null,
      ...(englishNames.length > 0 ? { englishNames } : {}),
      ...(synonyms.length > 0 ? { synonyms } : {}),
      ...(e.picture ? { picture: e.picture } : {}),
    };
  });
}

/** The overlay loadMergedCatalogue applies at start (nothing when no update ever ran). */
export async function loadEnrichmentOverlay(cacheDir: string): Promise<(anime: Anime[], baseCount: number) => Anime[]> {
  const entries = await readEnrichment(cacheDir);
  return (anime, baseCount) => applyEnrichment(anime, baseCount, entries);
}

/** Why one anime was not enriched. */
export class EnrichmentProblem extends Error {}

/** Jikan's /anime/{id} answer (`data`) to our fields; EnrichmentProblem when it is not that shape. */
export function parseJikanAnime(body: unknown): Enriched {
  const data = (body as { data?: unknown } | null)?.data as Record<string, unknown> | undefined;
  if (data === undefined || data === null || typeof data !== 'object' || typeof data.mal_id !== 'number') {
    throw new EnrichmentProblem('the answer has no data.mal_id');
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const names = (v: unknown) =>
    Array.isArray(v) ? v.map((g) => text((g as { name?: unknown })?.name)).filter((g): g is string => g !== undefined) : [];
  // MyAnimeList's genres plus its explicit genres, themes and demographics: anime.csv's genre column mixes them the same way.
  const genres = [...names(data.genres), ...names(data.explicit_genres), ...names(data.themes), ...names(data.demographics)];
  const synonyms = Array.isArray(data.title_synonyms) ? data.title_synonyms.map(text).filter((s): s is string => s !== undefined) : [];
  const picture = text(((data.images as Record<string, { image_url?: unknown }> | undefined)?.jpg)?.image_url);
  const out: Enriched = {};
  const title = text(data.title);
  const english = text(data.title_english);
  const type = text(data.type);
  if (title) out.title = title;
  if (english) out.englishTitle = english;
  if (synonyms.length > 0) out.synonyms = synonyms;
  if (genres.length > 0) out.genres = [...new Set(genres)];
  if (type) out.type = type;
  if (typeof data.episodes === 'number' && Number.isInteger(data.episodes) && data.episodes > 0) out.episodes = data.episodes;
  if (typeof data.score === 'number' && Number.isFinite(data.score)) out.malScore = data.score;
  if (picture) out.picture = picture;
  return out;
}

export interface UpdateOptions {
  cacheDir: string;
  baseUrl?: string;
  /** Spacing between requests (default 1 s: Jikan's 60/min). */
  intervalMs?: number;
  /** Per request. */
  timeoutMs?: number;
  /** 429 answers tolerated for one anime before the run stops (the API is telling us to go away). */
  maxRetries?: number;
  /** At most this many anime this run (resume later for the rest). */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock (tests); Date.now by default. */
  now?: () => number;
  /**
   * The run gives up, naming Jikan, when no answer at all has come for this long (from the run's start or
   * the last answer): with no network it ends instead of trying every anime (default 30 s).
   */
  silenceMs?: number;
  /** Clock time by which the first answer must have come (default start + silenceMs); the command's overall 30 s. */
  firstAnswerBy?: number;
}

export interface UpdateReport {
  /** Anime that needed enrichment (not yet in the cache). */
  wanted: number;
  enriched: number;
  notFound: number;
  /** `MAL id: what happened` for answers that changed nothing. */
  failed: string[];
  /** Why the run stopped early, if it did. */
  stopped?: string;
  /** Set when it stopped because Jikan gave no answer: the error naming it (describeError words it). */
  unreachable?: CatalogueSourceError;
}

/** Anime the enrichment would help (no genres, episodes or score) and that the cache does not hold yet. */
export function needingEnrichment(anime: readonly Anime[], done: Map<number, Enriched | null>): number[] {
  return anime.filter((a) => !done.has(a.animeId) && (a.genres.length === 0 || a.episodes === null || a.malScore === null)).map((a) => a.animeId);
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Fetches the anime that need it, saving as it goes; an interrupted run resumes from the cache. */
export async function updateEnrichment(anime: readonly Anime[], options: UpdateOptions): Promise<UpdateReport> {
  const base = (options.baseUrl ?? JIKAN_BASE_URL).replace(/\/$/, '');
  const interval = options.intervalMs ?? JIKAN_MIN_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const silenceMs = options.silenceMs ?? JIKAN_SILENCE_MS;
  const log = options.log ?? (() => {});
  const entries = await readEnrichment(options.cacheDir);
  const wanted = needingEnrichment(anime, entries);
  const todo = wanted.slice(0, options.limit ?? wanted.length);
  const report: UpdateReport = { wanted: wanted.length, enriched: 0, notFound: 0, failed: [] };
  let unsaved = 0;
  let last = -Infinity;
  const pace = async () => {
    const wait = last + interval - now();
    if (wait > 0) await sleep(wait);
    last = now();
  };
  // Any HTTP answer (even a 404 or 429) shows Jikan is there; only silence ends the run.
  const started = now();
  let heardAt: number | undefined;
  let lastProblem = '';
  const answerBy = () => (heardAt === undefined ? (options.firstAnswerBy ?? started + silenceMs) : heardAt + silenceMs);
  const giveUp = () => {
    const seconds = Math.round((now() - (heardAt ?? started)) / 1000);
    const reached = heardAt !== undefined;
    report.unreachable = new CatalogueSourceError(
      'catalogue_source_unavailable',
      'jikan',
      shownUrl(base),
      `${reached ? 'stopped answering' : 'no answer'} for ${seconds} s (${lastProblem || 'nothing sent'})`,
      { reason: 'silent', seconds, ...(reached ? {} : { unreached: true }) },
    );
    report.stopped = `Jikan (${shownUrl(base)}) gave no answer for ${seconds} s (last: ${lastProblem || 'nothing sent'}); run again later to resume`;
    return report;
  };
  try {
    for (let n = 0; n < todo.length; n++) {
      const id = todo[n]!;
      let attempt = 0;
      for (;;) {
        if (answerBy() - now() <= 0) return giveUp();
        await pace();
        const left = answerBy() - now();
        if (left <= 0) return giveUp();
        const waitMs = Math.min(timeoutMs, left);
        let response: Response;
        try {
          response = await fetch(`${base}/anime/${id}`, { signal: AbortSignal.timeout(waitMs), headers: { accept: 'application/json' } });
        } catch (error) {
          const code = networkCode(error);
          const reason = (error as Error).name === 'TimeoutError' ? `no answer in ${waitMs} ms` : `request failed (${code ?? (error as Error).message})`;
          lastProblem = reason;
          report.failed.push(`${id}: ${reason}`);
          break;
        }
        heardAt = now();
        if (response.status === 429) {
          await response.body?.cancel();
          if (++attempt > maxRetries) {
            report.stopped = `the API kept answering 429 (too many requests) for anime ${id}; run again later to resume`;
            return report;
          }
          const retryAfter = Number(response.headers.get('retry-after'));
          const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : interval * 2 ** attempt;
          log(`catalogue: 429 from the API, waiting ${(wait / 1000).toFixed(1)} s`);
          await sleep(wait);
          continue;
        }
        if (response.status === 404) {
          await response.body?.cancel();
          entries.set(id, null);
          report.notFound++;
          unsaved++;
          break;
        }
        if (!response.ok) {
          await response.body?.cancel();
          report.failed.push(`${id}: HTTP ${response.status}`);
          break;
        }
        try {
          const text = await response.text();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw new EnrichmentProblem('the answer is not JSON');
          }
          entries.set(id, parseJikanAnime(body));
          report.enriched++;
          unsaved++;
        } catch (error) {
          report.failed.push(`${id}: ${(error as Error).message}`);
        }
        break;
      }
      options.onProgress?.(n + 1, todo.length);
      if (unsaved >= SAVE_EVERY) {
        await writeEnrichment(options.cacheDir, entries);
        unsaved = 0;
      }
    }
    return report;
  } finally {
    if (unsaved > 0) await writeEnrichment(options.cacheDir, entries);
  }
}
