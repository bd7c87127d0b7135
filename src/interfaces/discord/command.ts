/**
 * The shape of one slash command module under commands/ (the discord.js guide's `data` + `execute`, plus
 * `autocomplete` where an option autocompletes and `button` for the command's own buttons). Commands stay
 * thin: read options, call one service method, render.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Logger } from '../../log.js';
import type { AnirecService } from '../../recommender/service.js';

/** What every handler gets besides the interaction. */
export interface CommandContext {
  service: AnirecService;
  log: Logger;
}

export interface BotCommand {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: CommandContext): Promise<void>;
  /** Handles buttons whose customId starts with `<command name>:`; `args` are the parts after it. */
  button?(interaction: ButtonInteraction, context: CommandContext, args: string[]): Promise<void>;
}
