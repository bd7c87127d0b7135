/**
 * A season's anime from AniList (`Page { media(season, seasonYear, type: ANIME) }`, every page of 50),
 * mapped to our Anime: romaji name, English and native titles, synonyms (so "AoT"-style abbreviations
 * resolve through the title index), genres, format as our type, episodes, start date, cover and the next
 * airing episode. Anime without a MyAnimeList id are left out and counted: the catalogue, the store and
 * the model key anime by it.
 */
import { isObject, HttpFailure } from '../http/json.js';
import type { Anime } from '../types.js';
import { fetchAllPages, type AnilistClientOptions } from './client.js';

export type AnilistSeasonName = 'WINTER' | 'SPRING' | 'SUMMER' | 'FALL';

export interface AnilistSeason {
  season: AnilistSeasonName;
  year: number;
}

export const SEASON_QUERY = `query ($season: MediaSeason, $seasonYear: Int, $page: Int, $perPage: Int) {
  Page(page: $page, perPage: $perPage) {
    pageInfo { hasNextPage currentPage }
    media(season: $season, seasonYear: $seasonYear, type: ANIME) {
      id idMal title { romaji english native } synonyms genres format episodes
      startDate { year month day } coverImage { large } nextAiringEpisode { airingAt episode }
    }
  }
}`;

/** AniList's largest page. */
export const SEASON_PAGE_SIZE = 50;
/** 2,000 anime: no season comes near; a server that never stops paging does. */
const MAX_PAGES = 40;

/** Our season names (service/seasons.ts) as AniList's enum. */
export function toAnilistSeason(season: { name: 'winter' | 'spring' | 'summer' | 'fall'; year: number }): AnilistSeason {
  return { season: season.name.toUpperCase() as AnilistSeasonName, year: season.year };
}

export const seasonText = (s: AnilistSeason) => `${s.season[0]}${s.season.slice(1).toLowerCase()} ${s.year}`;

const FORMATS: Record<string, string> = { TV: 'TV', TV_SHORT: 'TV', MOVIE: 'Movie', OVA: 'OVA', ONA: 'ONA', SPECIAL: 'Special', MUSIC: 'Music' };
/** The month a season starts (MyAnimeList's quarters, as service/seasons.ts counts them). */
const FIRST_MONTH: Record<AnilistSeasonName, number> = { WINTER: 1, SPRING: 4, SUMMER: 7, FALL: 10 };

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const int = (v: unknown, min: number, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined);
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * AniList's FuzzyDate as YYYY-MM-DD. A missing month or year is the asked season's first month (the
 * anime is in that season, so /seasonal must find it there); a missing day is the 1st.
 */
export function startDateOf(date: unknown, asked: AnilistSeason): string {
  const d = isObject(date) ? date : {};
  const year = int(d.year, 1900, 2200);
  const month = year !== undefined ? int(d.month, 1, 12) : undefined;
  const day = month !== undefined ? int(d.day, 1, 31) : undefined;
  return `${year ?? asked.year}-${pad(month ?? FIRST_MONTH[asked.season])}-${pad(day ?? 1)}`;
}

const uniq = (names: (string | undefined)[], except: (string | undefined)[] = []): string[] => {
  const seen = new Set(except.filter((n): n is string => n !== undefined).map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (const name of names) {
    if (name === undefined || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
};

export type MappedMedia = { anime: Anime } | { left: 'noMalId' | 'unusable' };

/** One `media` item as an Anime, or why it is left out. */
export function mapMedia(media: unknown, asked: AnilistSeason): MappedMedia {
  if (!isObject(media)) return { left: 'unusable' };
  if (media.idMal === null || media.idMal === undefined) return { left: 'noMalId' };
  const animeId = int(media.idMal, 1, 2 ** 31 - 1);
  const title = isObject(media.title) ? media.title : {};
  const romaji = text(title.romaji);
  const english = text(title.english);
  const native = text(title.native);
  const name = romaji ?? english ?? native;
  if (animeId === undefined || name === undefined) return { left: 'unusable' };
  const englishNames = uniq([english], [name]);
  const synonyms = uniq(Array.isArray(media.synonyms) ? media.synonyms.map(text) : [], [name, english, native]);
  const genres = uniq(Array.isArray(media.genres) ? media.genres.map(text) : []);
  const picture = isObject(media.coverImage) ? text(media.coverImage.large) : undefined;
  const next = isObject(media.nextAiringEpisode) ? media.nextAiringEpisode : undefined;
  const nextNumber = int(next?.episode, 1, 100_000);
  const airingAt = int(next?.airingAt, 0, 2 ** 40);
  return {
    anime: {
      animeId,
      name,
      genres,
      type: typeof media.format === 'string' ? (FORMATS[media.format] ?? null) : null,
      episodes: int(media.episodes, 1, 100_000) ?? null,
      malScore: null,
      members: 0,
      ...(englishNames.length > 0 ? { englishNames } : {}),
      ...(native !== undefined ? { japaneseName: native } : {}),
      ...(synonyms.length > 0 ? { synonyms } : {}),
      aired: startDateOf(media.startDate, asked),
      ...(picture !== undefined ? { picture } : {}),
      ...(nextNumber !== undefined && airingAt !== undefined ? { nextEpisode: { number: nextNumber, airingAt } } : {}),
    },
  };
}

export interface FetchedSeasons {
  /** One per MAL id (the last answer wins), in the order AniList gave them. */
  anime: Anime[];
  /** Anime AniList has without a MyAnimeList id: left out. */
  withoutMalId: number;
  /** Items with no usable id or title. */
  unusable: number;
  pages: number;
}

/** Every page of each season. Throws HttpFailure (AniList unreachable, busy, or answering another shape). */
export async function fetchSeasons(seasons: readonly AnilistSeason[], deadline: number, options: AnilistClientOptions & { perPage?: number }): Promise<FetchedSeasons> {
  const byId = new Map<number, Anime>();
  let withoutMalId = 0;
  let unusable = 0;
  let pages = 0;
  for (const asked of seasons) {
    const result = await fetchAllPages(
      {
        query: SEASON_QUERY,
        variables: { season: asked.season, seasonYear: asked.year },
        perPage: options.perPage ?? SEASON_PAGE_SIZE,
        maxPages: MAX_PAGES,
        deadline,
        readPage: (page) => {
          if (!Array.isArray(page.media)) throw new HttpFailure('malformed', 'Page.media is not a list', { problem: 'Page.media is not a list' });
          return page.media.map((m) => mapMedia(m, asked));
        },
      },
      options,
    );
    pages += result.pages;
    for (const item of result.items) {
      if ('anime' in item) {
        byId.delete(item.anime.animeId);
        byId.set(item.anime.animeId, item.anime);
      } else if (item.left === 'noMalId') withoutMalId++;
      else unusable++;
    }
  }
  return { anime: [...byId.values()], withoutMalId, unusable, pages };
}
