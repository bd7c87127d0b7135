/** What the service answers, and the service itself as every front-end sees it (Discord, console, web, CLI). */
import type { Catalogue } from '../data/types.js';
import type { ListSourceName } from '../errors.js';
import type { AnirecModel } from '../model/anirecModel.js';
import type { GroupService } from './groups/index.js';
import type { MemberState } from './members.js';
import type { Season } from './seasons.js';
import type { AnimeView } from './views.js';

export interface RateResult {
  anime: AnimeView;
  /** What the member typed, when it is not the shown title ("attack on titan" for Shingeki no Kyojin). */
  asTyped?: string;
  score: number;
  /** The member's earlier score of this anime, if any (WATCHED = -1). */
  previous: number | undefined;
  ratedCount: number;
}

export interface UnrateResult {
  anime: AnimeView;
  removed: boolean;
  ratedCount: number;
}

export interface RecommendedPick {
  anime: AnimeView;
  score: number;
  /** Anime the member liked that lead to this pick (empty for popular picks). */
  because: AnimeView[];
  /** For an anime the model does not know: the member ratings its estimate rests on. */
  restsOn?: number;
}

export interface RecommendOptions {
  count?: number | string | null;
  genre?: string | null;
  type?: string | null;
}

/** A rating held by the caller rather than the store (MyAnimeList id, score 1..10). */
export interface HeldRating {
  animeId: number;
  score: number;
}

export interface RecommendResult {
  picks: RecommendedPick[];
  /** false when the member has no ratings yet and gets popular picks. */
  personalised: boolean;
  genre?: string;
  type?: string;
}

export interface SimilarResult {
  anime: AnimeView;
  neighbours: { anime: AnimeView; similarity: number; restsOn?: number }[];
  /** For an anime the model does not know: the member ratings its place rests on (0: none yet, no neighbours). */
  restsOn?: number;
}

export interface SeasonalPick {
  anime: AnimeView;
  /** Ranking score for the member (NaN when they have no ratings: then by air date). */
  score: number;
  /** What the estimate rests on: the trained model, N member ratings, or only the anime's genres/type. */
  basis: { kind: 'model' } | { kind: 'members'; ratings: number } | { kind: 'genres' };
}

export interface SeasonalResult {
  season: Season;
  picks: SeasonalPick[];
  /** Anime of the season in the catalogue (picks are the first of them). */
  total: number;
  personalised: boolean;
  /** Set when this season was asked for by default and the catalogue has none of it yet: `season` is then its newest season. */
  emptySeason?: Season;
  /** With no anime in the season asked and the catalogue ending before it: the newest season it knows. */
  catalogueEnds?: Season;
}

export interface RatingEntry {
  animeId: number;
  name: string;
  url: string;
  /** 1..10 or WATCHED. */
  score: number;
}

export interface RatingsPage {
  entries: RatingEntry[];
  /** 1-based. */
  page: number;
  pages: number;
  total: number;
}

export interface ImportResult {
  /** Where the list came from ('mal' for the XML export too). */
  source: ListSourceName;
  /** The AniList or MyAnimeList user name; undefined for a file. */
  user?: string;
  rated: number;
  watched: number;
  /** Anime the previous import of the same source set that this list no longer has: removed. */
  removed: number;
  /** Entries naming anime missing from our catalogue (not stored). */
  unknown: number;
  /** The first of those, by the source's title ("anime #ID" when it gives none). */
  unknownNames: string[];
  planToWatch: number;
  /** AniList entries without a MyAnimeList id (skipped). */
  noMalId: number;
  skipped: number;
  /** The member's ratings after the import. */
  ratedCount: number;
}

/** What /import reads: a MyAnimeList export (bytes, or a function fetching them) or a user's list on AniList or MyAnimeList. */
export type ImportSource = Uint8Array | (() => Promise<Uint8Array>) | { list: ListSourceName; user: string };

/** A list fetched for the web page: its ratings the catalogue knows, with titles; nothing is stored. */
export interface ListPreview {
  source: ListSourceName;
  user: string;
  /** Scored anime the catalogue knows (1..10). */
  ratings: { animeId: number; name: string; url: string; score: number }[];
  /** Seen without a score (the page keeps scores only). */
  watched: number;
  unknown: number;
  unknownNames: string[];
  planToWatch: number;
  noMalId: number;
  skipped: number;
}

/** Unknown anime named in an import's reply. */
export interface Choice {
  name: string;
  value: string;
}


export interface AnirecService {
  readonly catalogue: Catalogue;
  readonly model: AnirecModel;
  /** /affinity, /twins, /watch-party, /server-top. */
  readonly groups: GroupService;
  /** Stores a rating; with a server (`guildId`), the same write records that the member used the bot there. */
  rate(userId: string, anime: string, score: number, where?: { guildId: string | null }): Promise<RateResult>;
  unrate(userId: string, anime: string): Promise<UnrateResult>;
  recommend(userId: string, options?: RecommendOptions): Promise<RecommendResult>;
  /**
   * Recommendations for ratings the caller holds (a web visitor's browser sends them with each request):
   * folded in for this call only, nothing stored. `clientKey` is what the rate limit counts.
   */
  recommendFor(clientKey: string, ratings: readonly HeldRating[], options?: RecommendOptions): RecommendResult;
  similar(userId: string, anime: string, count?: number | string | null): SimilarResult;
  listRatings(userId: string, page?: number): Promise<RatingsPage>;
  /** Deletes everything stored about the member; true when there was something. */
  forget(userId: string): Promise<boolean>;
  /**
   * Imports a list, all or nothing: everything is fetched and read first, then stored in one write.
   * A file may be a function fetching it, so the rate limit (per member and per `guildId`) is checked
   * before any download.
   */
  importList(userId: string, source: ImportSource, where?: { guildId: string | null }): Promise<ImportResult>;
  /** The web page's "Import my list": the list fetched and mapped, nothing stored; `serverKey` is the shared bucket. */
  previewList(clientKey: string, source: ListSourceName, user: string, serverKey?: string): Promise<ListPreview>;
  suggestTitles(query: string): Choice[];
  suggestRated(userId: string, query: string): Promise<Choice[]>;
  suggestGenres(query: string): Choice[];
  /** This season's anime (or `season`, e.g. "winter 2026"), ranked for the member. */
  seasonal(userId: string, season?: string | null, count?: number | string | null): Promise<SeasonalResult>;
  /** Records that the member used the bot in a server (once per member and server; later calls cost nothing). */
  noteGuildUse(userId: string, guildId: string): Promise<void>;
  /** Ids of the members who used the bot in a server. */
  guildMembers(guildId: string): Promise<ReadonlySet<string>>;
  /** Members as held in memory, loaded from the store when needed (undefined: nothing stored). */
  members(userIds: readonly string[]): Promise<(MemberState | undefined)[]>;
  /** /privacy: true leaves /twins, /affinity and the server lists; returns the choice now stored. */
  setHidden(userId: string, hidden: boolean): Promise<boolean>;
  /** Grows on every change of any member (ratings, servers, privacy): what groups.ts derives is current while it stays. */
  readonly changeCount: number;
  /**
   * Drops what this process cached of members whose visibility another process changed (/privacy,
   * /forget-me): one key read. Every reply that lists, counts or shows other members calls it first.
   */
  syncVisibility(): Promise<void>;
  /** Finishes /forget-me requests that a process left half done (compose.ts runs it at start and then periodically). */
  finishPendingForgets(): Promise<number>;
  /** Spends one command of the member and one of their server (null: a DM), or throws RateLimitedError. */
  takeCommand(memberKey: string, serverKey: string | null): void;
}

