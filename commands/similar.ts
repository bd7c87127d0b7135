/** /similar anime:<title> [count] — the anime most like one title. */
import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions } from '../src/interfaces/discord/embeds.js';
import { renderSimilar } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder()
  .setName('similar')
  .setDescription('Anime similar to one you name')
  .addStringOption((o) => o.setName('anime').setDescription('Title of the anime').setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) => o.setName('count').setDescription('How many (1-25, default 10)').setMinValue(1).setMaxValue(25));

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const result = service.similar(interaction.user.id, interaction.options.getString('anime', true), interaction.options.getInteger('count'));
  await interaction.reply(toReplyOptions(renderSimilar(result)));
}

export async function autocomplete(interaction: AutocompleteInteraction, { service }: CommandContext): Promise<void> {
  await interaction.respond(service.suggestTitles(interaction.options.getFocused()));
}
