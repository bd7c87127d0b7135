/**
 * Loads every command module of commands/ (the discord.js guide's loader), for the bot, the console and
 * deploy-commands alike: a module counts only when it exports `data` (with a name) and `execute`; any
 * other file is named in `rejected` so a typo never goes silent.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from './command.js';

export interface CommandRegistry {
  commands: Map<string, Command>;
  /** `file: reason` for each file that is not a command. */
  rejected: string[];
}

/** commands/ at the repository root (dist/commands once built). */
export const COMMANDS_DIR = fileURLToPath(new URL('../../commands/', import.meta.url));

function isCommandFile(name: string): boolean {
  return /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts');
}

export async function loadCommands(dir: string = COMMANDS_DIR): Promise<CommandRegistry> {
  const commands = new Map<string, Command>();
  const rejected: string[] = [];
  for (const file of readdirSync(dir).filter(isCommandFile).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<Command>;
    const name = mod.data?.name;
    if (typeof name !== 'string' || typeof mod.data?.toJSON !== 'function' || typeof mod.execute !== 'function') {
      rejected.push(`${file}: does not export both "data" and "execute"`);
      continue;
    }
    if (commands.has(name)) {
      rejected.push(`${file}: a second command named "${name}"`);
      continue;
    }
    commands.set(name, mod as Command);
  }
  return { commands, rejected };
}
