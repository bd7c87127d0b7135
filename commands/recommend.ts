/** /recommend [count] [genre] [type] — top picks for the member, never an anime they rated or watched. */
import { SlashCommandBuilder } from 'discord.js';
import type { AutocompleteContext, CommandContext } from '../src/interfaces/command.js';
import { renderRecommendations } from '../src/interfaces/render.js';

// MyAnimeList's anime types; the genre vocabulary comes from the catalogue, so it autocompletes.
const TYPES = ['TV', 'Movie', 'OVA', 'ONA', 'Special', 'Music'];

export const data = new SlashCommandBuilder()
  .setName('recommend')
  .setDescription('Anime picked for your taste')
  .addIntegerOption((o) => o.setName('count').setDescription('How many picks (1-25, default 10)').setMinValue(1).setMaxValue(25))
  .addStringOption((o) => o.setName('genre').setDescription('Only this genre').setAutocomplete(true))
  .addStringOption((o) =>
    o
      .setName('type')
      .setDescription('Only this type')
      .addChoices(...TYPES.map((t) => ({ name: t, value: t }))),
  );

export async function execute({ service, member, options, reply }: CommandContext): Promise<void> {
  const result = await service.recommend(member.id, { count: options.integer('count'), genre: options.string('genre'), type: options.string('type') });
  await reply(renderRecommendations(result));
}

export async function autocomplete({ service, focused }: AutocompleteContext) {
  return service.suggestGenres(focused.value);
}
