/**
 * A local console for trying the bot without Discord: the same command modules (commands/), the same
 * service and renderers as the slash commands. Reads lines (works with a pipe, ends at EOF), prints
 * replies as text. Options are written `name:value` as in Discord, or positionally (`/rate Steins;Gate 9`);
 * buttons are pressed by typing their label. Members are local names: `/as alice` acts as alice, and
 * `/affinity member:bob` names another local member. Everything happens in one local server.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord.js';
import { InputFileError, InvalidOptionError, isAnirecError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { AnirecService } from '../service/index.js';
import type { Command, CommandContext, CommandOptions, MemberRef } from './command.js';
import { loadCommands } from './commandRegistry.js';
import { renderError, renderText, type ButtonView, type ReplyView } from './render.js';
import { parseButtonId, runButton, runCommand } from './runCommand.js';

/** The console's one local server (what /twins, /watch-party and /server-top look at). */
export const CONSOLE_GUILD = 'console';
const LOCAL_PREFIX = 'console:';
const NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;

export interface ParsedLine {
  command: string;
  /** Text not claimed by a `name:` option, trimmed. */
  positional: string;
  options: Record<string, string>;
}

/** The option names of each command, as `data` declares them. */
export function optionNames(commands: Map<string, Command>): Record<string, readonly string[]> {
  return Object.fromEntries([...commands].map(([name, c]) => [name, declaredOptions(c).map((o) => o.name)]));
}

function declaredOptions(command: Command): APIApplicationCommandOption[] {
  return command.data.toJSON().options ?? [];
}

/**
 * Splits `/name rest` and pulls out `option:value` pairs for the option names the command knows (so a
 * title such as "Re:Zero" stays a title). A value runs until the next known option.
 */
export function parseConsoleLine(line: string, knownOptions: Record<string, readonly string[]>): ParsedLine {
  const trimmed = line.trim().replace(/^\//, '');
  const space = trimmed.search(/\s/);
  const command = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  const names = knownOptions[command] ?? [];
  if (names.length === 0) return { command, positional: rest.trim(), options: {} };
  const pattern = new RegExp(`(^|\\s)(${names.join('|')}):`, 'gi');
  const marks = [...rest.matchAll(pattern)].map((m) => ({ name: m[2]!.toLowerCase(), start: m.index!, valueStart: m.index! + m[0].length }));
  const options: Record<string, string> = {};
  for (let i = 0; i < marks.length; i++) {
    options[marks[i]!.name] = rest.slice(marks[i]!.valueStart, marks[i + 1]?.start ?? rest.length).trim();
  }
  return { command, positional: rest.slice(0, marks[0]?.start ?? rest.length).trim(), options };
}

const NUMERIC = new Set([ApplicationCommandOptionType.Integer, ApplicationCommandOptionType.Number]);

/**
 * Gives the positional text to the options not named: the first takes it, except that required numbers
 * declared after a text option take one word each from the end (`/rate Steins;Gate 9`).
 */
export function assignPositional(parsed: ParsedLine, declared: readonly APIApplicationCommandOption[]): Record<string, string> {
  const values = { ...parsed.options };
  const unnamed = declared.filter((o) => values[o.name] === undefined);
  let text = parsed.positional;
  if (text === '' || unnamed.length === 0) return values;
  const [first, ...after] = unnamed;
  if (!NUMERIC.has(first!.type)) {
    for (const option of after.filter((o) => NUMERIC.has(o.type) && o.required === true).reverse()) {
      const match = /^(.*\S)\s+(\S+)$/.exec(text);
      if (match === null) break;
      values[option.name] = match[2]!;
      text = match[1]!;
    }
  }
  values[first!.name] = text;
  return values;
}

const TYPE_HINT: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.User]: 'member',
  [ApplicationCommandOptionType.Channel]: 'voice channel',
  [ApplicationCommandOptionType.Attachment]: 'path',
  [ApplicationCommandOptionType.Integer]: 'N',
};

/** /help, generated from the command definitions. */
export function consoleHelp(commands: Map<string, Command>): string {
  const lines = ['Commands (options as name:value, or positional):'];
  for (const command of [...commands.values()].sort((a, b) => a.data.name.localeCompare(b.data.name))) {
    const usage = declaredOptions(command)
      .filter((o) => o.type !== ApplicationCommandOptionType.Channel)
      .map((o) => {
        const choices = 'choices' in o && o.choices !== undefined && o.choices.length <= 3 ? o.choices.map((c) => c.value).join('|') : undefined;
        const hint = choices ?? TYPE_HINT[o.type];
        const text = hint === undefined ? o.name : `${o.name}:${hint}`;
        return o.required ? `<${text}>` : `[${text}]`;
      })
      .join(' ');
    lines.push(`  /${`${command.data.name} ${usage}`.trim().padEnd(40)} ${command.data.description}`);
  }
  lines.push(`  /${'as <name>'.padEnd(40)} act as another local member (members are named by their local name)`);
  lines.push(`  /${'help, /quit'.padEnd(40)} this list; leave`);
  return lines.join('\n');
}

export interface ConsoleOptions {
  service: AnirecService;
  input: NodeJS.ReadableStream;
  write: (text: string) => void;
  /** The first local member's id in the store (default "console"). */
  userId?: string;
  /** Show a `> ` prompt (only useful on a terminal). */
  prompt?: boolean;
  log?: Logger;
  /** The command modules (default: commands/). */
  commands?: Map<string, Command>;
}

/** Runs the console until /quit or the end of input. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { service, write } = options;
  const log = options.log ?? silentLogger;
  const commands = options.commands ?? (await loadCommands()).commands;
  const known = optionNames(commands);
  const firstId = options.userId ?? 'console';
  const firstName = options.userId ?? 'console';
  // Local members: the first keeps its id (stores made before /as), the others are `console:<name>`.
  const idOf = (name: string) => (name.toLowerCase() === firstName.toLowerCase() ? firstId : `${LOCAL_PREFIX}${name.toLowerCase()}`);
  const label = (id: string) => (id === firstId ? firstName : id.startsWith(LOCAL_PREFIX) ? id.slice(LOCAL_PREFIX.length) : id);
  const local = (name: string): MemberRef => {
    const clean = name.replace(/^@/, '');
    if (!NAME.test(clean)) throw new InvalidOptionError('member', `"${name}" is not a local member name (letters, digits, _ . -)`);
    const id = idOf(clean);
    return { id, label: label(id) };
  };
  let me: MemberRef = { id: firstId, label: firstName };
  let pendingButtons: ButtonView[] = [];

  const lines = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const show = async (view: ReplyView) => {
    write(renderText(view) + '\n');
    pendingButtons = (view.buttons ?? []).filter((b) => b.disabled !== true);
    if (pendingButtons.length > 0) write(`(press a button: ${pendingButtons.map((b) => b.label.toLowerCase()).join(', ')})\n`);
  };
  const prompt = () => {
    if (options.prompt) write('> ');
  };

  const optionsFrom = (values: Record<string, string>): CommandOptions => {
    const raw = (name: string) => values[name] ?? null;
    return {
      string: raw,
      integer: raw,
      member: (name) => (values[name] ? local(values[name]) : null),
      mentions: (name) => (values[name] ?? '').split(/[\s,]+/).filter(Boolean).map(local),
      voiceMembers: (name) => {
        if (values[name] === undefined) return null;
        throw new InvalidOptionError(name, 'the console has no voice channels; name the members instead');
      },
      file: (name) => {
        const path = values[name];
        if (path === undefined || path === '') return null;
        return {
          name: path,
          read: () =>
            readFile(path).catch((error: NodeJS.ErrnoException) => {
              throw new InputFileError(path, error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code ?? error.message})`);
            }),
        };
      },
    };
  };

  const contextFor = (values: Record<string, string>): CommandContext => ({
    service,
    log,
    options: optionsFrom(values),
    member: me,
    guild: { id: CONSOLE_GUILD },
    label,
    reply: show,
    defer: async () => {},
    update: show,
  });

  const handle = async (line: string): Promise<'quit' | void> => {
    const pressed = pendingButtons.find((b) => b.label.toLowerCase() === line.toLowerCase());
    pendingButtons = [];
    if (pressed !== undefined) {
      const { name, args } = parseButtonId(pressed.customId);
      return runButton(commands.get(name ?? '')!, contextFor({}), args);
    }
    const parsed = parseConsoleLine(line, known);
    const command = commands.get(parsed.command);
    if (command !== undefined) return runCommand(command, contextFor(assignPositional(parsed, declaredOptions(command))));
    switch (parsed.command) {
      case 'as':
        if (parsed.positional !== '') me = local(parsed.positional);
        write(`You are ${me.label}.\n`);
        return;
      case 'help':
      case '':
        write(consoleHelp(commands) + '\n');
        return;
      case 'quit':
      case 'exit':
        return 'quit';
      default:
        write(`Unknown command /${parsed.command}. Type /help for the list.\n`);
    }
  };

  write('anirec console: type /help for commands, /quit to leave.\n');
  prompt();
  for await (const item of lines) {
    const line = item.trim();
    if (line === '' || line.startsWith('#')) {
      prompt();
      continue;
    }
    try {
      if ((await handle(line)) === 'quit') break;
    } catch (error) {
      if (!isAnirecError(error)) log.error(`console command "${line}" failed`, error);
      else if (error.code.startsWith('store_')) log.error(error.message, error.cause);
      await show(renderError(error));
    }
    prompt();
  }
  lines.close();
}
