/**
 * The interface-neutral CommandContext (../command.ts) for a Discord interaction: options read through
 * discord.js, replies converted by embeds.ts, mentions taken from the interaction's resolved data, a
 * voice channel's members from the guild's voice states.
 */
import { ChannelType, type ButtonInteraction, type ChatInputCommandInteraction, type Guild } from 'discord.js';
import type { Logger } from '../../log.js';
import type { AnirecService } from '../../service/index.js';
import type { CommandContext, CommandOptions, MemberRef } from '../command.js';
import type { ReplyView } from '../render.js';
import { fetchAttachment } from './attachment.js';
import { toReplyOptions, toUpdateOptions } from './embeds.js';

export const mention = (id: string): string => `<@${id}>`;
const ref = (id: string): MemberRef => ({ id, label: mention(id) });

const MENTION = /<@!?(\d{15,21})>/g;

function voiceMembersOf(guild: Guild | null, channelId: string): MemberRef[] {
  if (guild === null) return [];
  // Voice states arrive with GUILD_CREATE and VOICE_STATE_UPDATE (GuildVoiceStates intent); no member fetch needed.
  return [...guild.voiceStates.cache.values()].filter((s) => s.channelId === channelId && s.member?.user.bot !== true).map((s) => ref(s.id));
}

function optionsOf(interaction: ChatInputCommandInteraction): CommandOptions {
  const o = interaction.options;
  return {
    string: (name) => o.getString(name),
    integer: (name) => o.getInteger(name),
    member: (name) => {
      const user = o.getUser(name);
      return user === null ? null : ref(user.id);
    },
    mentions: (name) => {
      const text = o.getString(name) ?? '';
      const users = o.resolved?.users;
      const out: MemberRef[] = [];
      for (const match of text.matchAll(MENTION)) {
        // Only what Discord resolved counts: a typed-out id of someone else is not a mention.
        const user = users?.get(match[1]!);
        if (user !== undefined && !user.bot) out.push(ref(user.id));
      }
      return out;
    },
    voiceMembers: (name) => {
      const channel = o.getChannel(name);
      if (channel === null) return null;
      if (channel.type !== ChannelType.GuildVoice && channel.type !== ChannelType.GuildStageVoice) return [];
      return voiceMembersOf(interaction.guild, channel.id);
    },
    file: (name) => {
      const attachment = o.getAttachment(name);
      if (attachment === null) return null;
      return { name: attachment.name, size: attachment.size, read: (maxBytes) => fetchAttachment(attachment.url, maxBytes, attachment.size) };
    },
  };
}

const NO_OPTIONS: CommandOptions = {
  string: () => null,
  integer: () => null,
  member: () => null,
  mentions: () => [],
  voiceMembers: () => null,
  file: () => null,
};

function editOptions(view: ReplyView) {
  // An edit keeps the flags of the deferred reply; sending them again is refused.
  const { flags: _flags, ...rest } = toReplyOptions(view);
  return rest;
}

/** The CommandContext of an interaction, and what only Discord needs: deferring by itself when the answer is late. */
export interface DiscordCommandContext extends CommandContext {
  /**
   * Defers the answer if the command has not answered within `ms` (Discord drops an interaction not
   * answered within 3 s, though the work goes on: a /rate would be saved and the member told it failed).
   * Returns the function that disarms it.
   */
  deferAfter(ms: number): () => void;
  /** Resolves once a defer in flight is done (an answer must not race it). */
  settled(): Promise<void>;
}

export function discordContext(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  deps: { service: AnirecService; log: Logger },
): DiscordCommandContext {
  let deferring: Promise<void> | undefined;
  const deferNow = (ephemeral: boolean) => {
    deferring ??= interaction.deferReply(ephemeral ? { flags: 'Ephemeral' } : {}).then(() => undefined);
    return deferring;
  };
  return {
    ...deps,
    deferAfter(ms) {
      const timer = setTimeout(() => {
        if (interaction.replied || interaction.deferred || deferring !== undefined) return;
        // Private: most late answers are (a saved rating, an error), and a public one then shows only to the member.
        deferNow(true).catch((error: unknown) => deps.log.warn(`could not defer the answer: ${error instanceof Error ? error.message : String(error)}`));
      }, ms);
      return () => clearTimeout(timer);
    },
    async settled() {
      await deferring?.catch(() => undefined);
    },
    options: interaction.isChatInputCommand() ? optionsOf(interaction) : NO_OPTIONS,
    member: ref(interaction.user.id),
    guild: interaction.guildId === null ? null : { id: interaction.guildId },
    label: mention,
    async reply(view) {
      await deferring?.catch(() => undefined);
      if (interaction.deferred) await interaction.editReply(editOptions(view));
      else await interaction.reply(toReplyOptions(view));
    },
    async defer(options = {}) {
      await deferNow(options.ephemeral === true);
    },
    async update(view) {
      if (!interaction.isButton()) throw new Error('update() answers a button');
      await interaction.update(toUpdateOptions(view));
    },
  };
}
