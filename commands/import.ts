/** /import anilist:<user> | mal:<user> | file:<MyAnimeList export> — a member's list becomes their ratings. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderImported } from '../src/interfaces/render.js';
import { MAX_IMPORT_BYTES } from '../src/data/lists/malExport.js';
import { chooseImportSource } from '../src/data/lists/index.js';

export const data = new SlashCommandBuilder()
  .setName('import')
  .setDescription('Import your anime list from AniList or MyAnimeList (replaces your earlier import from there)')
  // file first: the console gives it the positional text (`/import animelist.xml`), as before.
  .addAttachmentOption((o) => o.setName('file').setDescription('Your MyAnimeList export from myanimelist.net/panel.php?go=export (.xml or .xml.gz)'))
  .addStringOption((o) => o.setName('anilist').setDescription('Or your AniList user name (the list must be public)').setMaxLength(20))
  .addStringOption((o) => o.setName('mal').setDescription('Or your MyAnimeList user name (the list must be public)').setMaxLength(20));

// Imports have their own, stricter limit (3 per member, 30 per server every 10 minutes).
export const limited = false;

export async function execute({ service, member, guild, options, defer, reply }: CommandContext): Promise<void> {
  const file = options.file('file');
  const choice = chooseImportSource({ file: file !== null, anilist: options.string('anilist'), mal: options.string('mal') });
  // Fetching a list or a file may take longer than Discord's 3 s answer window.
  await defer({ ephemeral: true });
  const source = choice.kind === 'list' ? { list: choice.list, user: choice.user } : () => file!.read(MAX_IMPORT_BYTES);
  await reply(renderImported(await service.importList(member.id, source, { guildId: guild?.id ?? null })));
}
