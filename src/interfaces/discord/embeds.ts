/**
 * Converts the interface-neutral replies of render.ts into discord.js message options. Every message
 * carries allowedMentions { parse: [] }: an option holding @everyone is echoed without pinging anyone.
 */
import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
} from 'discord.js';
import { LIMITS, truncate, type ButtonView, type EmbedView, type ReplyView } from '../render.js';

export const NO_MENTIONS = { parse: [] as [] };
const EMBED_COLOUR = 0x2e51a2; // MyAnimeList blue
const FOOTER_MAX = 2048;

const STYLES: Record<ButtonView['style'], ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

/**
 * Plain API JSON rather than EmbedBuilder: the builder re-validates every field on every reply (a few
 * percent of the bot's time under load); render.ts already keeps each part within Discord's limits,
 * and the lengths are capped here once more.
 */
export function toEmbed(view: EmbedView): APIEmbed {
  const embed: APIEmbed = { title: truncate(view.title, LIMITS.title), color: EMBED_COLOUR };
  if (view.url) embed.url = view.url;
  if (view.thumbnail) embed.thumbnail = { url: view.thumbnail };
  if (view.description) embed.description = truncate(view.description, LIMITS.description);
  if (view.fields && view.fields.length > 0) {
    embed.fields = view.fields.slice(0, LIMITS.fields).map((f) => ({
      name: truncate(f.name, LIMITS.fieldName),
      value: truncate(f.value, LIMITS.fieldValue),
      inline: f.inline ?? false,
    }));
  }
  if (view.footer) embed.footer = { text: truncate(view.footer, FOOTER_MAX) };
  return embed;
}

function toComponents(buttons: ButtonView[] | undefined): APIActionRowComponent<APIButtonComponent>[] | undefined {
  if (buttons === undefined) return undefined;
  if (buttons.length === 0) return [];
  const row: APIActionRowComponent<APIButtonComponent> = {
    type: ComponentType.ActionRow,
    components: buttons.map((b) => ({ type: ComponentType.Button, custom_id: b.customId, label: b.label, style: STYLES[b.style], disabled: b.disabled ?? false })),
  };
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
