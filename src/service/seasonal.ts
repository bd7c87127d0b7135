/** /seasonal: a season's anime (this one by default), ranked for the member. */
import type { Catalogue } from '../data/types.js';
import { scoreFoldedItems } from '../model/itemFoldIn.js';
import type { ServiceContext } from './context.js';
import { resolveCount } from './resolvers.js';
import { parseSeason, seasonOfPremiere, type Season } from './seasons.js';
import type { SeasonalPick, SeasonalResult } from './types.js';

export async function seasonal(ctx: ServiceContext, userId: string, seasonText?: string | null, countText?: number | string | null): Promise<SeasonalResult> {
  const { catalogue, model, community, view, modelItems } = ctx;
  const asked = parseSeason(seasonText);
  const count = resolveCount(countText);
  const inSeasonOf = (s: Season) => (itemIx: number) => {
    const aired = catalogue.anime[itemIx]!.aired;
    return aired !== undefined && aired >= s.from && aired <= s.to;
  };
  const animeOf = (s: Season) => {
    const found: number[] = [];
    const test = inSeasonOf(s);
    for (let i = 0; i < catalogue.anime.length; i++) if (test(i)) found.push(i);
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
  if (all.length === 0) {
    const last = latestPremiereBefore(catalogue, '9999-12-31');
    const ends = last === undefined ? undefined : seasonOfPremiere(last);
    return { season, picks: [], total: 0, personalised: false, ...emptySeason, ...(ends !== undefined && ends.to < season.from ? { catalogueEnds: ends } : {}) };
  }
  const member = await ctx.members.load(userId);
  await community?.items.ready;
  const unseen = all.filter((i) => !member?.rated.has(i));
  const basisOf = (itemIx: number): SeasonalPick['basis'] => {
    if (itemIx < modelItems) return { kind: 'model' };
    const ratings = community?.items.get(itemIx)?.folded?.ratings ?? 0;
    return ratings > 0 ? { kind: 'members', ratings } : { kind: 'genres' };
  };
  if (member?.folded === undefined) {
    // Nothing to rank by: the season in air order.
    const picks = unseen.slice(0, count).map((itemIx) => ({ anime: view(itemIx), score: Number.NaN, basis: basisOf(itemIx) }));
    return { season, picks, total: all.length, personalised: false, ...emptySeason };
  }
  const ranked: { itemIx: number; score: number }[] = model.recommend(member.folded, count, { exclude: member.rated, filter: inSeasonOf(season) });
  const fresh = unseen.filter((i) => i >= modelItems);
  if (community !== undefined && fresh.length > 0) {
    const scores = scoreFoldedItems(community.items.space, member.folded, fresh.map((i) => community.items.estimate(i)));
    fresh.forEach((itemIx, j) => ranked.push({ itemIx, score: scores[j]! }));
  }
  ranked.sort((a, b) => b.score - a.score || a.itemIx - b.itemIx);
  const picks = ranked.slice(0, count).map(({ itemIx, score }) => ({ anime: view(itemIx), score, basis: basisOf(itemIx) }));
  return { season, picks, total: all.length, personalised: true, ...emptySeason };
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
