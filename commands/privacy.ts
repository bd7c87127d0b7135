/** /privacy [lists:visible|hidden] — leave (or rejoin) /twins, /affinity and the other server lists. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderPrivacy } from '../src/interfaces/renderGroups.js';
import { InvalidOptionError } from '../src/errors.js';

const CHOICES = ['visible', 'hidden'] as const;

export const data = new SlashCommandBuilder()
  .setName('privacy')
  .setDescription('Leave or rejoin /twins, /affinity and the server lists (shows your choice when left empty)')
  .addStringOption((o) =>
    o
      .setName('lists')
      .setDescription('hidden: nobody finds you in the lists; visible: back in')
      .addChoices(...CHOICES.map((c) => ({ name: c, value: c }))),
  );

export async function execute({ service, member, options, reply }: CommandContext): Promise<void> {
  const wanted = options.string('lists')?.trim().toLowerCase();
  if (wanted === undefined || wanted === '') {
    const [state] = await service.members([member.id]);
    return reply(renderPrivacy(state?.record.hidden === true, false));
  }
  if (!(CHOICES as readonly string[]).includes(wanted)) throw new InvalidOptionError('lists', `choose ${CHOICES.join(' or ')}`);
  await reply(renderPrivacy(await service.setHidden(member.id, wanted === 'hidden'), true));
}
