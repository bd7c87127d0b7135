/**
 * What a server does together: /affinity between two members, /twins (the closest tastes in the server),
 * /watch-party (picks for a group) and /server-top. Each is a file of its own, given the members and the
 * server lists (groupMembers.ts), never the service; the maths is in affinityMaths.ts and partyRanking.ts.
 */
import { affinity } from './affinity.js';
import { GroupMembers, type GroupSources } from './groupMembers.js';
import { serverTop } from './serverTop.js';
import { createTwins } from './twins.js';
import type { GroupService } from './types.js';
import { createWatchParty } from './watchParty.js';

export type * from './types.js';
export { TWINS_COUNT, SHARED_LOVES, SERVER_TOP_MIN_RATERS, WATCH_PARTY_PICKS } from './types.js';
export { HIDDEN_SELF, LOADED_SERVERS, type GroupSources } from './groupMembers.js';
export { ROSTER_CACHE } from './twins.js';
export { PREDICTION_CACHE } from './watchParty.js';

export function createGroupService(sources: GroupSources & { rosterCacheSize?: number }): GroupService {
  const group = new GroupMembers(sources);
  const twins = createTwins(group, sources.rosterCacheSize);
  const watchParty = createWatchParty(group);
  return {
    loaded: (guildId) => group.loaded(guildId),
    affinity: (guildId, selfId, other) => affinity(group, guildId, selfId, other),
    twins,
    watchParty,
    serverTop: (guildId, count) => serverTop(group, guildId, count),
  };
}
