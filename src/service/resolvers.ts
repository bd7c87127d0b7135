/**
 * Option resolvers shared by Discord, the console and the service (Sapphire's idea): option text in, a value or a
 * typed AnirecError out, no Discord objects. Discord already enforces min/max on its own options; we
 * check again so the console and any forged interaction get the same answer.
 */
import type { Catalogue } from '../data/types.js';
import { InvalidOptionError } from '../errors.js';

/** The part of the data layer's title index the bot needs. */
export interface TitleLookup {
  search(query: string, limit?: number): { itemIx: number; animeId: number; name: string; score: number }[];
  /** itemIx of the one title meaning `query`; UnknownTitleError / AmbiguousTitleError otherwise. */
  resolve(query: string): number;
}

export const MAX_COUNT = 25;
export const DEFAULT_COUNT = 10;

function wholeNumber(option: string, value: string | number | null | undefined, min: number, max: number): number {
  const text = typeof value === 'number' ? String(value) : (value ?? '').trim();
  if (!/^-?\d+$/.test(text)) throw new InvalidOptionError(option, `"${text}" is not a whole number from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) throw new InvalidOptionError(option, `${n} is not a whole number from ${min} to ${max}`);
  return n;
}

/** A score: whole number 1..10. */
export function resolveScore(value: string | number | null | undefined): number {
  return wholeNumber('score', value, 1, 10);
}

/** How many results: whole number 1..25, `fallback` when the option was left out. */
export function resolveCount(value: string | number | null | undefined, fallback = DEFAULT_COUNT): number {
  if (value === null || value === undefined || value === '') return fallback;
  return wholeNumber('count', value, 1, MAX_COUNT);
}

/**
 * The anime an option names. Autocomplete sends the MyAnimeList id as text; anything else is a title
 * typed freely and goes through the title index (which names candidates when unsure).
 */
export function resolveAnime(titles: TitleLookup, catalogue: Catalogue, value: string | null | undefined): number {
  const text = (value ?? '').trim();
  if (text === '') throw new InvalidOptionError('anime', 'type the title of an anime');
  if (/^\d{1,9}$/.test(text)) {
    const itemIx = catalogue.ixByAnimeId.get(Number(text));
    if (itemIx !== undefined) return itemIx;
  }
  return titles.resolve(text);
}

function fromVocabulary(option: string, names: readonly string[], value: string | null | undefined): number | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  const wanted = text.toLowerCase();
  const ix = names.findIndex((name) => name.toLowerCase() === wanted);
  if (ix >= 0) return ix;
  const close = names.filter((name) => name.toLowerCase().startsWith(wanted.slice(0, 3))).slice(0, 5);
  const hint = close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(', ')}?` : '';
  throw new InvalidOptionError(option, `there is no ${option} "${text}"${hint}`);
}

/** Index into catalogue.genreNames (case-insensitive), or undefined when no genre was asked for. */
export function resolveGenre(catalogue: Catalogue, value: string | null | undefined): number | undefined {
  return fromVocabulary('genre', catalogue.genreNames, value);
}

/** Index into catalogue.typeNames (case-insensitive), or undefined when no type was asked for. */
export function resolveType(catalogue: Catalogue, value: string | null | undefined): number | undefined {
  return fromVocabulary('type', catalogue.typeNames, value);
}
