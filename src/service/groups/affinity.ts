/** /affinity: how alike two members' tastes are, what they both love, where they disagree most. */
import { InvalidOptionError } from '../../errors.js';
import { affinityFigure, biggestDisagreement, scoredList, sharedLoves, sharedScores, sharedStats } from './affinityMaths.js';
import type { GroupMembers } from './groupMembers.js';
import { SHARED_LOVES, type AffinityResult } from './types.js';

export async function affinity(group: GroupMembers, guildId: string, selfId: string, other: { id: string; label: string }): Promise<AffinityResult> {
  if (other.id === selfId) throw new InvalidOptionError('member', 'pick someone other than yourself');
  const { sources } = group;
  await sources.syncVisibility();
  const me = await group.self(selfId);
  const ids = await sources.servers.members(guildId);
  const [them] = await sources.members.loadMany([other.id]);
  if (!group.listed(them, guildId, ids, other.id)) {
    // Same answer for "never used the bot here" and "left the lists": opting out is nobody's business.
    throw new InvalidOptionError('member', `${other.label} is not in this server's lists (they have not used anirec here, or chose to stay out)`);
  }
  const a = me === undefined ? scoredList({ itemIx: new Int32Array(0), score: new Int8Array(0) }) : group.derive(me).scored;
  const b = group.derive(them);
  const figure = affinityFigure(sharedStats(a, b.scored), me === undefined ? undefined : group.derive(me).taste, b.taste);
  const shared = sharedScores(a, b.scored);
  const apart = biggestDisagreement(shared);
  return {
    figure,
    loves: sharedLoves(shared, SHARED_LOVES).map((ix) => group.view(ix)),
    disagreement: apart === undefined ? undefined : { anime: group.view(apart[0]), mine: apart[1], theirs: apart[2] },
  };
}
