/** /watch-party members:<mentions> [voice:<channel>] — anime none of 2-10 members has seen, ranked for the group. */
import { ChannelType, SlashCommandBuilder } from 'discord.js';
import { requireGuild, type CommandContext } from '../src/interfaces/command.js';
import { renderWatchParty } from '../src/interfaces/renderGroups.js';
import { InvalidOptionError } from '../src/errors.js';
import { PARTY_MAX, PARTY_MIN } from '../src/service/groups/partyRanking.js';

export const data = new SlashCommandBuilder()
  .setName('watch-party')
  .setDescription(`Anime for ${PARTY_MIN}-${PARTY_MAX} people to watch together (you count as one)`)
  .addStringOption((o) => o.setName('members').setDescription('Mention who watches with you, e.g. @ann @bo'))
  .addChannelOption((o) => o.setName('voice').setDescription('Or everyone in this voice channel').addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice));

export async function execute(context: CommandContext): Promise<void> {
  const guildId = requireGuild(context);
  const { options, member } = context;
  const ids = [...new Set([member.id, ...options.mentions('members').map((m) => m.id), ...(options.voiceMembers('voice') ?? []).map((m) => m.id)])];
  if (ids.length < PARTY_MIN || ids.length > PARTY_MAX) {
    throw new InvalidOptionError('members', `a watch party is ${PARTY_MIN} to ${PARTY_MAX} people including you (got ${ids.length}): mention the others, or pick a voice channel`);
  }
  const result = await context.service.groups.watchParty(guildId, ids);
  await context.reply(renderWatchParty(result, context.label));
}
