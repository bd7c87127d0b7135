/** /watch-party: picks for a group of members, none of which anyone in it has seen. */
import type { MemberState } from '../members.js';
import type { GroupMembers } from './groupMembers.js';
import { rankForGroup, type GroupPick } from './partyRanking.js';
import { WATCH_PARTY_PICKS, type WatchPartyResult } from './types.js';

/** Members whose predictions over the whole catalogue stay in memory (48 KB each for 12,294 anime). */
export const PREDICTION_CACHE = 512;

export type WatchParty = (guildId: string, memberIds: readonly string[]) => Promise<WatchPartyResult>;

export function createWatchParty(group: GroupMembers): WatchParty {
  const { model, sources } = group;
  // The model predicts its own anime only; the merged catalogue's newer anime (ratings only) come after them.
  const modelItems = model.catalogue.anime.length;

  // Keyed by the member object, which the service replaces on each change of ratings: a stale entry is never hit.
  const predictions = new Map<MemberState, Float32Array>();
  const predictionsOf = (member: MemberState): Float32Array => {
    let out = predictions.get(member);
    if (out === undefined) {
      out = new Float32Array(modelItems);
      model.predictFoldedAll(member.folded!, out);
    }
    predictions.delete(member);
    predictions.set(member, out);
    if (predictions.size > PREDICTION_CACHE) predictions.delete(predictions.keys().next().value!);
    return out;
  };

  /**
   * Every member's predictions over the whole catalogue (kept, one pass each: predictFoldedAll), then the
   * exhaustive ranking. Measured against the pruned ranking that asked per anime (bench/watchPartyRanking.ts,
   * real sample, load 0: p50/p99 9.5/12.3 ms against 13.4/35.1 ms): the soft-minimum bound keeps most of the
   * catalogue alive, so asking per anime cost more than one pass per member.
   */
  const rankParty = (party: MemberState[], seen: ReadonlySet<number>): GroupPick[] =>
    party.length === 0 ? [] : rankForGroup(party.map(predictionsOf), seen, WATCH_PARTY_PICKS);

  return async (guildId, memberIds) => {
    await sources.syncVisibility();
    const ids = await sources.servers.members(guildId);
    const states = await sources.members.loadMany(memberIds);
    const party: MemberState[] = [];
    const members: string[] = [];
    const leftOut: WatchPartyResult['leftOut'] = [];
    const seen = new Set<number>();
    memberIds.forEach((id, k) => {
      const member = states[k];
      // A party member must have used the bot here. Everyone else gets the same words, whatever the reason
      // (never used the bot, only elsewhere, or left the lists), and what they have seen shapes nothing.
      if (!group.listed(member, guildId, ids, id)) leftOut.push({ memberId: id, reason: 'not_here' });
      else if (member.folded === undefined) leftOut.push({ memberId: id, reason: 'no_ratings' });
      else {
        for (const ix of member.rated) seen.add(ix);
        party.push(member);
        members.push(id);
      }
    });
    const picks = rankParty(party, seen);
    return { members, leftOut, picks: picks.map((p) => ({ anime: group.view(p.itemIx), score: p.score, predicted: p.predicted })) };
  };
}
