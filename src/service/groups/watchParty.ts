/** /watch-party: picks for a group of members, none of which anyone in it has seen. */
import type { MemberState } from '../members.js';
import type { GroupMembers } from './groupMembers.js';
import { rankForGroup, rankForGroupPruned, type GroupPick } from './partyRanking.js';
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
      for (let i = 0; i < modelItems; i++) out[i] = model.predictFolded(member.folded!, i);
    }
    predictions.delete(member);
    predictions.set(member, out);
    if (predictions.size > PREDICTION_CACHE) predictions.delete(predictions.keys().next().value!);
    return out;
  };

  /**
   * Everyone's predictions kept: the exhaustive ranking. Otherwise the pruned one, which needs one member's
   * predictions in full (one already kept, else the first member's, then kept) and asks the rest per anime.
   */
  const rankParty = (party: MemberState[], seen: ReadonlySet<number>): GroupPick[] => {
    if (party.length === 0) return [];
    if (party.every((member) => predictions.has(member))) return rankForGroup(party.map(predictionsOf), seen, WATCH_PARTY_PICKS);
    const lead = Math.max(0, party.findIndex((member) => predictions.has(member)));
    const order = [lead, ...party.keys()].filter((k, at) => at === 0 || k !== lead);
    const picks = rankForGroupPruned(
      predictionsOf(party[lead]!),
      (k, itemIx) => Math.fround(model.predictFolded(party[order[k]!]!.folded!, itemIx)),
      party.length,
      seen,
      WATCH_PARTY_PICKS,
    );
    // Back to the party's order.
    return picks.map((pick) => {
      const predicted = new Array<number>(party.length);
      order.forEach((k, at) => (predicted[k] = pick.predicted[at]!));
      return { ...pick, predicted };
    });
  };

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
