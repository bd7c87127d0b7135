/** Autocomplete: titles, a member's own rated anime, genres, within Discord's limits (25 choices of up to 100 characters). */
import { distinguishingNames } from '../data/titles.js';
import type { ServiceContext } from './context.js';
import type { Choice } from './types.js';
import { truncate } from './views.js';

const CHOICE_LIMIT = 25;
const CHOICE_NAME_MAX = 100;

export function suggestTitles(ctx: ServiceContext, query: string): Choice[] {
  const { catalogue } = ctx;
  const text = query.trim();
  const hits = text === '' ? ctx.popularOrder.slice(0, CHOICE_LIMIT).map((itemIx) => ({ itemIx })) : ctx.titles.search(text, CHOICE_LIMIT);
  const shown = hits.slice(0, CHOICE_LIMIT).map(({ itemIx }) => catalogue.anime[itemIx]!);
  // The English title beside the shown (romaji) one: what most members know it by.
  const names = shown.map((a) => (a.englishNames?.[0] !== undefined ? `${a.name} · ${a.englishNames[0]}` : a.name));
  // Anime that would read alike get what tells them apart (type, year, another title).
  const alike = names.map((name) => names.indexOf(name) !== names.lastIndexOf(name));
  const apart = distinguishingNames(shown.filter((_, i) => alike[i]));
  let next = 0;
  return shown.map((a, i) => ({ name: truncate(alike[i] ? apart[next++]! : names[i]!, CHOICE_NAME_MAX), value: String(a.animeId) }));
}

export async function suggestRated(ctx: ServiceContext, userId: string, query: string): Promise<Choice[]> {
  const { catalogue } = ctx;
  const member = await ctx.members.load(userId);
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
}

export function suggestGenres(ctx: ServiceContext, query: string): Choice[] {
  const wanted = query.trim().toLowerCase();
  return ctx.catalogue.genreNames
    .filter((g) => g.toLowerCase().includes(wanted))
    .sort((a, b) => Number(!a.toLowerCase().startsWith(wanted)) - Number(!b.toLowerCase().startsWith(wanted)) || a.localeCompare(b))
    .slice(0, CHOICE_LIMIT)
    .map((g) => ({ name: g, value: g }));
}
