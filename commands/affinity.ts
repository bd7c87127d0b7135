/** /affinity member:<user> — how close two members' tastes are (MyAnimeList's figure, else the model's estimate). */
import { SlashCommandBuilder } from 'discord.js';
import { requireGuild, type CommandContext } from '../src/interfaces/command.js';
import { renderAffinity } from '../src/interfaces/renderGroups.js';
import { InvalidOptionError } from '../src/errors.js';

export const data = new SlashCommandBuilder()
  .setName('affinity')
  .setDescription('How close your taste is to another member of this server')
  .addUserOption((o) => o.setName('member').setDescription('Who to compare with').setRequired(true));

export async function execute(context: CommandContext): Promise<void> {
  const guildId = requireGuild(context);
  const other = context.options.member('member');
  if (other === null) throw new InvalidOptionError('member', 'name the member to compare with');
  const result = await context.service.groups.affinity(guildId, context.member.id, other);
  await context.reply(renderAffinity(result, other.label));
}
