/** /recommend [count] [genre] [type] — top picks for the member, never an anime they rated or watched. */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions } from '../src/interfaces/discord/embeds.js';
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

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const result = await service.recommend(interaction.user.id, {
    count: interaction.options.getInteger('count'),
    genre: interaction.options.getString('genre'),
    type: interaction.options.getString('type'),
  });
  await interaction.reply(toReplyOptions(renderRecommendations(result)));
}

export async function autocomplete(interaction: AutocompleteInteraction, { service }: CommandContext): Promise<void> {
  await interaction.respond(service.suggestGenres(interaction.options.getFocused()));
}
