/** /import file:<MyAnimeList export> — turns a list export (XML or .xml.gz) into ratings. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderImported } from '../src/interfaces/render.js';
import { InputFileError } from '../src/errors.js';
import { MAX_IMPORT_BYTES } from '../src/recommender/malImport.js';

export const data = new SlashCommandBuilder()
  .setName('import')
  .setDescription('Import your MyAnimeList list export (.xml or .xml.gz)')
  .addAttachmentOption((o) => o.setName('file').setDescription('The file from myanimelist.net/panel.php?go=export').setRequired(true));

export async function execute({ service, member, options, defer, reply }: CommandContext): Promise<void> {
  const file = options.file('file');
  if (file === null) throw new InputFileError('(none)', 'give your MyAnimeList export, e.g. /import animelist.xml');
  // Downloading may take longer than Discord's 3 s answer window.
  await defer({ ephemeral: true });
  await reply(renderImported(await service.importList(member.id, () => file.read(MAX_IMPORT_BYTES))));
}
