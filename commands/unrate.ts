/** /unrate anime:<one of your rated titles> — removes a rating. */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions } from '../src/interfaces/discord/embeds.js';
import { renderUnrated } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder()
  .setName('unrate')
  .setDescription('Remove one of your ratings')
  .addStringOption((o) => o.setName('anime').setDescription('An anime you rated').setRequired(true).setAutocomplete(true));

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const result = await service.unrate(interaction.user.id, interaction.options.getString('anime', true));
  await interaction.reply(toReplyOptions(renderUnrated(result)));
}

export async function autocomplete(interaction: AutocompleteInteraction, { service }: CommandContext): Promise<void> {
  await interaction.respond(await service.suggestRated(interaction.user.id, interaction.options.getFocused()));
}
