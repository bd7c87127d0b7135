/**
 * Converts the interface-neutral replies of render.ts into discord.js message options. Every message
 * carries allowedMentions { parse: [] }: an option holding @everyone is echoed without pinging anyone.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  MessageFlags,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
} from 'discord.js';
import { LIMITS, truncate, type ButtonView, type EmbedView, type ReplyView } from '../render.js';

export const NO_MENTIONS = { parse: [] as [] };
const EMBED_COLOUR = 0x2e51a2; // MyAnimeList blue

const STYLES: Record<ButtonView['style'], ButtonStyle> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

export function toEmbed(view: EmbedView): EmbedBuilder {
  const embed = new EmbedBuilder().setTitle(truncate(view.title, LIMITS.title)).setColor(EMBED_COLOUR);
  if (view.url) embed.setURL(view.url);
  if (view.description) embed.setDescription(truncate(view.description, LIMITS.description));
  if (view.fields && view.fields.length > 0) embed.addFields(view.fields.map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? false })));
  if (view.footer) embed.setFooter({ text: view.footer });
  return embed;
}

function toComponents(buttons: ButtonView[] | undefined): ActionRowBuilder<ButtonBuilder>[] | undefined {
  if (buttons === undefined) return undefined;
  if (buttons.length === 0) return [];
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    buttons.map((b) => new ButtonBuilder().setCustomId(b.customId).setLabel(b.label).setStyle(STYLES[b.style]).setDisabled(b.disabled ?? false)),
  );
  return [row];
}

/** Options for reply / followUp. */
export function toReplyOptions(view: ReplyView): InteractionReplyOptions {
  const components = toComponents(view.buttons);
  return {
    content: view.content === undefined ? undefined : truncate(view.content, LIMITS.content),
    embeds: (view.embeds ?? []).map(toEmbed),
    ...(components !== undefined ? { components } : {}),
    ...(view.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    allowedMentions: NO_MENTIONS,
  };
}

/** Options for editing the message a button sits on (ButtonInteraction.update). */
export function toUpdateOptions(view: ReplyView): InteractionUpdateOptions {
  return {
    content: view.content === undefined ? '' : truncate(view.content, LIMITS.content),
    embeds: (view.embeds ?? []).map(toEmbed),
    components: toComponents(view.buttons) ?? [],
    allowedMentions: NO_MENTIONS,
  };
}
