/** /server-top: the anime this server's members score highest, as a weighted mean. */
import { resolveCount } from '../resolvers.js';
import type { GroupMembers } from './groupMembers.js';
import { SERVER_TOP_MIN_RATERS, type ServerTopResult } from './types.js';

export async function serverTop(group: GroupMembers, guildId: string, count?: number | string | null): Promise<ServerTopResult> {
  const k = resolveCount(count);
  const nItems = group.catalogue.anime.length;
  await group.sources.syncVisibility();
  const { guildIds, ids, states } = await group.everyone(guildId);
  const sums = new Float64Array(nItems);
  const counts = new Int32Array(nItems);
  let raters = 0;
  let total = 0;
  let totalCount = 0;
  for (let m = 0; m < ids.length; m++) {
    const member = states[m];
    if (!group.listed(member, guildId, guildIds, ids[m]!)) continue;
    const { scored } = group.derive(member);
    if (scored.items.length === 0) continue;
    raters++;
    for (let j = 0; j < scored.items.length; j++) {
      sums[scored.items[j]!] += scored.scores[j]!;
      counts[scored.items[j]!]++;
      total += scored.scores[j]!;
      totalCount++;
    }
  }
  // IMDb's weighted rating: a mean pulled towards the server's mean by SERVER_TOP_MIN_RATERS phantom votes,
  // so three 10s do not outrank a hundred 9s; anime with fewer raters than that are not listed at all.
  const prior = totalCount > 0 ? total / totalCount : 0;
  const m = SERVER_TOP_MIN_RATERS;
  const order: number[] = [];
  for (let i = 0; i < nItems; i++) if (counts[i]! >= m) order.push(i);
  const weighted = (i: number) => (sums[i]! + m * prior) / (counts[i]! + m);
  order.sort((a, b) => weighted(b) - weighted(a) || counts[b]! - counts[a]! || a - b);
  return {
    minRaters: m,
    raters,
    entries: order.slice(0, k).map((i) => ({ anime: group.view(i), mean: sums[i]! / counts[i]!, raters: counts[i]! })),
  };
}
