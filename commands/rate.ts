/** /rate anime:<title> score:<1-10> — records (or replaces) a rating and folds the member in again. */
import { SlashCommandBuilder } from 'discord.js';
import type { AutocompleteContext, CommandContext } from '../src/interfaces/command.js';
import { renderRated } from '../src/interfaces/render.js';
import { resolveScore } from '../src/service/resolvers.js';

export const data = new SlashCommandBuilder()
  .setName('rate')
  .setDescription('Rate an anime from 1 to 10 (rating it again replaces your score)')
  .addStringOption((o) => o.setName('anime').setDescription('Title of the anime').setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) => o.setName('score').setDescription('Your score, 1 to 10').setRequired(true).setMinValue(1).setMaxValue(10));

/** The rating's own write names the server (one store write per /rate): runCommand need not record the use. */
export const recordsUse = false;

export async function execute({ service, member, guild, options, reply }: CommandContext): Promise<void> {
  const score = resolveScore(options.integer('score'));
  await reply(renderRated(await service.rate(member.id, options.string('anime') ?? '', score, { guildId: guild?.id ?? null })));
}

export async function autocomplete({ service, focused }: AutocompleteContext) {
  return service.suggestTitles(focused.value);
}
