/**
 * Anime seasons as MyAnimeList counts them: winter (January-March), spring (April-June), summer
 * (July-September), fall (October-December). An anime belongs to the season of its first air date.
 */
import { InvalidOptionError } from '../errors.js';

export const SEASON_NAMES = ['winter', 'spring', 'summer', 'fall'] as const;
export type SeasonName = (typeof SEASON_NAMES)[number];

export interface Season {
  name: SeasonName;
  year: number;
  /** First and last day, YYYY-MM-DD (inclusive), comparable with Anime.aired. */
  from: string;
  to: string;
}

const ALIASES: Record<string, SeasonName> = { autumn: 'fall' };
const LAST_DAY = ['03-31', '06-30', '09-30', '12-31'];

export function makeSeason(name: SeasonName, year: number): Season {
  const q = SEASON_NAMES.indexOf(name);
  const month = String(q * 3 + 1).padStart(2, '0');
  return { name, year, from: `${year}-${month}-01`, to: `${year}-${LAST_DAY[q]}` };
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
