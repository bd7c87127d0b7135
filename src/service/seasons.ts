/**
 * Anime seasons as MyAnimeList counts them: winter (January-March), spring (April-June), summer
 * (July-September), fall (October-December). An anime belongs to the season of its first air date, a
 * premiere in a season's last two weeks counting for the next one (Frieren began on 29 September 2023
 * and is a Fall 2023 anime on MyAnimeList; early premieres of a season's shows are common).
 */
import { InvalidOptionError } from '../errors.js';

export const SEASON_NAMES = ['winter', 'spring', 'summer', 'fall'] as const;
export type SeasonName = (typeof SEASON_NAMES)[number];

export interface Season {
  name: SeasonName;
  year: number;
  /** First and last first-air date of the season's anime, YYYY-MM-DD (inclusive), comparable with Anime.aired. */
  from: string;
  to: string;
}

/** Premieres this many days before a season starts belong to it. */
export const EARLY_PREMIERE_DAYS = 14;
const DAY_MS = 86_400_000;

const ALIASES: Record<string, SeasonName> = { autumn: 'fall' };

export function makeSeason(name: SeasonName, year: number): Season {
  const q = SEASON_NAMES.indexOf(name);
  const start = Date.UTC(year, q * 3, 1);
  const next = Date.UTC(year, q * 3 + 3, 1);
  const day = (time: number) => new Date(time).toISOString().slice(0, 10);
  return { name, year, from: day(start - EARLY_PREMIERE_DAYS * DAY_MS), to: day(next - (EARLY_PREMIERE_DAYS + 1) * DAY_MS) };
}

/** The season a date falls in (UTC). */
export function seasonOf(date: Date): Season {
  return makeSeason(SEASON_NAMES[Math.floor(date.getUTCMonth() / 3)]!, date.getUTCFullYear());
}

/**
 * "winter 2026", "2026 spring", "fall" (this year's), "next"/"previous"/"now" or empty (this season).
 * Anything else is an InvalidOptionError naming what is accepted.
 */
export function parseSeason(text: string | null | undefined, now: Date = new Date()): Season {
  const current = seasonOf(now);
  const words = (text ?? '').trim().toLowerCase().split(/[\s,/-]+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && (words[0] === 'now' || words[0] === 'this'))) return current;
  const step = (by: number) => {
    const q = SEASON_NAMES.indexOf(current.name) + by;
    return makeSeason(SEASON_NAMES[((q % 4) + 4) % 4]!, current.year + Math.floor(q / 4));
  };
  if (words.length === 1 && words[0] === 'next') return step(1);
  if (words.length === 1 && (words[0] === 'previous' || words[0] === 'last')) return step(-1);
  const invalid = () =>
    new InvalidOptionError('season', `"${text}" is not a season: write e.g. "winter 2026", "fall", "next" or leave it empty for this season`);
  let name: SeasonName | undefined;
  let year: number | undefined;
  for (const word of words) {
    const season = (SEASON_NAMES as readonly string[]).includes(word) ? (word as SeasonName) : ALIASES[word];
    if (season !== undefined && name === undefined) name = season;
    else if (/^\d{4}$/.test(word) && year === undefined) year = Number(word);
    else throw invalid();
  }
  if (name === undefined) throw invalid();
  return makeSeason(name, year ?? current.year);
}

export function seasonLabel(season: Season): string {
  return `${season.name[0]!.toUpperCase()}${season.name.slice(1)} ${season.year}`;
}

/** The season whose anime include one first aired on `aired` (YYYY-MM-DD), early premieres counted forward. */
export function seasonOfPremiere(aired: string): Season {
  return seasonOf(new Date(Date.parse(`${aired}T00:00:00Z`) + EARLY_PREMIERE_DAYS * DAY_MS));
}

/** The season after `season`. */
export function nextSeason(season: Season): Season {
  const q = SEASON_NAMES.indexOf(season.name) + 1;
  return makeSeason(SEASON_NAMES[q % 4]!, season.year + Math.floor(q / 4));
}

/**
 * The last season a catalogue knows: that of its newest first-air date (early premieres counted forward),
 * undefined when no anime has one. /seasonal names it when asked for a later season it cannot fill.
 */
export function lastKnownSeason(anime: readonly { aired?: string }[]): Season | undefined {
  let newest: string | undefined;
  for (const a of anime) if (a.aired !== undefined && (newest === undefined || a.aired > newest)) newest = a.aired;
  return newest === undefined ? undefined : seasonOfPremiere(newest);
}

/** Whether `asked` begins after the last season the catalogue knows (so an empty /seasonal means "not synced yet"). */
export function isBeyondCatalogue(asked: Season, anime: readonly { aired?: string }[]): Season | undefined {
  const last = lastKnownSeason(anime);
  return last !== undefined && asked.from > last.from ? last : undefined;
}
