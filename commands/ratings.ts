/** /ratings — the member's ratings, 10 per page, with Previous/Next buttons only they can press. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderNotYours, renderRatingsPage } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder().setName('ratings').setDescription('The anime you have rated');

// A key read: no allowance taken.
export const limited = false;

export async function execute({ service, member, reply }: CommandContext): Promise<void> {
  await reply(renderRatingsPage(member.id, await service.listRatings(member.id, 1)));
}

/** customId `ratings:<userId>:<page>`. */
export async function button({ service, member, reply, update }: CommandContext, [owner, page]: string[]): Promise<void> {
  if (owner !== member.id) return reply(renderNotYours());
  await update(renderRatingsPage(owner, await service.listRatings(owner, Number(page))));
}
