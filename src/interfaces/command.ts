/**
 * One command, every front-end. A module under commands/ exports `data` (a SlashCommandBuilder: the
 * options, declared once) and `execute` (plus `autocomplete` and `button` where it has them), written
 * against the small interface-neutral context below. Discord (discord/context.ts), the console and
 * deploy-commands all read the same modules; a new command is one new file in commands/.
 */
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AnirecService, Choice } from '../service/index.js';
import type { ReplyView } from './render.js';

/** A member as a reply names them: `<@id>` on Discord (never pings: mentions are off), the local name in the console. */
export interface MemberRef {
  id: string;
  label: string;
}

/** A file an option carries (a Discord attachment, a local path in the console). */
export interface FileOption {
  name: string;
  /** Declared size in bytes, when the front-end knows it before reading. */
  size?: number;
  /** Reads the file (download or disk); called only once the command decided to go ahead. */
  read(maxBytes: number): Promise<Uint8Array>;
}

/**
 * Option values by the names `data` declares. The console passes what was typed as text, Discord its
 * typed values; the resolvers in service/resolvers.ts accept both and give the same errors.
 */
export interface CommandOptions {
  string(name: string): string | null;
  integer(name: string): number | string | null;
  /** A user option (Discord) or a local member's name (console). */
  member(name: string): MemberRef | null;
  /** Every member mentioned in a string option (Discord: the mentions resolved in the interaction's data). */
  mentions(name: string): MemberRef[];
  /** The members in the voice channel a channel option names; null when the option was not given. */
  voiceMembers(name: string): MemberRef[] | null;
  file(name: string): FileOption | null;
}

export interface CommandContext {
  service: AnirecService;
  log: Logger;
  options: CommandOptions;
  /** Who ran the command. */
  member: MemberRef;
  /** Where: the Discord server, the console's local server; null in a DM. */
  guild: { id: string } | null;
  /** Names any member id as this front-end shows members. */
  label(memberId: string): string;
  /** The answer (after `defer`, it replaces the "thinking" message). */
  reply(view: ReplyView): Promise<void>;
  /** Work that may outlast Discord's 3 s answer window follows. */
  defer(options?: { ephemeral?: boolean }): Promise<void>;
  /** From a button: replaces the message the button sits on. */
  update(view: ReplyView): Promise<void>;
}

export interface AutocompleteContext {
  service: AnirecService;
  member: MemberRef;
  /** The option being typed and what was typed so far. */
  focused: { name: string; value: string };
}

export interface Command {
  data: { name: string; description: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(context: CommandContext): Promise<void>;
  autocomplete?(context: AutocompleteContext): Promise<Choice[]>;
  /** false: runCommand does not record the use: the command does it in its own write (/rate), or must not (/forget-me). */
  recordsUse?: boolean;
  /**
   * false: the command costs no more than a key read or a write of the member's own record, so it takes
   * nothing from the per-member and per-server limits (or, like /import, has a limit of its own).
   */
  limited?: boolean;
  /** Buttons whose customId starts with `<command name>:`; `args` are the parts after it. */
  button?(context: CommandContext, args: string[]): Promise<void>;
}

/** The server a command compares members in; a DM gets a clear answer instead. */
export function requireGuild(context: Pick<CommandContext, 'guild'>): string {
  if (context.guild === null) throw new InvalidOptionError('server', 'this works inside a server, where members can be compared');
  return context.guild.id;
}
