/**
 * `anirec similar --model DIR --anime TITLE --top N`: the anime most like one title. stdout:
 * `rank,anime_id,name,score`. An unknown title gets a one-line "did you mean" on stderr.
 */
import { readConfig } from '../../config.js';
import { composeOffline } from '../../app/compose.js';
import { MAX_COUNT } from '../../service/resolvers.js';
import { intOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec similar [--model DIR] --anime TITLE [--top N]

Lists the anime most like TITLE (embedding similarity, leaning on shared genres for anime with few
ratings). Prints rank,anime_id,name,score: the bot's /similar for the same title.

Options:
  --model DIR     trained model folder (default: ANIREC_MODEL_DIR, else models/default)
  --anime TITLE   the anime's name (typos and partial names are looked up)
  --top N         how many, 1..25 (default 10), as /similar's count
`;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const command: Subcommand = {
  summary: 'list the anime most like a title',
  usage: USAGE,
  async run(argv) {
    const args = parseOptions(argv, { model: { type: 'string' }, anime: { type: 'string' }, top: { type: 'string' } });
    const top = intOption('top', args.top, 10, 1, MAX_COUNT);
    if (args.anime === undefined || args.anime.trim() === '') {
      process.stderr.write('anirec similar: --anime TITLE is required\n');
      return 1;
    }
    const { service, close } = await composeOffline(readConfig(), args.model ?? readConfig().modelDir);
    const lines = ['rank,anime_id,name,score'];
    try {
      service.similar('cli', args.anime, top).neighbours.forEach((n, rank) => {
        lines.push(`${rank + 1},${n.anime.animeId},${csvCell(n.anime.name)},${n.similarity.toFixed(6)}`);
      });
    } finally {
      await close();
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
export default command;
