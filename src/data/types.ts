/**
 * The shapes the data layer hands to everything downstream. Two kinds of id are kept apart by name:
 * MyAnimeList ids (`animeId`, `userId`) and dense row numbers (`itemIx`, `userIx`). Only the catalogue
 * and the ratings' id maps convert between them.
 */

/** One anime of anime.csv, names already HTML-decoded. */
export interface Anime {
  animeId: number;
  name: string;
  genres: string[];
  /** TV, Movie, OVA, ONA, Special, Music, or null when the cell is empty. */
  type: string | null;
  /** null when anime.csv says `Unknown` or the cell is empty. */
  episodes: number | null;
  /** MyAnimeList's average score (the `rating` column), null when empty. */
  malScore: number | null;
  members: number;
  /** English title(s), from bangumi-data's titleTranslate.en (the merged catalogue; absent in anime.csv). */
  englishNames?: string[];
  /** The Japanese title (bangumi-data's `title`). */
  japaneseName?: string;
  /** Other titles: synonyms and abbreviations from enrichment, and anime.csv's romaji name for enriched rows. */
  synonyms?: string[];
  /** First-air date, YYYY-MM-DD (bangumi-data's `begin`), absent when unknown. */
  aired?: string;
  /** Cover picture URL (enrichment, AniList's coverImage.large). */
  picture?: string;
  /** The next episode to air (AniList's nextAiringEpisode), refreshed by every season sync; absent when none is announced. */
  nextEpisode?: { number: number; /** Unix seconds. */ airingAt: number };
}

/** anime.csv, indexed by dense `itemIx` (row order of the file). */
export interface Catalogue {
  anime: Anime[];
  ixByAnimeId: Map<number, number>;
  /** Genre vocabulary, sorted; `genreIx` of each anime points here. */
  genreNames: string[];
  /** Per itemIx, the indices into genreNames of its genres. */
  genreIx: Uint16Array[];
  /** Type vocabulary, sorted; typeIx[itemIx] points here, -1 when unknown. */
  typeNames: string[];
  typeIx: Int8Array;
}

/** Score of a watched-but-unrated row (`-1` in rating.csv). */
export const WATCHED = -1;

/**
 * rating.csv after de-duplication (last row of a (user, anime) pair wins) and after dropping ratings
 * of anime absent from anime.csv. One entry per pair, in file order of first appearance; typed arrays
 * because there are millions.
 */
export interface Ratings {
  count: number;
  userIx: Int32Array;
  itemIx: Int32Array;
  /** 1..10, or WATCHED (-1). */
  score: Int8Array;
  /** userIx -> MyAnimeList user id. */
  userIds: Int32Array;
  ixByUserId: Map<number, number>;
  /** Number of catalogue items (itemIx ranges over 0..nItems-1). */
  nItems: number;
}

/** What ingest saw, for `anirec data` and the logs. */
export interface IngestReport {
  animeFile: string;
  ratingFile: string;
  anime: number;
  /** Data rows read from the ratings file (header excluded). */
  rows: number;
  users: number;
  explicit: number;
  watched: number;
  /** Rows that repeated an earlier (user, anime) pair and replaced it. */
  duplicates: number;
  /** Rows naming an anime missing from anime.csv. */
  droppedUnknownAnime: number;
  /** Malformed rows skipped (only when ingest was told to skip them). */
  malformed: number;
  /** The first malformed rows, as `rating.csv line 3: score "x" is not a number`. */
  malformedExamples: string[];
  /** true when this load came from the binary cache. */
  fromCache: boolean;
  seconds: number;
}

export interface Dataset {
  dir: string;
  catalogue: Catalogue;
  ratings: Ratings;
  report: IngestReport;
  /** Hash of the source files' identity (name, size, mtime) and the parser version. */
  fingerprint: string;
}

/**
 * Deterministic, seeded partition of the ratings, shared by every model and metric. Row numbers index
 * into Ratings. Users are either known (their rows split train/validation/test) or held out whole
 * (their rows split into a fold-in profile and held-back targets, to judge how new people are served).
 */
export interface Splits {
  seed: number;
  /** Known users' rows used for fitting: explicit ratings and all their watched rows. */
  train: Uint32Array;
  /** Known users' explicit rows for early stopping and tuning. */
  validation: Uint32Array;
  /** Known users' explicit rows for the reported held-out metrics. */
  test: Uint32Array;
  /** userIx of the users held out whole. */
  heldOutUsers: Int32Array;
  /** About 80% of each held-out user's rows (explicit and watched), given to fold-in. */
  profile: Uint32Array;
  /** The rest of each held-out user's rows, to be predicted and recommended. */
  target: Uint32Array;
}
