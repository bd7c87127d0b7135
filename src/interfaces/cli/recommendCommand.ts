/**
 * `anirec recommend --model DIR --profiles FILE --top N`: each user of FILE is a new person, folded in
 * from their rows (the same fold-in as the bot). stdout: `user_id,rank,anime_id,score`, exactly N rows per
 * user in order of first appearance, never an anime from that user's profile.
 */
import { readConfig } from '../../config.js';
import { InputFileError } from '../../errors.js';
import { composeOffline } from '../../app/compose.js';
import { MAX_COUNT } from '../../service/resolvers.js';
import { intOption, parseOptions } from './args.js';
import { readInputCsv, readIntCell } from './inputCsv.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec recommend [--model DIR] --profiles FILE [--top N]

Recommends anime to new people. FILE is a CSV with user_id, anime_id and rating columns (rating 1-10,
or -1 for watched but not rated); each user_id is folded into the model from their rows. Prints
user_id,rank,anime_id,score: N rows per user, in the order users first appear in FILE. The picks are
the bot's /recommend for the same ratings.

Options:
  --model DIR       trained model folder (default: ANIREC_MODEL_DIR, else models/default)
  --profiles FILE   CSV with user_id, anime_id and rating columns
  --top N           recommendations per user, 1..25 (default 10), as /recommend's count
`;

const command: Subcommand = {
  summary: 'recommend anime to new people given their ratings in a CSV',
  usage: USAGE,
  async run(argv) {
    const args = parseOptions(argv, { model: { type: 'string' }, profiles: { type: 'string' }, top: { type: 'string' } });
    const top = intOption('top', args.top, 10, 1, MAX_COUNT);
    const file = args.profiles;
    if (file === undefined) {
      process.stderr.write('anirec recommend: --profiles FILE is required\n');
      return 1;
    }
    const rows = readInputCsv(file, ['user_id', 'anime_id', 'rating']);
    const people = new Map<number, { animeIds: number[]; scores: number[] }>();
    for (const row of rows) {
      const userId = readIntCell(file, row, 'user_id');
      const animeId = readIntCell(file, row, 'anime_id');
      const rating = readIntCell(file, row, 'rating');
      if (rating !== -1 && (rating < 1 || rating > 10)) throw new InputFileError(file, `line ${row.line}: rating ${rating} is not -1 (watched) or 1..10`);
      let person = people.get(userId);
      if (!person) people.set(userId, (person = { animeIds: [], scores: [] }));
      person.animeIds.push(animeId);
      person.scores.push(rating);
    }
    const { service, close } = await composeOffline(readConfig(), args.model ?? readConfig().modelDir);
    const lines = ['user_id,rank,anime_id,score'];
    let unknown = 0;
    try {
      for (const [userId, person] of people) {
        const known = person.animeIds.flatMap((animeId, k) => (service.catalogue.ixByAnimeId.has(animeId) ? [{ animeId, score: person.scores[k]! }] : []));
        unknown += person.animeIds.length - known.length;
        const { picks } = service.recommendFor('cli', known, { count: top });
        if (picks.length < top) throw new InputFileError(file, `user ${userId} has seen all but ${picks.length} of the anime the model knows; ask for fewer with --top`);
        picks.forEach((pick, rank) => lines.push(`${userId},${rank + 1},${pick.anime.animeId},${pick.score.toFixed(6)}`));
      }
    } finally {
      await close();
    }
    if (unknown > 0) process.stderr.write(`anirec recommend: ignored ${unknown} rows naming anime the model does not know\n`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
export default command;
