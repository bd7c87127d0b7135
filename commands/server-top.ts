/** /server-top [count] — this server's favourites from its members' ratings. */
import { SlashCommandBuilder } from 'discord.js';
import { requireGuild, type CommandContext } from '../src/interfaces/command.js';
import { renderServerTop } from '../src/interfaces/renderGroups.js';

export const data = new SlashCommandBuilder()
  .setName('server-top')
  .setDescription("This server's favourite anime, from its members' ratings")
  .addIntegerOption((o) => o.setName('count').setDescription('How many (1-25, default 10)').setMinValue(1).setMaxValue(25));

export async function execute(context: CommandContext): Promise<void> {
  // The first whole-server command loads every member of the server, which may outlast Discord's 3 s.
  if (context.guild !== null && !context.service.groups.loaded(context.guild.id)) await context.defer();
  const result = await context.service.groups.serverTop(requireGuild(context), context.options.integer('count'));
  await context.reply(renderServerTop(result));
}
