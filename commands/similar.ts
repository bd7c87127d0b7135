/** /similar anime:<title> [count] — the anime most like one title. */
import { SlashCommandBuilder } from 'discord.js';
import type { AutocompleteContext, CommandContext } from '../src/interfaces/command.js';
import { renderSimilar } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder()
  .setName('similar')
  .setDescription('Anime similar to one you name')
  .addStringOption((o) => o.setName('anime').setDescription('Title of the anime').setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) => o.setName('count').setDescription('How many (1-25, default 10)').setMinValue(1).setMaxValue(25));

export async function execute({ service, member, options, reply }: CommandContext): Promise<void> {
  await reply(renderSimilar(service.similar(member.id, options.string('anime') ?? '', options.integer('count'))));
}

export async function autocomplete({ service, focused }: AutocompleteContext) {
  return service.suggestTitles(focused.value);
}
