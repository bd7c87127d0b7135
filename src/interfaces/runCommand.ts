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

/** Spends the member's and the server's command allowance, before anything is resolved or read. */
export function takeAllowance(command: Command, context: CommandContext): void {
  if (command.limited !== false) context.service.takeCommand(context.member.id, context.guild?.id ?? null);
}

export async function runCommand(command: Command, context: CommandContext): Promise<void> {
  takeAllowance(command, context);
  await command.execute(context);
  await noteUse(command, context);
}

/**
 * A button's customId, `<command>:<owner id>:<argument>`, read back. The owner id may hold ':' itself (the
 * console's local members are `console:<name>`), so the argument is what follows the last ':'.
 */
export function parseButtonId(customId: string): { name: string; args: string[] } {
  const first = customId.indexOf(':');
  const last = customId.lastIndexOf(':');
  if (first < 0) return { name: customId, args: [] };
  if (first === last) return { name: customId.slice(0, first), args: [customId.slice(first + 1)] };
  return { name: customId.slice(0, first), args: [customId.slice(first + 1, last), customId.slice(last + 1)] };
}

export async function runButton(command: Command, context: CommandContext, args: string[]): Promise<void> {
  if (command.button === undefined) throw new Error(`/${command.data.name} has no buttons`);
  await command.button(context, args);
  await noteUse(command, context);
}
