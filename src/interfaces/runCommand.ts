/**
 * What every front-end does around a command: run the handler, then note that the member used the bot in
 * this server (what /twins and /affinity are limited to). Only a command that worked counts, so bad input
 * still stores nothing. Failures are the front-end's to answer.
 */
import type { Command, CommandContext } from './command.js';

/** Records the use (never throws: a failure is logged and the next command retries). */
export async function noteUse(command: Command, context: CommandContext): Promise<void> {
  if (context.guild === null || command.recordsUse === false) return;
  try {
    await context.service.noteGuildUse(context.member.id, context.guild.id);
  } catch (error) {
    // The command itself must not fail because this bookkeeping could not be written; the next command retries.
    context.log.warn(`could not record that ${context.member.id} used the bot in ${context.guild.id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function runCommand(command: Command, context: CommandContext): Promise<void> {
  await command.execute(context);
  await noteUse(command, context);
}

export async function runButton(command: Command, context: CommandContext, args: string[]): Promise<void> {
  if (command.button === undefined) throw new Error(`/${command.data.name} has no buttons`);
  await command.button(context, args);
  await noteUse(command, context);
}
