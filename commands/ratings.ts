/** /ratings — the member's ratings, 10 per page, with Previous/Next buttons only they can press. */
import { SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from '../src/interfaces/discord/command.js';
import { toReplyOptions, toUpdateOptions } from '../src/interfaces/discord/embeds.js';
import { renderNotYours, renderRatingsPage } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder().setName('ratings').setDescription('The anime you have rated');

export async function execute(interaction: ChatInputCommandInteraction, { service }: CommandContext): Promise<void> {
  const page = await service.listRatings(interaction.user.id, 1);
  await interaction.reply(toReplyOptions(renderRatingsPage(interaction.user.id, page)));
}

/** customId `ratings:<userId>:<page>`. */
export async function button(interaction: ButtonInteraction, { service }: CommandContext, [owner, page]: string[]): Promise<void> {
  if (owner !== interaction.user.id) {
    await interaction.reply(toReplyOptions(renderNotYours()));
    return;
  }
  const result = await service.listRatings(owner, Number(page));
  await interaction.update(toUpdateOptions(renderRatingsPage(owner, result)));
}
