/** /unrate anime:<one of your rated titles> — removes a rating. */
import { SlashCommandBuilder } from 'discord.js';
import type { AutocompleteContext, CommandContext } from '../src/interfaces/command.js';
import { renderUnrated } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder()
  .setName('unrate')
  .setDescription('Remove one of your ratings')
  .addStringOption((o) => o.setName('anime').setDescription('An anime you rated').setRequired(true).setAutocomplete(true));

export async function execute({ service, member, options, reply }: CommandContext): Promise<void> {
  await reply(renderUnrated(await service.unrate(member.id, options.string('anime') ?? '')));
}

export async function autocomplete({ service, member, focused }: AutocompleteContext) {
  return service.suggestRated(member.id, focused.value);
}
