/** /seasonal [season] [count] — the anime of a season (this one by default), ranked for the member. */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interfaces/command.js';
import { renderSeasonal } from '../src/interfaces/render.js';

export const data = new SlashCommandBuilder()
  .setName('seasonal')
  .setDescription("This season's anime, ranked for your taste")
  .addStringOption((o) => o.setName('season').setDescription('e.g. "winter 2026", "fall", "next" (default: this season)'))
  .addIntegerOption((o) => o.setName('count').setDescription('How many (1-25, default 10)').setMinValue(1).setMaxValue(25));

export async function execute({ service, member, options, reply }: CommandContext): Promise<void> {
  await reply(renderSeasonal(await service.seasonal(member.id, options.string('season'), options.integer('count'))));
}
