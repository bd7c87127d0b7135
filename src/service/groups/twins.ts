/**
 * /twins: the members of the server whose tastes are closest to the caller's. The server's listed members
 * with their scores and taste vectors packed end to end (the roster) are kept while no member anywhere
 * changed, and rebuilt otherwise.
 */
import { selectTopK } from '../../model/topK.js';
import { LruMap } from '../lruMap.js';
import { affinityAgainst, affinityFigure, packScores, sharedFavourite, sharedStats, type PackedScores, type PackedTastes } from './affinityMaths.js';
import type { Derived, GroupMembers } from './groupMembers.js';
import { TWINS_COUNT, type TwinsResult } from './types.js';

/** Servers whose /twins roster stays in memory (the most recently asked); the others rebuild on their next /twins. */
export const ROSTER_CACHE = 100;

interface Roster {
  changeCount: number;
  ids: string[];
  derived: Derived[];
  scored: PackedScores;
  tastes: PackedTastes;
}

export type Twins = (guildId: string, selfId: string) => Promise<TwinsResult>;

export function createTwins(group: GroupMembers, rosterCacheSize = ROSTER_CACHE): Twins {
  const { sources } = group;
  const nItems = group.catalogue.anime.length;
  const rosters = new LruMap<string, Roster>(rosterCacheSize);

  const rosterOf = async (guildId: string): Promise<Roster> => {
    const cached = rosters.get(guildId);
    if (cached !== undefined && cached.changeCount === sources.members.changeCount) return cached;
    const changeCount = sources.members.changeCount;
    const { guildIds, ids, states } = await group.everyone(guildId);
    const listedIds: string[] = [];
    const derived: Derived[] = [];
    for (let k = 0; k < ids.length; k++) {
      const member = states[k];
      if (group.listed(member, guildId, guildIds, ids[k]!)) {
        listedIds.push(ids[k]!);
        derived.push(group.derive(member));
      }
    }
    const dim = group.tasteSpace().anchors.length;
    const tastes: PackedTastes = { dim, vectors: new Float32Array(derived.length * dim), has: new Uint8Array(derived.length) };
    derived.forEach((d, k) => {
      if (d.taste === undefined) return;
      tastes.has[k] = 1;
      tastes.vectors.set(d.taste, k * dim);
    });
    const roster: Roster = { changeCount, ids: listedIds, derived, scored: packScores(derived.map((d) => d.scored)), tastes };
    rosters.set(guildId, roster);
    return roster;
  };

  return async (guildId, selfId) => {
    await sources.syncVisibility();
    const me = await group.self(selfId);
    if (me === undefined || me.profile.itemIx.length === 0) return { twins: [], compared: 0 };
    const mine = group.derive(me);
    // The roster is the whole server (the caller included, so every caller shares it); the caller is skipped below.
    const roster = await rosterOf(guildId);
    const dense = new Int8Array(nItems);
    for (let j = 0; j < mine.scored.items.length; j++) dense[mine.scored.items[j]!] = mine.scored.scores[j]!;
    const values = new Float64Array(roster.ids.length);
    const isMal = new Uint8Array(roster.ids.length);
    affinityAgainst(dense, mine.taste, roster.scored, roster.tastes, values, isMal);
    const selfAt = roster.ids.indexOf(selfId);
    if (selfAt >= 0) values[selfAt] = Number.NaN;
    let compared = 0;
    for (const v of values) if (Number.isFinite(v)) compared++;
    // selectTopK skips NaN (no figure); ties keep the earlier member of the server's list.
    return {
      compared,
      twins: Array.from(selectTopK(values, TWINS_COUNT), (k) => {
        const derived = roster.derived[k]!;
        const figure = affinityFigure(sharedStats(mine.scored, derived.scored), mine.taste, derived.taste)!;
        const favourite = sharedFavourite(mine.scored, derived.scored);
        return { memberId: roster.ids[k]!, figure, favourite: favourite === undefined ? undefined : group.view(favourite) };
      }),
    };
  };
}
