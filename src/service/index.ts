/**
 * What the bot does, without Discord: rate, recommend, similar, seasonal, import, the server lists and
 * privacy. Every front-end (Discord, the console, the web page, the CLI) calls these methods and renders
 * the plain results they return. Each use case lives in its own file; this facade builds the shared
 * context once and hands each method to its use case.
 * Everything per command stays in memory (catalogue, title index, model, members' folded vectors), so a
 * command costs a fold-in or a scoring pass, never a file read.
 */
import type { Catalogue } from '../data/types.js';
import type { ListImportOptions } from '../data/lists/index.js';
import { readListImportSettings } from '../config.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';
import type { RatingsStore } from '../store/ratingsStore.js';
import { createCommunity, type Community } from './community.js';
import { createContext } from './context.js';
import { createGroupService } from './groups/index.js';
import { importList, previewList } from './importList.js';
import { MemberCache } from './members.js';
import { Privacy } from './privacy.js';
import { listRatings, rate, unrate } from './rate.js';
import { createImportLimiter, type ImportLimiter, type MemberServerLimiter, type RateLimiter } from './rateLimiter.js';
import { recommend, recommendFor } from './recommend.js';
import type { TitleLookup } from './resolvers.js';
import { seasonal } from './seasonal.js';
import { ServerLists } from './servers.js';
import { createSimilar } from './similar.js';
import { suggestGenres, suggestRated, suggestTitles } from './suggest.js';
import type { AnirecService } from './types.js';

export type * from './types.js';
export type { MemberState } from './members.js';
export type { AnimeView } from './views.js';
export { animeUrl, animeView } from './views.js';
export { decodeVector, encodeVector, modelFingerprint } from './memberVector.js';
export { RATINGS_PER_PAGE } from './rate.js';
export { UNKNOWN_NAMES_SHOWN } from './importList.js';
export { SERVER_CACHE } from './servers.js';

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
  /** Servers whose /twins roster stays in memory (default groups' ROSTER_CACHE). */
  rosterCacheSize?: number;
  /**
   * The merged catalogue (mergedCatalogue.ts): the model's anime first, in its itemIx order, then anime
   * it does not know, which members' ratings fold in (communityItems.ts). Default: the model's own.
   */
  catalogue?: Catalogue;
}

export function createService(deps: ServiceDeps): AnirecService {
  const { model, store, titles, rateLimiter } = deps;
  const commandLimiter: MemberServerLimiter = deps.commandLimiter ?? { take: (memberKey) => rateLimiter.take(memberKey) };
  const importLimiter = deps.importLimiter ?? createImportLimiter();
  let listOptions = deps.lists;
  // Read once, when first needed: a service built without `lists` reads the same variables as config.ts.
  const lists = (): ListImportOptions => (listOptions ??= readListImportSettings());
  const log = deps.log ?? silentLogger;
  const catalogue = deps.catalogue ?? model.catalogue;

  // The members' write hook and the community's loader refer to each other: the hook reads `community` when called.
  let community: Community | undefined;
  const members = new MemberCache({
    model,
    catalogue,
    store,
    log,
    cacheSize: deps.cacheSize ?? 50_000,
    committed: async (...change) => community?.committed(...change),
  });
  community = createCommunity({ model, catalogue, store, log, loadUser: async (id) => (await members.load(id))?.folded });
  const ctx = createContext({ model, catalogue, store, titles, log, members, community });
  const servers = new ServerLists(ctx, deps.serverCacheSize);
  const privacy = new Privacy(ctx, servers);
  const similar = createSimilar(ctx);
  const groups = createGroupService({
    catalogue,
    model,
    members,
    servers,
    syncVisibility: () => privacy.sync(),
    ...(deps.rosterCacheSize !== undefined ? { rosterCacheSize: deps.rosterCacheSize } : {}),
  });

  return {
    catalogue,
    model,
    groups,
    get changeCount() {
      return members.changeCount;
    },
    rate: (userId, anime, score, where) => rate(ctx, userId, anime, score, where?.guildId ? { guildId: where.guildId, servers } : undefined),
    unrate: (userId, anime) => unrate(ctx, userId, anime),
    recommend: (userId, options) => recommend(ctx, userId, options),
    recommendFor: (clientKey, ratings, options = {}) => recommendFor(ctx, ratings, options, () => rateLimiter.take(clientKey)),
    similar,
    listRatings: (userId, page) => listRatings(ctx, userId, page),
    forget: (userId) => privacy.forget(userId),
    async importList(userId, source, where) {
      importLimiter.take(userId, where?.guildId ?? null);
      return importList(ctx, lists(), userId, source);
    },
    async previewList(clientKey, source, user, serverKey = 'web') {
      importLimiter.take(clientKey, serverKey);
      return previewList(ctx, lists(), source, user);
    },
    suggestTitles: (query) => suggestTitles(ctx, query),
    suggestRated: (userId, query) => suggestRated(ctx, userId, query),
    suggestGenres: (query) => suggestGenres(ctx, query),
    seasonal: (userId, season, count) => seasonal(ctx, userId, season, count),
    noteGuildUse: (userId, guildId) => servers.noteUse(userId, guildId),
    guildMembers: (guildId) => servers.members(guildId),
    members: (userIds) => members.loadMany(userIds),
    setHidden: (userId, hidden) => privacy.setHidden(userId, hidden),
    syncVisibility: () => privacy.sync(),
    finishPendingForgets: () => privacy.finishPending(),
    takeCommand: (memberKey, serverKey) => commandLimiter.take(memberKey, serverKey),
  };
}
