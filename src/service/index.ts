/**
 * What the bot does, without Discord: rate, unrate, recommend, similar, list, import, forget. Discord
 * commands and the console both call these methods and render the plain results they return.
 * Everything per command stays in memory (catalogue, title index, model, members' folded vectors), so a
 * command costs a fold-in or a scoring pass, never a file read.
 */
import { createHash } from 'node:crypto';
import type { Anime, Catalogue } from '../data/types.js';
import { WATCHED } from '../data/types.js';
import type { AnirecModel } from '../model/anirecModel.js';
import type { FoldedUser, Neighbour, Profile } from '../model/types.js';
import { InvalidOptionError, type ListSourceName } from '../errors.js';
import { readListImportSettings } from '../config.js';
import { fetchList, type FetchedList, type ListImportOptions } from '../data/lists/index.js';
import { applyImport, disown, type ImportBook } from './applyImport.js';
import { MAX_COUNT, resolveAnime, resolveCount, resolveGenre, resolveType, type TitleLookup } from './resolvers.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { parseMalExport } from '../data/lists/malExport.js';
import { createImportLimiter, createMemberServerLimiter, createRateLimiter, DEFAULT_SERVER_RATE_LIMIT, type ImportLimiter, type MemberServerLimiter, type RateLimiter } from './rateLimiter.js';
import { buildTitleIndex, distinguishingNames, normaliseTitle } from '../data/titles.js';
import type { MemberRecord, RatingsStore } from '../store/ratingsStore.js';
import { createCommunityItems, type CommunityItems } from './communityItems.js';
import { itemSpaceOf, likenessToFolded, scoreFoldedItems, similarToFoldedItem } from '../model/itemFoldIn.js';
import { parseSeason, seasonOfPremiere, type Season } from './seasons.js';
import { createGroupService, type GroupService } from './groups/index.js';
import { createPrivacyFeed, memberTag } from './privacyFeed.js';
import { createForgetting } from './forget.js';
import { LruMap } from './lruMap.js';

export interface ServiceDeps {
  model: AnirecModel;
  store: RatingsStore;
  titles: TitleLookup;
  /** Expensive calls per client key (the web page's visitors). */
  rateLimiter: RateLimiter;
  /**
   * Commands per member and per server (the front-ends take before running one: runCommand.ts).
   * Default: the members' bucket of `rateLimiter` alone.
   */
  commandLimiter?: MemberServerLimiter;
  /** Imports per member and per server (default: 3 and 30 per 10 minutes). */
  importLimiter?: ImportLimiter;
  /**
   * Where /import anilist: and mal: read lists, with their limits. Default: ANIREC_ANILIST_URL,
   * ANIREC_MAL_API_URL and MAL_CLIENT_ID from the environment (config.ts), the limits' defaults.
   */
  lists?: ListImportOptions;
  log?: Logger;
  /** Members whose folded vector stays in memory (least recently loaded dropped first). */
  cacheSize?: number;
  /** Servers whose member list stays in memory (default SERVER_CACHE). */
  serverCacheSize?: number;
  /** Servers whose /twins roster stays in memory (default groups.ts's ROSTER_CACHE). */
  rosterCacheSize?: number;
  /**
   * The merged catalogue (mergedCatalogue.ts): the model's anime first, in its itemIx order, then anime
   * it does not know, which members' ratings fold in (communityItems.ts). Default: the model's own.
   */
  catalogue?: Catalogue;
}

/** An anime as the interfaces show it: the catalogue entry plus its row and MyAnimeList link. */
export interface AnimeView extends Pick<Anime, 'animeId' | 'name' | 'genres' | 'type' | 'episodes' | 'malScore' | 'englishNames' | 'aired'> {
  itemIx: number;
  url: string;
}

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
export const UNKNOWN_NAMES_SHOWN = 10;

export interface Choice {
  name: string;
  value: string;
}

/** A member as the service holds them, for the group features (groups.ts): read-only, replaced on each change of ratings. */
export interface MemberState {
  readonly record: MemberRecord;
  readonly profile: Profile;
  /** undefined when the member has no ratings the model knows. */
  readonly folded: FoldedUser | undefined;
  /** itemIx of everything the member rated or watched. */
  readonly rated: ReadonlySet<number>;
}

export interface AnirecService {
  readonly catalogue: Catalogue;
  readonly model: AnirecModel;
  /** /affinity, /twins, /watch-party, /server-top. */
  readonly groups: GroupService;
  rate(userId: string, anime: string, score: number): Promise<RateResult>;
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

export const RATINGS_PER_PAGE = 10;
const CHOICE_LIMIT = 25;
const CHOICE_NAME_MAX = 100;
const WARM_UP_CALLS = 8;
const MEMBER_READS_IN_FLIGHT = 64;
/** Servers whose list of members stays in memory (the most recently used); the others are read again when asked. */
export const SERVER_CACHE = 2000;

/** A member as the service holds them in memory. */
interface Member {
  record: MemberRecord;
  profile: Profile;
  /** undefined when the member has no ratings the model knows. */
  folded: FoldedUser | undefined;
  rated: Set<number>;
  /** Top MAX_COUNT picks per filter (`genreIx|typeIx`), valid until the member's next write replaces this object. */
  topByFilter: Map<string, { items: Int32Array; scores: Float32Array; restsOn: Int32Array }>;
}

export function animeUrl(animeId: number): string {
  return `https://myanimelist.net/anime/${animeId}`;
}

/** An anime of the catalogue as the interfaces show it. */
export function animeView(catalogue: Catalogue, itemIx: number): AnimeView {
  const a: Anime = catalogue.anime[itemIx]!;
  return {
    itemIx,
    animeId: a.animeId,
    name: a.name,
    genres: a.genres,
    type: a.type,
    episodes: a.episodes,
    malScore: a.malScore,
    ...(a.englishNames !== undefined ? { englishNames: a.englishNames } : {}),
    ...(a.aired !== undefined ? { aired: a.aired } : {}),
    url: animeUrl(a.animeId),
  };
}

/** Identifies a trained model, so vectors folded by another model are folded again. */
export function modelFingerprint(model: AnirecModel): string {
  // info carries trainedAt and the data fingerprint, so a retrained model hashes differently.
  const basis = JSON.stringify({ name: model.name, items: model.catalogue.anime.length, info: model.info ?? null });
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The service as the bot and the console run it: the model's title index and a per-member rate limit. */
export function createServiceFor(options: {
  model: AnirecModel;
  store: RatingsStore;
  rateLimitPerMinute: number;
  log?: Logger;
  catalogue?: Catalogue;
  /** Where list imports read (config); default the environment's. */
  lists?: ListImportOptions;
  /** Imports per member and per server; default 3 and 30 per 10 minutes. */
  importLimiter?: ImportLimiter;
  /** Commands per server and minute (default ANIREC_SERVER_RATE_LIMIT's). */
  serverRateLimitPerMinute?: number;
}): AnirecService {
  return createService({
    model: options.model,
    store: options.store,
    ...(options.lists ? { lists: options.lists } : {}),
    ...(options.importLimiter ? { importLimiter: options.importLimiter } : {}),
    ...(options.catalogue ? { catalogue: options.catalogue } : {}),
    titles: buildTitleIndex(options.catalogue ?? options.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: options.rateLimitPerMinute }),
    commandLimiter: createMemberServerLimiter({ perMember: options.rateLimitPerMinute, perServer: options.serverRateLimitPerMinute ?? DEFAULT_SERVER_RATE_LIMIT }),
    ...(options.log ? { log: options.log } : {}),
  });
}

export function createService(deps: ServiceDeps): AnirecService {
  const { model, store, titles, rateLimiter } = deps;
  const commandLimiter: MemberServerLimiter = deps.commandLimiter ?? { take: (memberKey) => rateLimiter.take(memberKey) };
  const importLimiter = deps.importLimiter ?? createImportLimiter();
  let listOptions = deps.lists;
  // Read once, when first needed: a service built without `lists` reads the same variables as config.ts.
  const listSettings = (): ListImportOptions => (listOptions ??= readListImportSettings());
  const log = deps.log ?? silentLogger;
  const catalogue = deps.catalogue ?? model.catalogue;
  const nItems = catalogue.anime.length;
  /** Anime the model knows: itemIx below this; the merged catalogue's others are community items. */
  const modelItems = model.catalogue.anime.length;
  const fingerprint = modelFingerprint(model);
  const cacheSize = deps.cacheSize ?? 50_000;
  const members = new Map<string, Member>();
  // Neighbours depend only on the model: keep the top MAX_COUNT of recently asked anime.
  const similarCache = new LruMap<number, Neighbour[]>(4096);
  // Popular picks, computed once: the order never changes while the model is loaded.
  const popularOrder = Array.from({ length: modelItems }, (_, i) => i).sort((a, b) => model.popularity[b]! - model.popularity[a]! || a - b);
  // Runs the model's hot loops a few times now, so the first members are not the ones waiting while they
  // run unoptimised (a first /similar took 5-15 ms before, 0.5 ms once compiled). The neighbour lists of
  // the most popular anime are kept: they are the likeliest to be asked.
  const warmUp = popularOrder.slice(0, Math.min(WARM_UP_CALLS, nItems));
  for (const itemIx of warmUp) similarCache.set(itemIx, model.similar(itemIx, MAX_COUNT));
  if (warmUp.length > 0) {
    const folded = model.foldIn({ itemIx: Int32Array.from(warmUp), score: Int8Array.from(warmUp, (_, j) => 1 + (j % 10)) });
    for (let j = 0; j < WARM_UP_CALLS; j++) model.recommend(folded, MAX_COUNT, { exclude: new Set(warmUp) });
  }

  const view = (itemIx: number): AnimeView => animeView(catalogue, itemIx);

  const profileOf = (ratings: Record<string, number>): Profile => {
    const items: number[] = [];
    const scores: number[] = [];
    for (const [animeId, score] of Object.entries(ratings)) {
      const itemIx = catalogue.ixByAnimeId.get(Number(animeId));
      if (itemIx === undefined) continue;
      items.push(itemIx);
      scores.push(score);
    }
    return { itemIx: Int32Array.from(items), score: Int8Array.from(scores) };
  };

  /** The rows of a profile the model knows (the others are community items, folded the other way). */
  const knownRows = (profile: Profile): Profile => {
    let known = 0;
    for (const ix of profile.itemIx) if (ix < modelItems) known++;
    if (known === profile.itemIx.length) return profile;
    const itemIx = new Int32Array(known);
    const score = new Int8Array(known);
    for (let j = 0, k = 0; j < profile.itemIx.length; j++) {
      if (profile.itemIx[j]! >= modelItems) continue;
      itemIx[k] = profile.itemIx[j]!;
      score[k++] = profile.score[j]!;
    }
    return { itemIx, score };
  };

  const memberFrom = (record: MemberRecord, refold: boolean): Member => {
    const profile = profileOf(record.ratings);
    let folded: FoldedUser | undefined;
    const known = knownRows(profile);
    if (known.itemIx.length > 0) {
      if (!refold && record.vector !== undefined && record.modelFingerprint === fingerprint) {
        try {
          folded = model.importUser(decodeVector(record.vector));
        } catch (error) {
          log.warn(`stored vector unusable, folding in again: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      folded ??= model.foldIn(known);
    }
    return { record, profile, folded, rated: new Set(profile.itemIx), topByFilter: new Map() };
  };

  // Members derived from a stored record (profile, vector, top picks), reused while the store returns that
  // very record object, which it does only while the stored bytes are unchanged: any write, from this
  // process or another, gives a new record and so a new Member. Staleness cannot happen by construction.
  // The cached members by their privacy-feed tag, so a change named in the feed finds whom to drop.
  const idByTag = new Map<string, string>();
  const dropMember = (userId: string) => {
    if (members.delete(userId)) idByTag.delete(memberTag(userId));
  };
  const remember = (userId: string, member: Member) => {
    if (!members.delete(userId)) idByTag.set(memberTag(userId), userId);
    members.set(userId, member);
    if (members.size > cacheSize) dropMember(members.keys().next().value!);
  };

  // Counts changes that groups.ts must see (it rebuilds a server's roster when this moves): committed
  // changes in this process, and visibility changes other processes announced.
  let changeCount = 0;
  const bump = () => {
    changeCount++;
  };

  const loadMember = async (userId: string): Promise<Member | undefined> => {
    const record = await store.get(userId);
    if (record === undefined) {
      dropMember(userId);
      return undefined;
    }
    const cached = members.get(userId);
    if (cached?.record === record) return cached;
    const member = memberFrom(record, false);
    remember(userId, member);
    return member;
  };

  /**
   * Applies `change` to the member's stored ratings, folds the member in again and stores ratings and
   * vector together (one record, so they always agree). Resolves only after the store confirmed it.
   */
  const changeRatings = async <T>(
    userId: string,
    change: (ratings: Record<string, number>, book: ImportBook) => T,
  ): Promise<{ member: Member; result: T }> => {
    let before: Record<string, number> | undefined;
    const outcome = await store.update(userId, (current) => {
      before = current?.ratings;
      const ratings = { ...(current?.ratings ?? {}) };
      // Which anime each import set (copied: the change may run again on a newer record).
      const book: ImportBook = { ...current?.imports };
      const result = change(ratings, book);
      // Everything else stored about the member (servers, privacy) stays as it was.
      const { vector: _vector, modelFingerprint: _fingerprint, imports: _imports, ...kept } = current ?? { ratings };
      const imports = Object.fromEntries(Object.entries(book).filter(([, ids]) => ids !== undefined && ids.length > 0));
      const record: MemberRecord = { ...kept, ratings, ...(Object.keys(imports).length > 0 ? { imports } : {}), updatedAt: Date.now() };
      const member = memberFrom(record, true);
      if (member.folded !== undefined) {
        record.vector = encodeVector(model.exportUser(member.folded));
        record.modelFingerprint = fingerprint;
      }
      return { record, result: { member, result } };
    });
    remember(userId, outcome.member);
    const noted = noteCommunity(userId, before, outcome.member.record.ratings, outcome.member.folded);
    // The rating is stored: while the community records still load (after a start or a model swap) the
    // member is answered now, and the community learns of it once loaded (noteCommunity never throws).
    if (community === undefined || community.loaded) await noted;
    return outcome;
  };

  const countRated = (ratings: Record<string, number>) => Object.keys(ratings).length;

  // Anime beyond the model's, folded in from the members who rated them (off for other model kinds).
  const space = nItems > modelItems ? itemSpaceOf(model) : undefined;
  const community: CommunityItems | undefined =
    space === undefined
      ? undefined
      : createCommunityItems({ space, catalogue, store, log, loadUser: async (id) => (await loadMember(id))?.folded });

  /**
   * Tells the community items of a committed change. The member's own record is already stored: a
   * failure here only delays what others see of the new anime, so it is logged, not thrown.
   */
  const noteCommunity = async (userId: string, ...change: [Record<string, number> | undefined, Record<string, number> | undefined, FoldedUser | undefined]) => {
    try {
      await community?.memberChanged(userId, ...change);
    } catch (error) {
      log.error(`community: could not record member ${userId}'s ratings of new anime`, error);
    }
  };

  /** Community anime ranked for a member, best first (only those resting on at least one scored rating). */
  const communityPicks = (member: Member, filter: (itemIx: number) => boolean) => {
    if (community === undefined || member.folded === undefined) return [];
    const items = community.folded().filter((item) => !member.rated.has(item.itemIx) && filter(item.itemIx));
    const scores = scoreFoldedItems(community.space, member.folded, items.map((item) => item.folded!));
    return items
      .map((item, j) => ({ itemIx: item.itemIx, score: scores[j]!, restsOn: item.folded!.ratings }))
      .filter((pick) => Number.isFinite(pick.score));
  };

  /** What typed text names, when it is not the anime's shown title (nor its id). */
  const asTyped = (typed: string, itemIx: number): string | undefined => {
    const text = typed.trim();
    if (/^\d+$/.test(text) || normaliseTitle(text) === normaliseTitle(catalogue.anime[itemIx]!.name)) return undefined;
    return text;
  };

  /** Changes what is stored about a member besides the ratings; the member in memory keeps its fold-in. */
  const changeRecord = async (userId: string, change: (record: MemberRecord) => MemberRecord | undefined): Promise<MemberRecord> => {
    const record = await store.update(userId, (current) => {
      const before = current ?? { ratings: {}, updatedAt: Date.now() };
      const after = change(before);
      return { record: after ?? (current === undefined ? null : before), result: after ?? before };
    });
    bump();
    const cached = members.get(userId);
    if (cached !== undefined) cached.record = record;
    return record;
  };

  // Members who used the bot, per server, loaded from the store once per server.
  const guilds = new LruMap<string, Promise<Set<string>>>(deps.serverCacheSize ?? SERVER_CACHE);

  const feed = createPrivacyFeed(store);
  const forgetting = createForgetting({
    store,
    feed,
    isCommunityAnime: (animeId) => (catalogue.ixByAnimeId.get(animeId) ?? 0) >= modelItems,
    // Not noteCommunity: a failure here must keep the request pending, so it throws.
    forgetCommunity: async (userId, ratings) => community?.memberChanged(userId, ratings, undefined, undefined),
    dropCached: (userId) => {
      dropMember(userId);
      for (const set of guilds.values()) void set.then((ids) => ids.delete(userId), () => undefined);
      bump();
    },
    log,
  });
  const guildSet = (guildId: string): Promise<Set<string>> => {
    let set = guilds.get(guildId);
    if (set === undefined) {
      set = store.guildMembers(guildId).then((ids) => new Set(ids));
      set.catch(() => guilds.delete(guildId));
      guilds.set(guildId, set);
    }
    return set;
  };

  const matchesFilter = (itemIx: number, genreIx: number | undefined, typeIx: number | undefined) =>
    (genreIx === undefined || catalogue.genreIx[itemIx]!.includes(genreIx)) && (typeIx === undefined || catalogue.typeIx[itemIx] === typeIx);

  const resolveRecommendOptions = (options: RecommendOptions) => ({
    count: resolveCount(options.count),
    genreIx: resolveGenre(catalogue, options.genre),
    typeIx: resolveType(catalogue, options.type),
  });

  const recommendMember = (
    member: Member | undefined,
    { count, genreIx, typeIx }: ReturnType<typeof resolveRecommendOptions>,
  ): RecommendResult => {
    const filters = {
      ...(genreIx !== undefined ? { genre: catalogue.genreNames[genreIx]! } : {}),
      ...(typeIx !== undefined ? { type: catalogue.typeNames[typeIx]! } : {}),
    };
    if (member?.folded === undefined) {
      const picks: RecommendedPick[] = [];
      for (const itemIx of popularOrder) {
        if (picks.length >= count) break;
        if (member?.rated.has(itemIx) || !matchesFilter(itemIx, genreIx, typeIx)) continue;
        picks.push({ anime: view(itemIx), score: model.popularity[itemIx]!, because: [] });
      }
      return { picks, personalised: false, ...filters };
    }
    const filterKey = `${genreIx ?? ''}|${typeIx ?? ''}`;
    let top = member.topByFilter.get(filterKey);
    if (top === undefined) {
      // model.recommend skips predicting anime that cannot make the list (same picks as scoring them all).
      const filter = genreIx !== undefined || typeIx !== undefined ? (itemIx: number) => matchesFilter(itemIx, genreIx, typeIx) : undefined;
      const best: { itemIx: number; score: number; restsOn?: number }[] = model.recommend(member.folded, MAX_COUNT, {
        exclude: member.rated,
        ...(filter !== undefined ? { filter } : {}),
      });
      // Community anime on the same score scale; merged, then cut to the same length.
      best.push(...communityPicks(member, filter ?? (() => true)));
      best.sort((a, b) => b.score - a.score || a.itemIx - b.itemIx);
      best.length = Math.min(best.length, MAX_COUNT);
      top = {
        items: Int32Array.from(best, (pick) => pick.itemIx),
        scores: Float32Array.from(best, (pick) => pick.score),
        restsOn: Int32Array.from(best, (pick) => pick.restsOn ?? -1),
      };
      member.topByFilter.set(filterKey, top);
    }
    const { scores, restsOn } = top;
    const picks = Array.from(top.items.subarray(0, count), (itemIx, rank) => ({
      anime: view(itemIx),
      score: scores[rank]!,
      because: Array.from(model.explain(member.profile, itemIx, 1), view),
      ...(restsOn[rank]! >= 0 ? { restsOn: restsOn[rank]! } : {}),
    }));
    return { picks, personalised: true, ...filters };
  };

  const service: AnirecService = {
    catalogue,
    model,
    get groups() {
      return groups;
    },
    get changeCount() {
      return changeCount;
    },

    async rate(userId, anime, score) {
      const itemIx = resolveAnime(titles, catalogue, anime);
      if (!Number.isInteger(score) || score < 1 || score > 10) throw new InvalidOptionError('score', `${score} is not a whole number from 1 to 10`);
      const animeId = String(catalogue.anime[itemIx]!.animeId);
      const { member, result: previous } = await changeRatings(userId, (ratings, book) => {
        const before = ratings[animeId];
        ratings[animeId] = score;
        disown(book, Number(animeId));
        return before;
      });
      log.debug(`member ${userId} rated anime ${animeId}: ${score}`);
      const typed = asTyped(anime, itemIx);
      return { anime: view(itemIx), ...(typed !== undefined ? { asTyped: typed } : {}), score, previous, ratedCount: countRated(member.record.ratings) };
    },

    async unrate(userId, anime) {
      const itemIx = resolveAnime(titles, catalogue, anime);
      const animeId = String(catalogue.anime[itemIx]!.animeId);
      const existing = await loadMember(userId);
      if (existing === undefined || existing.record.ratings[animeId] === undefined) {
        return { anime: view(itemIx), removed: false, ratedCount: existing ? countRated(existing.record.ratings) : 0 };
      }
      const { member, result: removed } = await changeRatings(userId, (ratings, book) => {
        const had = ratings[animeId] !== undefined;
        delete ratings[animeId];
        disown(book, Number(animeId));
        return had;
      });
      return { anime: view(itemIx), removed, ratedCount: countRated(member.record.ratings) };
    },

    async recommend(userId, options = {}) {
      const wanted = resolveRecommendOptions(options);
      const member = await loadMember(userId);
      // Community anime join the picks once their raters are loaded.
      await community?.ready;
      return recommendMember(member, wanted);
    },

    recommendFor(clientKey, ratings, options = {}) {
      const wanted = resolveRecommendOptions(options);
      rateLimiter.take(clientKey);
      const held: Record<string, number> = {};
      for (const { animeId, score } of ratings) held[String(animeId)] = score;
      return recommendMember(memberFrom({ ratings: held, updatedAt: 0 }, true), wanted);
    },

    similar(userId, anime, count) {
      const k = resolveCount(count);
      const itemIx = resolveAnime(titles, catalogue, anime);
      if (community?.isNew(itemIx)) {
        // An anime the model does not know: neighbours from its folded vector, none before any rating.
        const folded = community.get(itemIx)?.folded;
        const found = folded === undefined ? [] : similarToFoldedItem(community.space, folded, catalogue.anime[itemIx]!.genres, k);
        return {
          anime: view(itemIx),
          neighbours: found.map((n) => ({ anime: view(n.itemIx), similarity: n.score })),
          restsOn: folded?.ratings ?? 0,
        };
      }
      let neighbours = similarCache.get(itemIx);
      if (neighbours === undefined) {
        neighbours = model.similar(itemIx, MAX_COUNT);
        similarCache.set(itemIx, neighbours);
      }
      const listed: { itemIx: number; score: number; restsOn?: number }[] = neighbours.slice(0, k);
      if (community !== undefined) {
        const genres = catalogue.anime[itemIx]!.genres;
        for (const item of community.folded()) {
          listed.push({ itemIx: item.itemIx, score: likenessToFolded(community.space, itemIx, item.folded!, genres), restsOn: item.folded!.ratings });
        }
        listed.sort((a, b) => b.score - a.score || a.itemIx - b.itemIx);
      }
      return {
        anime: view(itemIx),
        neighbours: listed.slice(0, k).map((n) => ({ anime: view(n.itemIx), similarity: n.score, ...(n.restsOn !== undefined ? { restsOn: n.restsOn } : {}) })),
      };
    },

    async listRatings(userId, page = 1) {
      const member = await loadMember(userId);
      const entries: RatingEntry[] = Object.entries(member?.record.ratings ?? {}).map(([id, score]) => {
        const animeId = Number(id);
        const itemIx = catalogue.ixByAnimeId.get(animeId);
        const name = itemIx === undefined ? `anime #${animeId}` : catalogue.anime[itemIx]!.name;
        return { animeId, name, url: animeUrl(animeId), score };
      });
      // Best first; watched-without-score last; then by name so pages are stable.
      entries.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
      const pages = Math.max(1, Math.ceil(entries.length / RATINGS_PER_PAGE));
      const at = Math.min(Math.max(1, Math.floor(page) || 1), pages);
      return {
        entries: entries.slice((at - 1) * RATINGS_PER_PAGE, at * RATINGS_PER_PAGE),
        page: at,
        pages,
        total: entries.length,
      };
    },

    async forget(userId) {
      const removed = await forgetting.forget(userId);
      log.info(`member ${userId} asked to be forgotten${removed ? '' : ' (nothing was stored)'}`);
      return removed;
    },

    async syncVisibility() {
      const changes = await feed.changes();
      if (changes.kind === 'none') return;
      if (changes.kind === 'all') {
        members.clear();
        idByTag.clear();
      } else {
        for (const tag of changes.tags) {
          const id = idByTag.get(tag);
          if (id !== undefined) dropMember(id);
        }
      }
      // The server lists need no refresh: nobody is listed without a stored record that says so (groups.ts).
      bump();
    },

    finishPendingForgets: () => forgetting.finishPending(),

    takeCommand: (memberKey, serverKey) => commandLimiter.take(memberKey, serverKey),

    async noteGuildUse(userId, guildId) {
      const known = await guildSet(guildId);
      // Known here, unless the member's record (when cached) does not name the server: forgotten in another
      // process, and back with a new record.
      const cached = members.get(userId);
      if (known.has(userId) && (cached === undefined || cached.record.guilds?.includes(guildId) === true)) return;
      // The member's own record first, then the server's list: /forget-me finds every list through the record.
      await changeRecord(userId, (record) => (record.guilds?.includes(guildId) ? undefined : { ...record, guilds: [...(record.guilds ?? []), guildId] }));
      await store.updateGuildMembers(guildId, (ids) => (ids.includes(userId) ? ids : [...ids, userId]));
      known.add(userId);
      bump(); // the server's list changed too (groups.ts rebuilds what it derived)
    },

    async guildMembers(guildId) {
      return guildSet(guildId);
    },

    async members(userIds) {
      const out: (MemberState | undefined)[] = new Array(userIds.length);
      const missing: number[] = [];
      for (let i = 0; i < userIds.length; i++) {
        out[i] = members.get(userIds[i]!);
        if (out[i] === undefined) missing.push(i);
      }
      // A server's first /twins reads thousands of members: several reads in flight keep the store busy
      // while earlier records are parsed and imported.
      for (let at = 0; at < missing.length; at += MEMBER_READS_IN_FLIGHT) {
        const batch = missing.slice(at, at + MEMBER_READS_IN_FLIGHT);
        const loaded = await Promise.all(batch.map((i) => loadMember(userIds[i]!)));
        batch.forEach((i, k) => (out[i] = loaded[k]));
      }
      return out;
    },

    async setHidden(userId, hidden) {
      const record = await changeRecord(userId, (r) => (Boolean(r.hidden) === hidden ? undefined : { ...r, hidden, updatedAt: Date.now() }));
      // Told to every process before the member is: a retry after a failure here announces it again.
      await feed.note(userId);
      log.info(`member ${userId} ${hidden ? 'left' : 'joined'} the server lists`);
      return Boolean(record.hidden);
    },

    async importList(userId, source, where) {
      importLimiter.take(userId, where?.guildId ?? null);
      // Everything is fetched and read before the one write: a failure here stores nothing.
      const list: FetchedList =
        source instanceof Uint8Array || typeof source === 'function'
          ? { source: 'mal', user: '', noMalId: 0, ...(await parseMalExport(typeof source === 'function' ? await source() : source)) }
          : await fetchList(source.list, source.user, listSettings());
      const knows = (animeId: number) => catalogue.ixByAnimeId.has(animeId);
      const { member, result: applied } = await changeRatings(userId, (ratings, book) => applyImport(ratings, book, list.source, list.entries, knows));
      const from = list.user === '' ? 'a MyAnimeList export' : `${list.source} user ${list.user}`;
      log.info(`member ${userId} imported ${applied.rated} ratings and ${applied.watched} watched entries from ${from} (${applied.unknown.length} unknown anime, ${applied.removed} removed)`);
      return {
        source: list.source,
        ...(list.user !== '' ? { user: list.user } : {}),
        rated: applied.rated,
        watched: applied.watched,
        removed: applied.removed,
        unknown: applied.unknown.length,
        unknownNames: applied.unknown.slice(0, UNKNOWN_NAMES_SHOWN).map((e) => e.title ?? `anime #${e.animeId}`),
        planToWatch: list.planToWatch,
        noMalId: list.noMalId,
        skipped: list.skipped,
        ratedCount: countRated(member.record.ratings),
      };
    },

    async previewList(clientKey, source, user, serverKey = 'web') {
      importLimiter.take(clientKey, serverKey);
      const list = await fetchList(source, user, listSettings());
      const preview: ListPreview = { source, user, ratings: [], watched: 0, unknown: 0, unknownNames: [], planToWatch: list.planToWatch, noMalId: list.noMalId, skipped: list.skipped };
      for (const entry of list.entries) {
        const itemIx = catalogue.ixByAnimeId.get(entry.animeId);
        if (itemIx === undefined) {
          if (preview.unknown++ < UNKNOWN_NAMES_SHOWN) preview.unknownNames.push(entry.title ?? `anime #${entry.animeId}`);
        } else if (entry.score === WATCHED) preview.watched++;
        else preview.ratings.push({ animeId: entry.animeId, name: catalogue.anime[itemIx]!.name, url: animeUrl(entry.animeId), score: entry.score });
      }
      return preview;
    },

    suggestTitles(query) {
      const text = query.trim();
      const hits = text === '' ? popularOrder.slice(0, CHOICE_LIMIT).map((itemIx) => ({ itemIx })) : titles.search(text, CHOICE_LIMIT);
      const shown = hits.slice(0, CHOICE_LIMIT).map(({ itemIx }) => catalogue.anime[itemIx]!);
      // The English title beside the shown (romaji) one: what most members know it by.
      const names = shown.map((a) => (a.englishNames?.[0] !== undefined ? `${a.name} · ${a.englishNames[0]}` : a.name));
      // Anime that would read alike get what tells them apart (type, year, another title).
      const alike = names.map((name) => names.indexOf(name) !== names.lastIndexOf(name));
      const apart = distinguishingNames(shown.filter((_, i) => alike[i]));
      let next = 0;
      return shown.map((a, i) => ({ name: truncate(alike[i] ? apart[next++]! : names[i]!, CHOICE_NAME_MAX), value: String(a.animeId) }));
    },

    async suggestRated(userId, query) {
      const member = await loadMember(userId);
      if (member === undefined) return [];
      const wanted = query.trim().toLowerCase();
      const choices: { choice: Choice; rank: number }[] = [];
      for (const itemIx of member.profile.itemIx) {
        const name = catalogue.anime[itemIx]!.name;
        const at = name.toLowerCase().indexOf(wanted);
        if (at < 0) continue;
        choices.push({ choice: { name: truncate(name, CHOICE_NAME_MAX), value: String(catalogue.anime[itemIx]!.animeId) }, rank: at === 0 ? 0 : 1 });
      }
      choices.sort((a, b) => a.rank - b.rank || a.choice.name.localeCompare(b.choice.name));
      return choices.slice(0, CHOICE_LIMIT).map((c) => c.choice);
    },

    async seasonal(userId, seasonText, countText) {
      const asked = parseSeason(seasonText);
      const count = resolveCount(countText);
      const inSeasonOf = (s: Season) => (itemIx: number) => {
        const aired = catalogue.anime[itemIx]!.aired;
        return aired !== undefined && aired >= s.from && aired <= s.to;
      };
      const animeOf = (s: Season) => {
        const found: number[] = [];
        const test = inSeasonOf(s);
        for (let i = 0; i < nItems; i++) if (test(i)) found.push(i);
        return found;
      };
      let season = asked;
      let all = animeOf(season);
      // "This season" before the catalogue has it (bangumi-data's release lags the calendar): its newest season instead, said so.
      const newest = all.length === 0 && (seasonText ?? '').trim() === '' ? latestPremiereBefore(catalogue, asked.from) : undefined;
      if (newest !== undefined) {
        season = seasonOfPremiere(newest);
        all = animeOf(season);
      }
      const emptySeason = newest !== undefined ? { emptySeason: asked } : {};
      const inSeason = inSeasonOf(season);
      const member = await loadMember(userId);
      await community?.ready;
      const unseen = all.filter((i) => !member?.rated.has(i));
      const basisOf = (itemIx: number): SeasonalPick['basis'] => {
        if (itemIx < modelItems) return { kind: 'model' };
        const ratings = community?.get(itemIx)?.folded?.ratings ?? 0;
        return ratings > 0 ? { kind: 'members', ratings } : { kind: 'genres' };
      };
      if (member?.folded === undefined) {
        // Nothing to rank by: the season in air order.
        const picks = unseen.slice(0, count).map((itemIx) => ({ anime: view(itemIx), score: Number.NaN, basis: basisOf(itemIx) }));
        return { season, picks, total: all.length, personalised: false, ...emptySeason };
      }
      const ranked: { itemIx: number; score: number }[] = model.recommend(member.folded, count, { exclude: member.rated, filter: inSeason });
      const fresh = unseen.filter((i) => i >= modelItems);
      if (community !== undefined && fresh.length > 0) {
        const scores = scoreFoldedItems(community.space, member.folded, fresh.map((i) => community.estimate(i)));
        fresh.forEach((itemIx, j) => ranked.push({ itemIx, score: scores[j]! }));
      }
      ranked.sort((a, b) => b.score - a.score || a.itemIx - b.itemIx);
      const picks = ranked.slice(0, count).map(({ itemIx, score }) => ({ anime: view(itemIx), score, basis: basisOf(itemIx) }));
      return { season, picks, total: all.length, personalised: true, ...emptySeason };
    },

    suggestGenres(query) {
      const wanted = query.trim().toLowerCase();
      return catalogue.genreNames
        .filter((g) => g.toLowerCase().includes(wanted))
        .sort((a, b) => Number(!a.toLowerCase().startsWith(wanted)) - Number(!b.toLowerCase().startsWith(wanted)) || a.localeCompare(b))
        .slice(0, CHOICE_LIMIT)
        .map((g) => ({ name: g, value: g }));
    },
  };
  const groups = createGroupService({ service, log, ...(deps.rosterCacheSize !== undefined ? { rosterCacheSize: deps.rosterCacheSize } : {}) });
  return service;
}

/** The newest first-air date in the catalogue before `before` (YYYY-MM-DD), if any. */
function latestPremiereBefore(catalogue: Catalogue, before: string): string | undefined {
  let latest: string | undefined;
  for (const anime of catalogue.anime) {
    const aired = anime.aired;
    if (aired !== undefined && aired < before && (latest === undefined || aired > latest)) latest = aired;
  }
  return latest;
}
