/** /recommend: a member's top picks (or a web visitor's, from ratings their browser holds), optionally by genre or type. */
import { MAX_COUNT, resolveCount, resolveGenre, resolveType } from './resolvers.js';
import type { ServiceContext } from './context.js';
import type { Member } from './members.js';
import type { HeldRating, RecommendedPick, RecommendOptions, RecommendResult } from './types.js';

interface Wanted {
  count: number;
  genreIx: number | undefined;
  typeIx: number | undefined;
}

export function resolveRecommendOptions(ctx: ServiceContext, options: RecommendOptions): Wanted {
  return { count: resolveCount(options.count), genreIx: resolveGenre(ctx.catalogue, options.genre), typeIx: resolveType(ctx.catalogue, options.type) };
}

export function matchesFilter(ctx: ServiceContext, itemIx: number, genreIx: number | undefined, typeIx: number | undefined): boolean {
  return (genreIx === undefined || ctx.catalogue.genreIx[itemIx]!.includes(genreIx)) && (typeIx === undefined || ctx.catalogue.typeIx[itemIx] === typeIx);
}

export function recommendMember(ctx: ServiceContext, member: Member | undefined, { count, genreIx, typeIx }: Wanted): RecommendResult {
  const { catalogue, model, view } = ctx;
  const filters = {
    ...(genreIx !== undefined ? { genre: catalogue.genreNames[genreIx]! } : {}),
    ...(typeIx !== undefined ? { type: catalogue.typeNames[typeIx]! } : {}),
  };
  if (member?.folded === undefined) {
    const picks: RecommendedPick[] = [];
    for (const itemIx of ctx.popularOrder) {
      if (picks.length >= count) break;
      if (member?.rated.has(itemIx) || !matchesFilter(ctx, itemIx, genreIx, typeIx)) continue;
      picks.push({ anime: view(itemIx), score: model.popularity[itemIx]!, because: [] });
    }
    return { picks, personalised: false, ...filters };
  }
  const filterKey = `${genreIx ?? ''}|${typeIx ?? ''}`;
  let top = member.topByFilter.get(filterKey);
  if (top === undefined) {
    // model.recommend skips predicting anime that cannot make the list (same picks as scoring them all).
    const filter = genreIx !== undefined || typeIx !== undefined ? (itemIx: number) => matchesFilter(ctx, itemIx, genreIx, typeIx) : undefined;
    const best: { itemIx: number; score: number; restsOn?: number }[] = model.recommend(member.folded, MAX_COUNT, {
      exclude: member.rated,
      ...(filter !== undefined ? { filter } : {}),
    });
    // Community anime on the same score scale; merged, then cut to the same length.
    if (ctx.community !== undefined) best.push(...ctx.community.picks(member, filter ?? (() => true)));
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
}

export async function recommend(ctx: ServiceContext, userId: string, options: RecommendOptions = {}): Promise<RecommendResult> {
  const wanted = resolveRecommendOptions(ctx, options);
  const member = await ctx.members.load(userId);
  // Community anime join the picks once their raters are loaded.
  await ctx.community?.items.ready;
  return recommendMember(ctx, member, wanted);
}

/** Ratings the caller holds, folded in for this call only: nothing is stored. `spend` takes the caller's allowance once the options are valid. */
export function recommendFor(ctx: ServiceContext, ratings: readonly HeldRating[], options: RecommendOptions, spend: () => void): RecommendResult {
  const wanted = resolveRecommendOptions(ctx, options);
  spend();
  const held: Record<string, number> = {};
  for (const { animeId, score } of ratings) held[String(animeId)] = score;
  return recommendMember(ctx, ctx.members.from({ ratings: held, updatedAt: 0 }, true), wanted);
}
