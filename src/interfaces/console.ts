/**
 * A local console for trying the bot without Discord: the same service and the same renderers as the
 * slash commands, for one local member. Reads lines (works with a pipe, ends at EOF), prints replies as
 * text. Options are written `name:value` as in Discord, or positionally (`/rate Steins;Gate 9`).
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InputFileError, isAnirecError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { AnirecService } from '../recommender/service.js';
import {
  renderError,
  renderForgetCancelled,
  renderForgotten,
  renderImported,
  renderRated,
  renderRatingsPage,
  renderRecommendations,
  renderSeasonal,
  renderSimilar,
  renderText,
  renderUnrated,
  type ReplyView,
} from './render.js';
import { resolveScore } from '../recommender/resolvers.js';

export const CONSOLE_HELP = [
  'Commands (options as name:value, or positional):',
  '  /rate <anime> <score 1-10>          e.g. /rate Steins;Gate 9',
  '  /recommend [count:N] [genre:G] [type:T]',
  '  /similar <anime> [count:N]',
  '  /seasonal [season] [count:N]            e.g. /seasonal winter 2026 (default: this season)',
  '  /ratings [page]',
  '  /unrate <anime>',
  '  /forget-me                          deletes your ratings (asks first)',
  '  /import <path to MyAnimeList export .xml or .xml.gz>',
  '  /help, /quit',
].join('\n');

export interface ParsedLine {
  command: string;
  /** Text not claimed by a `name:` option, trimmed. */
  positional: string;
  options: Record<string, string>;
}

/**
 * Splits `/name rest` and pulls out `option:value` pairs for the option names the command knows (so a
 * title such as "Re:Zero" stays a title). A value runs until the next known option.
 */
export function parseConsoleLine(line: string, knownOptions: Record<string, readonly string[]> = CONSOLE_OPTIONS): ParsedLine {
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

export const CONSOLE_OPTIONS: Record<string, readonly string[]> = {
  rate: ['anime', 'score'],
  recommend: ['count', 'genre', 'type'],
  similar: ['anime', 'count'],
  seasonal: ['season', 'count'],
  ratings: ['page'],
  unrate: ['anime'],
  import: ['file'],
};

export interface ConsoleOptions {
  service: AnirecService;
  input: NodeJS.ReadableStream;
  write: (text: string) => void;
  /** The local member's id in the store. */
  userId?: string;
  /** Show a `> ` prompt (only useful on a terminal). */
  prompt?: boolean;
  log?: Logger;
}

/** `/rate Steins;Gate 9`: the last word is the score when no score: option was given. */
function splitTitleAndScore(parsed: ParsedLine): { anime: string; score: string } {
  if (parsed.options.score !== undefined) return { anime: parsed.options.anime ?? parsed.positional, score: parsed.options.score };
  const match = /^(.*\S)\s+(\S+)$/.exec(parsed.positional);
  if (match === null) return { anime: parsed.options.anime ?? parsed.positional, score: '' };
  return { anime: parsed.options.anime ?? match[1]!, score: match[2]! };
}

/** Runs the console until /quit or the end of input. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { service, write } = options;
  const userId = options.userId ?? 'console';
  const log = options.log ?? silentLogger;
  const lines = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const next = lines[Symbol.asyncIterator]();
  const show = (view: ReplyView) => write(renderText(view) + '\n');
  const prompt = () => {
    if (options.prompt) write('> ');
  };

  const handle = async (parsed: ParsedLine): Promise<'quit' | void> => {
    const anime = parsed.options.anime ?? parsed.positional;
    switch (parsed.command) {
      case 'rate': {
        const { anime: title, score } = splitTitleAndScore(parsed);
        return show(renderRated(await service.rate(userId, title, resolveScore(score))));
      }
      case 'recommend':
        return show(
          renderRecommendations(
            await service.recommend(userId, { count: parsed.options.count ?? (parsed.positional || undefined), genre: parsed.options.genre, type: parsed.options.type }),
          ),
        );
      case 'similar':
        return show(renderSimilar(service.similar(userId, anime, parsed.options.count)));
      case 'seasonal':
        return show(renderSeasonal(await service.seasonal(userId, parsed.options.season ?? parsed.positional, parsed.options.count)));
      case 'ratings': {
        const page = await service.listRatings(userId, Number(parsed.options.page ?? parsed.positional) || 1);
        show(renderRatingsPage(userId, page));
        if (page.pages > 1 && page.page < page.pages) write(`(next page: /ratings ${page.page + 1})\n`);
        return;
      }
      case 'unrate':
        return show(renderUnrated(await service.unrate(userId, anime)));
      case 'forget-me': {
        write('This deletes all your ratings and your taste profile. Are you sure? (y/n) ');
        const answer = await next.next();
        const yes = !answer.done && /^\s*y(es)?\s*$/i.test(answer.value);
        write('\n');
        return show(yes ? renderForgotten(await service.forget(userId)) : renderForgetCancelled());
      }
      case 'import': {
        const path = parsed.options.file ?? parsed.positional;
        if (path === '') throw new InputFileError('(none)', 'give the path of your MyAnimeList export, e.g. /import animelist.xml');
        const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
          throw new InputFileError(path, error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code ?? error.message})`);
        });
        return show(renderImported(await service.importList(userId, bytes)));
      }
      case 'help':
      case '':
        write(CONSOLE_HELP + '\n');
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
  for (;;) {
    const item = await next.next();
    if (item.done) break;
    const line = item.value.trim();
    if (line === '' || line.startsWith('#')) {
      prompt();
      continue;
    }
    try {
      if ((await handle(parseConsoleLine(line))) === 'quit') break;
    } catch (error) {
      if (!isAnirecError(error)) log.error(`console command "${line}" failed`, error);
      else if (error.code === 'store_write' || error.code === 'store_read') log.error(error.message, error.cause);
      show(renderError(error));
    }
    prompt();
  }
  lines.close();
}
