/** /forget-me — deletes everything stored about the member, after they press Confirm. */
import { SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions, toUpdateOptions } from '../src/interfaces/discord/embeds.js';
import { renderForgetCancelled, renderForgetPrompt, renderForgotten, renderNotYours } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder().setName('forget-me').setDescription('Delete all your ratings and your taste profile');

export async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
  await interaction.reply(toReplyOptions(renderForgetPrompt(interaction.user.id)));
}

/** customId `forget-me:<userId>:confirm|cancel`. */
export async function button(interaction: ButtonInteraction, { service }: CommandContext, [owner, action]: string[]): Promise<void> {
  if (owner !== interaction.user.id) {
    await interaction.reply(toReplyOptions(renderNotYours()));
    return;
  }
  if (action === 'confirm') {
    await interaction.update(toUpdateOptions(renderForgotten(await service.forget(owner))));
  } else if (action === 'cancel') {
    await interaction.update(toUpdateOptions(renderForgetCancelled()));
  } else {
    throw new Error(`unknown /forget-me action "${action}"`);
  }
}
