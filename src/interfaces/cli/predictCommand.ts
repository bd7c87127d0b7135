/**
 * `anirec predict --model DIR --pairs FILE`: the rating the model expects each (user, anime) pair to get.
 * stdout: `user_id,anime_id,prediction`, one line per input row, in input order. Users the model never
 * trained on get the anime's estimate; anime it does not know get the global mean.
 */
import { readConfig } from '../../config.js';
import { loadAnirecModel } from '../../model/anirecModel.js';
import { parseOptions } from './args.js';
import { readInputCsv, readIntCell } from './inputCsv.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec predict [--model DIR] --pairs FILE

Predicts a rating (1-10) for every row of FILE, a CSV whose header holds user_id and anime_id (other
columns are ignored). Prints user_id,anime_id,prediction in the order of FILE.

Options:
  --model DIR    trained model folder (default: ANIREC_MODEL_DIR, else models/default)
  --pairs FILE   CSV with user_id and anime_id columns
`;

const command: Subcommand = {
  summary: 'predict ratings for (user_id, anime_id) pairs from a CSV',
  usage: USAGE,
  async run(argv) {
    const args = parseOptions(argv, { model: { type: 'string' }, pairs: { type: 'string' } });
    if (args.pairs === undefined) {
      process.stderr.write('anirec predict: --pairs FILE is required\n');
      return 1;
    }
    const rows = readInputCsv(args.pairs, ['user_id', 'anime_id']);
    const pairs = rows.map((row) => ({ userId: readIntCell(args.pairs!, row, 'user_id'), animeId: readIntCell(args.pairs!, row, 'anime_id') }));
    const model = await loadAnirecModel(args.model ?? readConfig().modelDir);
    const lines = ['user_id,anime_id,prediction'];
    for (const { userId, animeId } of pairs) lines.push(`${userId},${animeId},${model.predictByIds(userId, animeId).toFixed(4)}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
export default command;
