/**
 * Title lookup for people typing anime names (CLI, console, Discord autocomplete). Names are normalised
 * once (case, accents and punctuation dropped); a query then walks the catalogue in popularity order
 * through match tiers: exact, normalised, prefix, word prefix, substring, and last a bounded edit
 * distance for typos. Every title of an anime is searched (its shown name, English and Japanese titles,
 * synonyms). Ties within a tier go to the more popular anime (members), then to the first aired (so
 * "demon slayer" is the 2019 series, not a later arc, among anime with no popularity figure).
 */
import { distance } from 'fastest-levenshtein';
import { AmbiguousTitleError, UnknownTitleError } from '../errors.js';
import type { Anime, Catalogue } from './types.js';

export interface TitleMatch {
  itemIx: number;
  animeId: number;
  /** The anime's shown name, at most 100 characters (Discord's limit for a choice), cut with … */
  name: string;
  /** The title that matched (the shown name, or an English, Japanese or other title). */
  matched: string;
  /** Higher is better: 1 exact, 0.97 any case, 0.95 normalised, 0.85 prefix, 0.75 word prefix, 0.65 substring, below 0.5 typos. */
  score: number;
}

export interface TitleIndex {
  /** Best matches first; an empty query lists the most popular anime. */
  search(query: string, limit?: number): TitleMatch[];
  /** The itemIx of the one clear match; UnknownTitleError or AmbiguousTitleError otherwise. */
  resolve(query: string): number;
}

export const MAX_NAME_LENGTH = 100;
const DEFAULT_LIMIT = 25;
const SUGGESTIONS = 5;
/** Fewer matches than this from the exact-to-substring tiers, and typos are looked for too. */
const TYPO_FILL = 5;

const EXACT = 1;
const CASELESS = 0.97;
const NORMALISED = 0.95;
const COMPACT = 0.93;
/** Whole-name tiers lose this much on another title (English, Japanese, synonym) than the shown one. */
const OTHER_TITLE = 0.01;
const PREFIX = 0.85;
const WORD_PREFIX = 0.75;
/** The query is the initials of a title (SAO, AOT): as good as a prefix, so popularity decides between them. */
const ACRONYM = PREFIX;
const SUBSTRING = 0.65;
const TYPO = 0.5;
const TYPO_PREFIX = 0.4;
/** Typo scores fall by this much per edit. */
const PER_EDIT = 0.1;

const ORDINALS: Record<string, string> = { first: '1', second: '2', third: '3', fourth: '4', fifth: '5', sixth: '6', seventh: '7', eighth: '8', ninth: '9', tenth: '10' };

/**
 * Lower case, accents and punctuation dropped, single spaces: `Steins;Gate` -> `steins gate`. Spellings
 * people mix up are folded the same way on both sides: "×" is an x (SPY×FAMILY), long vowels of romaji
 * are single (Shippuuden, Haikyuu, Kyoushitsu), and a season is "season N" however it is written
 * ("2nd Season", "Second Season", "S2", a closing "II").
 */
export function normaliseTitle(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/×/g, ' x ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/uu/g, 'u')
    .replace(/ou/g, 'o')
    .replace(/\b(\d+)(?:st|nd|rd|th) season\b/g, 'season $1')
    .replace(/\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) season\b/g, (_, word: string) => `season ${ORDINALS[word]}`)
    .replace(/\bs(\d{1,2})\b/g, 'season $1')
    // A closing II/III/IV is a season (Mob Psycho 100 II, Overlord III).
    .replace(/ (ii|iii|iv)$/, (_, roman: string) => ` season ${roman === 'iv' ? 4 : roman.length}`);
}

/** The initials of a title of two words or more (`sword art online` -> `sao`), for abbreviations people type. */
function initialsOf(normalised: string): string | undefined {
  const words = normalised.split(' ').filter((w) => w !== '' && !/^\d+$/.test(w));
  return words.length >= 2 ? words.map((w) => w[0]).join('') : undefined;
}

/** "Cowboy Bebop the movie", "one piece film": the title part, when the query asks for a film. */
const MOVIE_QUERY = /^(.+?) (?:the )?(?:movie|film)$/;

/** Edits tolerated for a query of this (normalised) length. */
function maxEdits(length: number): number {
  return length <= 3 ? 0 : length <= 5 ? 1 : length <= 10 ? 2 : 3;
}

/** Positions (k) of each distinct text, in k order. */
function groupBy(texts: string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  texts.forEach((text, k) => {
    const group = groups.get(text);
    if (group) group.push(k);
    else groups.set(text, [k]);
  });
  return groups;
}

/** First index of sorted `values` that is >= `key`. */
function lowerBound(values: string[], key: string): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The names joined by newlines, with where each one starts. */
function joinTitles(texts: string[]): { text: string; starts: Int32Array } {
  const starts = new Int32Array(texts.length);
  let at = 0;
  texts.forEach((t, k) => {
    starts[k] = at;
    at += t.length + 1;
  });
  return { text: texts.join('\n'), starts };
}

/** Index of the name holding character position `at` (binary search over starts). */
function titleAt(starts: Int32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** true when `word` occurs in `name` at the start of one of its words. */
function startsAWord(name: string, word: string): boolean {
  for (let at = name.indexOf(word); at !== -1; at = name.indexOf(word, at + 1)) {
    if (at === 0 || name.charCodeAt(at - 1) === 32) return true;
  }
  return false;
}

/** 32 buckets of characters present (a-z, digits folded in, the rest hashed): for the typo filter. */
function charMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32) mask |= 1 << c % 31;
  }
  return mask;
}

/**
 * Character counts in 32 buckets (code & 31, saturating at 255). An edit changes at most one count up
 * and one down, so the larger of the two count gaps is a lower bound of the edit distance: a filter far
 * cheaper than the distance itself (long titles made the typo pass the slowest part of a lookup).
 */
const HISTOGRAM_BUCKETS = 32;
function addHistogram(into: Uint8Array, at: number, text: string, length: number): void {
  for (let i = 0; i < length; i++) {
    const b = at + (text.charCodeAt(i) & 31);
    if (into[b]! < 255) into[b]!++;
  }
}
function histogramGap(q: Uint8Array, other: Uint8Array, at: number): number {
  let over = 0;
  let under = 0;
  for (let b = 0; b < HISTOGRAM_BUCKETS; b++) {
    const d = q[b]! - other[at + b]!;
    if (d > 0) over += d;
    else under -= d;
  }
  return over > under ? over : under;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function shorten(name: string): string {
  return name.length <= MAX_NAME_LENGTH ? name : `${name.slice(0, MAX_NAME_LENGTH - 1)}…`;
}

/** Every title of an anime, the shown name first. */
export function titlesOf(a: Anime): string[] {
  const all = [a.name, ...(a.englishNames ?? []), ...(a.japaneseName !== undefined ? [a.japaneseName] : []), ...(a.synonyms ?? [])];
  return [...new Set(all.filter((t) => t.trim() !== ''))];
}

export function buildTitleIndex(catalogue: Catalogue): TitleIndex {
  const anime = catalogue.anime;
  // Popularity order (then first aired): scanning in it makes the first match of a tier the most popular one.
  const itemOrder = Int32Array.from(anime.keys()).sort(
    (a, b) => anime[b]!.members - anime[a]!.members || (anime[a]!.aired ?? '9999').localeCompare(anime[b]!.aired ?? '9999') || a - b,
  );
  // One entry (k) per title, in item order; order[k] is its itemIx, primary[k] 1 for the shown name.
  const entryItems: number[] = [];
  const names: string[] = [];
  const primaryK = new Int32Array(anime.length);
  for (const itemIx of itemOrder) {
    titlesOf(anime[itemIx]!).forEach((title, slot) => {
      if (slot === 0) primaryK[itemIx] = names.length;
      entryItems.push(itemIx);
      names.push(title);
    });
  }
  const order = Int32Array.from(entryItems);
  const n = order.length;
  const primary = Uint8Array.from(order, (itemIx, k) => (primaryK[itemIx] === k ? 1 : 0));
  const lower: string[] = new Array(n);
  const norm: string[] = new Array(n);
  const compact: string[] = new Array(n);
  const masks = new Int32Array(n);
  const histograms = new Uint8Array(n * HISTOGRAM_BUCKETS);
  for (let k = 0; k < n; k++) {
    lower[k] = names[k]!.toLowerCase();
    norm[k] = normaliseTitle(names[k]!);
    compact[k] = norm[k]!.replace(/ /g, '');
    masks[k] = charMask(norm[k]!);
    addHistogram(histograms, k * HISTOGRAM_BUCKETS, norm[k]!, norm[k]!.length);
  }
  // All names in one string each, so substring search is one native indexOf scan over the catalogue.
  const normText = joinTitles(norm);
  const compactText = joinTitles(compact);
  // Every word of every name, sorted, for "a word starts with ..." by binary search.
  const wordList: { word: string; k: number }[] = [];
  for (let k = 0; k < n; k++) for (const word of new Set(norm[k]!.split(' '))) if (word) wordList.push({ word, k });
  wordList.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : a.k - b.k));
  const words = wordList.map((w) => w.word);
  const wordOwner = Int32Array.from(wordList, (w) => w.k);
  // The top tiers by lookup: whole names as typed, in lower case, normalised and without spaces.
  const byName = groupBy(names);
  const byLower = groupBy(lower);
  const byNorm = groupBy(norm);
  const byCompact = groupBy(compact);
  const byInitials = new Map<string, number[]>();
  for (let k = 0; k < n; k++) {
    const initials = initialsOf(norm[k]!);
    if (initials === undefined || initials.length < 2) continue;
    const group = byInitials.get(initials);
    if (group) group.push(k);
    else byInitials.set(initials, [k]);
  }

  // Where typos can match: a name within `edits` of the query's length, or a longer name with the
  // query's first character (typoScore's two branches). Grouped once, so a typo search visits only
  // those instead of every title (the merged catalogue has about twice anime.csv's titles).
  const byLength = groupBy(norm.map((t) => String(t.length)));
  const byFirst = groupBy(norm.map((t) => t.charAt(0)));
  const typoCandidates = (q: string, edits: number): Int32Array => {
    const ks: number[] = [];
    for (let len = Math.max(0, q.length - edits); len <= q.length + edits; len++) for (const k of byLength.get(String(len)) ?? []) ks.push(k);
    if (q.length >= 4) for (const k of byFirst.get(q.charAt(0)) ?? []) if (norm[k]!.length > q.length + edits) ks.push(k);
    // Popularity (k) order, as the full scan had: the buckets keep their first entries.
    return Int32Array.from(ks).sort();
  };

  /** Adds to `into` every k with a word starting with `prefix`. */
  const collectWordStarts = (prefix: string, into: Set<number>): void => {
    for (let i = lowerBound(words, prefix); i < words.length && words[i]!.startsWith(prefix); i++) into.add(wordOwner[i]!);
  };

  /** Adds to `into` every k whose text contains `needle`. */
  const collect = (joined: { text: string; starts: Int32Array }, needle: string, into: Set<number>): void => {
    const { text, starts } = joined;
    for (let at = text.indexOf(needle); at !== -1; ) {
      const k = titleAt(starts, at);
      into.add(k);
      at = k + 1 < n ? text.indexOf(needle, starts[k + 1]!) : -1;
    }
  };

  /** Score of title k for a query without typos, 0 when it does not match. */
  const tierScore = (k: number, raw: string, rawLower: string, q: string, qCompact: string, qWords: string[]): number => {
    // An anime's shown name outranks the same words as another anime's other title.
    const other = primary[k] === 1 ? 0 : OTHER_TITLE;
    if (names[k] === raw) return EXACT - other;
    if (lower[k] === rawLower) return CASELESS - other;
    const name = norm[k]!;
    if (name === q) return NORMALISED - other;
    if (compact[k] === qCompact) return COMPACT - other;
    if (name.startsWith(q)) return PREFIX;
    // The query as whole words inside the title ("evangelion" in "Neon Genesis Evangelion"): as good as a
    // prefix, so the more popular anime comes first.
    if (name.endsWith(` ${q}`) || name.includes(` ${q} `)) return PREFIX;
    // Native substring tests first: most titles fail here, before any per-word work.
    let allWordsInside = true;
    for (const w of qWords) {
      if (!name.includes(w)) {
        allWordsInside = false;
        break;
      }
    }
    if (allWordsInside && qWords.every((w) => startsAWord(name, w))) return WORD_PREFIX;
    if (q.length > 2 && ((allWordsInside && name.includes(q)) || compact[k]!.includes(qCompact))) return SUBSTRING;
    return 0;
  };

  /** Typo score of title k, 0 when more than `edits` edits away. */
  const startHistogram = new Uint8Array(HISTOGRAM_BUCKETS);
  const typoScore = (k: number, q: string, qMask: number, qHistogram: Uint8Array, edits: number): number => {
    // Each character of the query missing from the name costs at least one edit: a cheap filter.
    if (popcount(qMask & ~masks[k]!) > edits) return 0;
    const name = norm[k]!;
    const lengthGap = name.length - q.length;
    if (Math.abs(lengthGap) <= edits && histogramGap(qHistogram, histograms, k * HISTOGRAM_BUCKETS) <= edits) {
      const d = distance(q, name);
      if (d <= edits) return TYPO - PER_EDIT * d;
    }
    if (lengthGap > 0 && q.length >= 4 && name.charCodeAt(0) === q.charCodeAt(0)) {
      // Typed the start of a long name with a slip: compare with that start (after the same cheap
      // filter on the characters of that start alone).
      const start = name.slice(0, q.length);
      startHistogram.fill(0);
      addHistogram(startHistogram, 0, start, start.length);
      if (histogramGap(qHistogram, startHistogram, 0) > edits) return 0;
      const d = distance(q, start);
      if (d <= edits) return TYPO_PREFIX - PER_EDIT * d;
    }
    return 0;
  };

  const toMatch = (k: number, score: number): TitleMatch => {
    const itemIx = order[k]!;
    return { itemIx, animeId: anime[itemIx]!.animeId, name: shorten(anime[itemIx]!.name), matched: names[k]!, score: Math.round(score * 100) / 100 };
  };

  /**
   * The best `limit` matches as [k, score], best first, popularity breaking ties. Typos are looked for
   * only when the other tiers found fewer than TYPO_FILL: they are the slow part.
   */
  const rank = (query: string, limit: number, typoFill = TYPO_FILL): [number, number][] => {
    const raw = query.trim();
    const q = normaliseTitle(raw);
    if (q === '' || limit <= 0) return [];
    const qCompact = q.replace(/ /g, '');
    const rawLower = raw.toLowerCase();
    const qWords = q.split(' ');
    // Every tier implies the name contains the query, its longest word, or (without spaces) its compact form.
    // Queries of one or two characters match at word starts only: as substrings they match everything.
    const candidates = new Set<number>();
    collectWordStarts(qWords.reduce((a, b) => (b.length > a.length ? b : a)), candidates);
    if (q.length > 2) {
      collect(normText, q, candidates);
      collect(compactText, qCompact, candidates);
    }
    // Abbreviations: a query of one short word may be the initials of a title.
    const acronyms = qWords.length === 1 && q.length >= 2 && q.length <= 6 ? (byInitials.get(q) ?? []) : [];
    for (const k of acronyms) candidates.add(k);
    const acronym = new Set(acronyms);
    const ordered = Int32Array.from(candidates).sort();
    // One bucket per score; in popularity order, so each bucket only needs its first entries (a few
    // more than `limit`, since one anime may fill several with its titles).
    const bucketCap = limit * 2 + 4;
    const buckets = new Map<number, number[]>();
    let found = 0;
    let best = 0;
    for (const k of ordered) {
      const tier = tierScore(k, raw, rawLower, q, qCompact, qWords);
      const s = acronym.has(k) && tier < ACRONYM ? ACRONYM : tier;
      if (s === 0) continue;
      found++;
      if (s > best) best = s;
      let bucket = buckets.get(s);
      if (!bucket) buckets.set(s, (bucket = []));
      if (bucket.length < bucketCap) bucket.push(k);
    }
    // A whole title typed as it is named needs no typo variants beside it (and long titles make the
    // typo pass the slowest part of a lookup).
    if (found < Math.min(limit, typoFill) && best < NORMALISED) {
      const edits = maxEdits(q.length);
      if (edits > 0) {
        const qMask = charMask(q);
        const qHistogram = new Uint8Array(HISTOGRAM_BUCKETS);
        addHistogram(qHistogram, 0, q, q.length);
        for (const k of typoCandidates(q, edits)) {
          if (candidates.has(k)) continue;
          const s = typoScore(k, q, qMask, qHistogram, edits);
          if (s === 0) continue;
          let bucket = buckets.get(s);
          if (!bucket) buckets.set(s, (bucket = []));
          if (bucket.length < bucketCap) bucket.push(k);
        }
      }
    }
    // An anime matched by several of its titles counts once, at its best tier.
    const ranked: [number, number][] = [];
    const seen = new Set<number>();
    for (const score of [...buckets.keys()].sort((a, b) => b - a)) {
      for (const k of buckets.get(score)!) {
        if (ranked.length === limit) return ranked;
        if (seen.has(order[k]!)) continue;
        seen.add(order[k]!);
        ranked.push([k, score]);
      }
    }
    return ranked;
  };

  /** Closest names for an "unknown title" answer: looser edit distance on similar lengths. */
  const suggest = (query: string): string[] => {
    const q = normaliseTitle(query);
    if (q === '') return [];
    const best: [number, number][] = [];
    const qHistogram = new Uint8Array(HISTOGRAM_BUCKETS);
    addHistogram(qHistogram, 0, q, q.length);
    for (let k = 0; k < n; k++) {
      const name = norm[k]!;
      if (Math.abs(name.length - q.length) > Math.max(3, q.length / 2)) continue;
      // The count bound first: the distance only where the ratio can still be 0.5 or less.
      if (histogramGap(qHistogram, histograms, k * HISTOGRAM_BUCKETS) > 0.5 * Math.max(q.length, name.length)) continue;
      const ratio = distance(q, name) / Math.max(q.length, name.length);
      if (ratio <= 0.5) best.push([k, ratio]);
    }
    best.sort((x, y) => x[1] - y[1]);
    const items = [...new Set(best.map(([k]) => order[k]!))];
    return items.slice(0, SUGGESTIONS).map((itemIx) => shorten(anime[itemIx]!.name));
  };

  const idIx = (query: string): number | undefined => {
    const text = query.trim();
    return /^\d{1,10}$/.test(text) ? catalogue.ixByAnimeId.get(Number(text)) : undefined;
  };

  return {
    search(query, limit = DEFAULT_LIMIT) {
      const byId = idIx(query);
      if (normaliseTitle(query) === '') {
        return Array.from(itemOrder.subarray(0, Math.min(limit, itemOrder.length)), (itemIx) => toMatch(primaryK[itemIx]!, 0));
      }
      const matches = rankAsked(query, limit).slice(0, limit).map(([k, s]) => toMatch(k, s));
      if (byId !== undefined) {
        const k = primaryK[byId]!;
        return [toMatch(k, EXACT), ...matches.filter((m) => m.itemIx !== byId)].slice(0, limit);
      }
      return matches;
    },

    resolve(query) {
      const byId = idIx(query);
      if (byId !== undefined) return byId;
      // Whole-name tiers by lookup; same-named anime are different anime: ask which.
      const raw = query.trim();
      const q = normaliseTitle(raw);
      for (const [map, key] of [[byName, raw], [byLower, raw.toLowerCase()], [byNorm, q], [byCompact, q.replace(/ /g, '')]] as const) {
        const hits = key === '' ? undefined : map.get(key);
        if (hits === undefined) continue;
        // Two anime shown under one name: ask which. A title that is only another name (an English
        // title shared by a series and its arcs) goes to the first in popularity, then air order.
        const shown = closestSpelling([...new Set(hits.filter((k) => primary[k] === 1).map((k) => order[k]!))], raw.toLowerCase());
        if (shown.length === 1) return shown[0]!;
        if (shown.length === 0) return order[hits[0]!]!;
        const shownAnime = shown.slice(0, SUGGESTIONS).map((itemIx) => anime[itemIx]!);
        throw new AmbiguousTitleError(query, distinguishingNames(shownAnime).map(shorten));
      }
      // One answer is wanted, and any tier outscores every typo: typos only when nothing else matched.
      const matches = rankAsked(query, SUGGESTIONS, 1);
      if (matches.length === 0) throw new UnknownTitleError(query, suggest(query));
      return order[matches[0]![0]]!;
    },
  };

  /** Of anime whose names match alike, those spelled closest to what was typed (K-On! before K-On!! for "k-on"). */
  function closestSpelling(items: number[], typedLower: string): number[] {
    if (items.length < 2) return items;
    const gaps = items.map((itemIx) => distance(typedLower, anime[itemIx]!.name.toLowerCase()));
    const least = Math.min(...gaps);
    return items.filter((_, i) => gaps[i] === least);
  }

  /**
   * rank, and for "X the movie" / "X film" (when no title is named so) X's films first: anime.csv names a
   * film by its romaji title ("Cowboy Bebop: Tengoku no Tobira"), not by what people call it.
   */
  function rankAsked(query: string, limit: number, typoFill = TYPO_FILL): [number, number][] {
    const ranked = rank(query, limit, typoFill);
    const film = MOVIE_QUERY.exec(normaliseTitle(query));
    if (film === null || (ranked[0]?.[1] ?? 0) >= NORMALISED - OTHER_TITLE) return ranked;
    const films = rank(film[1]!, limit * 4 + 20, typoFill).filter(([k]) => anime[order[k]!]!.type === 'Movie');
    const seen = new Set<number>();
    return [...films, ...ranked].filter(([k]) => !seen.has(order[k]!) && seen.add(order[k]!)).slice(0, limit);
  }
}

/**
 * Lines that tell anime apart when their names alone do not: the name, then type, first-air year and an
 * English title that says something the name does not; the MyAnimeList id only where that is still not enough.
 */
export function distinguishingNames(items: readonly Anime[]): string[] {
  const detail = (a: Anime): string => {
    const english = a.englishNames?.find((e) => normaliseTitle(e) !== normaliseTitle(a.name));
    const parts = [a.type ?? 'anime', ...(a.aired !== undefined ? [a.aired.slice(0, 4)] : []), ...(english !== undefined ? [english] : [])];
    return `${a.name} (${parts.join(', ')})`;
  };
  const lines = items.map(detail);
  const count = new Map<string, number>();
  for (const line of lines) count.set(line, (count.get(line) ?? 0) + 1);
  return lines.map((line, i) => (count.get(line)! > 1 ? `${line.slice(0, -1)}, MAL ${items[i]!.animeId})` : line));
}
