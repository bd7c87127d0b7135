/** /rate anime:<title> score:<1-10> — records (or replaces) a rating and folds the member in again. */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions } from '../src/interfaces/discord/embeds.js';
import { renderRated } from '../src/interfaces/render.js';
import { resolveScore } from '../src/recommender/resolvers.js';

export const data = new SlashCommandBuilder()
  .setName('rate')
  .setDescription('Rate an anime from 1 to 10 (rating it again replaces your score)')
  .addStringOption((o) => o.setName('anime').setDescription('Title of the anime').setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) => o.setName('score').setDescription('Your score, 1 to 10').setRequired(true).setMinValue(1).setMaxValue(10));

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const score = resolveScore(interaction.options.getInteger('score', true));
  const result = await service.rate(interaction.user.id, interaction.options.getString('anime', true), score);
  await interaction.reply(toReplyOptions(renderRated(result)));
}

export async function autocomplete(interaction: AutocompleteInteraction, { service }: CommandContext): Promise<void> {
  await interaction.respond(service.suggestTitles(interaction.options.getFocused()));
}
