/**
 * The one place that finds a command for an interaction and catches its failures (guide, Yuudachi).
 * AnirecError -> its message for people, ephemeral; anything else -> logged, short apology. Autocomplete
 * failures answer an empty list (Discord allows no error there). Buttons route by customId prefix.
 */
import type { BaseInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { isAnirecError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AnirecService } from '../../service/index.js';
import type { Command } from '../command.js';
import { renderError } from '../render.js';
import { noteUse, parseButtonId, runButton, takeAllowance } from '../runCommand.js';
import { discordContext } from './context.js';
import { toReplyOptions } from './embeds.js';

/** What every handler gets besides the interaction. */
export interface DispatchDeps {
  service: AnirecService;
  log: Logger;
}

/** Discord drops an interaction not answered within 3 s: a command still working after this defers. */
export const DEFER_AFTER_MS = 2000;

export interface DispatcherOptions {
  commands: Map<string, Command>;
  context: DispatchDeps;
  /** Milliseconds before a command that has not answered defers (default DEFER_AFTER_MS; tests shorten it). */
  deferAfterMs?: number;
  /** Told about every slash command once answered: outcome 'ok' or the error's code ('internal' if not ours). */
  observe?: (command: string, outcome: string, seconds: number) => void;
}

async function answerError(interaction: ChatInputCommandInteraction | ButtonInteraction, error: unknown, context: DispatchDeps, settled?: () => Promise<void>): Promise<void> {
  const where = interaction.isChatInputCommand() ? `/${interaction.commandName}` : `button ${interaction.customId}`;
  if (!isAnirecError(error)) context.log.error(`${where} by ${interaction.user.id} failed`, error);
  else if (error.code.startsWith('store_')) context.log.error(`${where} by ${interaction.user.id}: ${error.message}`, error.cause);
  else context.log.info(`${where} by ${interaction.user.id}: ${error.code}: ${error.message}`);
  const options = toReplyOptions(renderError(error));
  try {
    await settled?.();
    if (interaction.replied || interaction.deferred) await interaction.followUp(options);
    else await interaction.reply(options);
  } catch (replyError) {
    context.log.error(`could not tell ${interaction.user.id} about the failure of ${where}`, replyError);
  }
}

/** Returns the interactionCreate listener. */
export function createDispatcher(options: DispatcherOptions): (interaction: BaseInteraction) => Promise<void> {
  const { commands, context } = options;
  return async (interaction) => {
    if (interaction.isAutocomplete()) {
      const command = commands.get(interaction.commandName);
      try {
        if (command?.autocomplete === undefined) throw new Error(`no autocomplete for /${interaction.commandName}`);
        const focused = interaction.options.getFocused(true);
        const choices = await command.autocomplete({ service: context.service, member: { id: interaction.user.id, label: interaction.user.id }, focused: { name: focused.name, value: String(focused.value) } });
        await interaction.respond(choices);
      } catch (error) {
        context.log.debug(`autocomplete of /${interaction.commandName} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
      }
      return;
    }
    if (interaction.isChatInputCommand()) {
      const started = performance.now();
      const command = commands.get(interaction.commandName);
      let outcome = 'ok';
      const commandContext = discordContext(interaction, context);
      const disarm = commandContext.deferAfter(options.deferAfterMs ?? DEFER_AFTER_MS);
      try {
        if (command === undefined) throw new Error(`unknown command /${interaction.commandName}`);
        takeAllowance(command, commandContext);
        await command.execute(commandContext);
        disarm();
        context.log.debug(`/${interaction.commandName} by ${interaction.user.id} in ${(performance.now() - started).toFixed(1)} ms`);
        // After the answer and its log line: the member is not kept waiting for this bookkeeping.
        await noteUse(command, commandContext);
      } catch (error) {
        disarm();
        outcome = isAnirecError(error) ? error.code : 'internal';
        await answerError(interaction, error, context, commandContext.settled);
      }
      options.observe?.(interaction.commandName, outcome, (performance.now() - started) / 1000);
      return;
    }
    if (interaction.isButton()) {
      const { name, args } = parseButtonId(interaction.customId);
      const command = commands.get(name ?? '');
      try {
        if (command?.button === undefined) throw new Error(`no handler for button ${interaction.customId}`);
        await runButton(command, discordContext(interaction, context), args);
      } catch (error) {
        await answerError(interaction, error, context);
      }
    }
  };
}
