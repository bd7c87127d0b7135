/** /import file:<MyAnimeList export> — turns a list export (XML or .xml.gz) into ratings. */
import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { fetchAttachment } from '../src/interfaces/discord/attachment.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions } from '../src/interfaces/discord/embeds.js';
import { renderImported } from '../src/interfaces/render.js';
import { MAX_IMPORT_BYTES } from '../src/recommender/malImport.js';

export const data = new SlashCommandBuilder()
  .setName('import')
  .setDescription('Import your MyAnimeList list export (.xml or .xml.gz)')
  .addAttachmentOption((o) => o.setName('file').setDescription('The file from myanimelist.net/panel.php?go=export').setRequired(true));

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const file = interaction.options.getAttachment('file', true);
  // Downloading may take longer than Discord's 3 s answer window.
  await interaction.deferReply({ flags: 'Ephemeral' });
  const result = await service.importList(interaction.user.id, () => fetchAttachment(file.url, MAX_IMPORT_BYTES, file.size));
  const { content } = toReplyOptions(renderImported(result));
  await interaction.editReply({ content: content ?? '', allowedMentions: { parse: [] } });
}
