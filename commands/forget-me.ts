/** /forget-me — deletes everything stored about the member, after they press Confirm. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderForgetCancelled, renderForgetPrompt, renderForgotten, renderNotYours } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder().setName('forget-me').setDescription('Delete all your ratings, your taste profile and your server lists');

// Pressing Confirm must leave nothing behind, not even the note that the member used the bot here.
export const recordsUse = false;

export async function execute({ member, reply }: CommandContext): Promise<void> {
  await reply(renderForgetPrompt(member.id));
}

/** customId `forget-me:<userId>:confirm|cancel`. */
export async function button({ service, member, reply, update }: CommandContext, [owner, action]: string[]): Promise<void> {
  if (owner !== member.id) return reply(renderNotYours());
  if (action === 'confirm') return update(renderForgotten(await service.forget(owner)));
  if (action === 'cancel') return update(renderForgetCancelled());
  throw new Error(`unknown /forget-me action "${action}"`);
}
