/** /twins — the five members of this server whose tastes are closest to yours. */
import { SlashCommandBuilder } from 'discord.js';
import { requireGuild, type CommandContext } from '../src/interfaces/command.js';
import { renderTwins } from '../src/interfaces/renderGroups.js';

export const data = new SlashCommandBuilder().setName('twins').setDescription('The members of this server whose tastes are closest to yours');

export async function execute(context: CommandContext): Promise<void> {
  // The first whole-server command loads every member of the server, which may outlast Discord's 3 s.
  if (context.guild !== null && !context.service.groups.loaded(context.guild.id)) await context.defer();
  const result = await context.service.groups.twins(requireGuild(context), context.member.id);
  await context.reply(renderTwins(result, context.label));
}
