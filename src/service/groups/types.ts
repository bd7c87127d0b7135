/** What the group features answer, and the group service as the front-ends see it. */
import type { AffinityFigure } from './affinityMaths.js';
import type { AnimeView } from '../views.js';

export const TWINS_COUNT = 5;
export const SHARED_LOVES = 3;
/** /server-top counts an anime only once this many members of the server scored it. */
export const SERVER_TOP_MIN_RATERS = 3;
export const WATCH_PARTY_PICKS = 10;

export interface AffinityResult {
  /** undefined when neither a MAL figure nor an estimate exists (a member without known ratings). */
  figure: AffinityFigure | undefined;
  loves: AnimeView[];
  disagreement: { anime: AnimeView; mine: number; theirs: number } | undefined;
}

export interface Twin {
  memberId: string;
  figure: AffinityFigure;
  favourite: AnimeView | undefined;
}

export interface TwinsResult {
  twins: Twin[];
  /** Members of the server who could be compared (used the bot here, in the lists, with ratings). */
  compared: number;
}

export type LeftOutReason = 'no_ratings' | 'not_here';

export interface WatchPartyResult {
  /** Members the picks are for, in the order given. */
  members: string[];
  leftOut: { memberId: string; reason: LeftOutReason }[];
  picks: { anime: AnimeView; score: number; predicted: number[] }[];
}

export interface ServerTopEntry {
  anime: AnimeView;
  mean: number;
  raters: number;
}

export interface ServerTopResult {
  entries: ServerTopEntry[];
  minRaters: number;
  /** Members whose scores were counted. */
  raters: number;
}

export interface GroupService {
  affinity(guildId: string, selfId: string, other: { id: string; label: string }): Promise<AffinityResult>;
  twins(guildId: string, selfId: string): Promise<TwinsResult>;
  /** `memberIds` are the party (2-10 distinct, the caller among them). */
  watchParty(guildId: string, memberIds: readonly string[]): Promise<WatchPartyResult>;
  serverTop(guildId: string, count?: number | string | null): Promise<ServerTopResult>;
  /** false until a whole-server command (/twins, /server-top) has loaded this server's members once: the first may be slow. */
  loaded(guildId: string): boolean;
}

