/**
 * `anirec catalogue`: builds (or reads from the cache) the merged catalogue and summarises it;
 * `--update` enriches the anime that lack genres, episodes or a score from Jikan (resumable).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../config.js';
import { BANGUMI_ATTRIBUTION } from '../../data/bangumi.js';
import { loadCatalogue } from '../../data/catalogue.js';
import { JIKAN_BASE_URL, JIKAN_MIN_INTERVAL_MS, loadEnrichmentOverlay, readEnrichment, updateEnrichment } from '../../data/enrichment.js';
import { loadMergedCatalogue } from '../../data/mergedCatalogue.js';
import { createProgress } from '../../data/progress.js';
import type { Anime } from '../../data/types.js';
import { intOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec catalogue [--data DIR] [--update [--limit N] [--api URL] [--interval-ms MS]]

Merges the data folder's anime.csv with bangumi-data (every anime aired in Japan up to this season,
installed with npm) and prints what the bot will know. The merge is cached in ANIREC_CACHE_DIR.

Options:
  --data DIR         data folder holding anime.csv (default: ANIREC_DATA_DIR, else ./data)
  --update           fetch genres, episodes, MAL score, synonyms, romaji title and picture from
                     Jikan v4 (api.jikan.moe, no key) for anime that lack them; cached, resumable
  --limit N          at most N anime this run (default: all that need it)
  --api URL          the Jikan base URL (default ${JIKAN_BASE_URL})
  --interval-ms MS   spacing of requests (default ${JIKAN_MIN_INTERVAL_MS}: Jikan's 60 a minute)
`;

async function baseAnime(dir: string): Promise<Anime[]> {
  const file = join(dir, 'anime.csv');
  return existsSync(file) ? (await loadCatalogue(file)).anime : [];
}

const command: Subcommand = {
  summary: 'merge anime.csv with bangumi-data and summarise it; --update enriches it from Jikan',
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, {
      data: { type: 'string' },
      update: { type: 'boolean' },
      limit: { type: 'string' },
      api: { type: 'string' },
      'interval-ms': { type: 'string' },
    });
    const config = readConfig(process.env);
    const base = await baseAnime(values.data ?? config.dataDir);
    const build = async () => loadMergedCatalogue(base, { cacheDir: config.cacheDir, overlay: await loadEnrichmentOverlay(config.cacheDir) });
    let merged = await build();
    if (values.update) {
      const progress = createProgress('catalogue --update');
      const report = await updateEnrichment(merged.catalogue.anime, {
        cacheDir: config.cacheDir,
        baseUrl: values.api ?? JIKAN_BASE_URL,
        intervalMs: intOption('interval-ms', values['interval-ms'], JIKAN_MIN_INTERVAL_MS, 0, 60_000),
        ...(values.limit !== undefined ? { limit: intOption('limit', values.limit, 0, 1, 1_000_000) } : {}),
        onProgress: (done, total) => progress.update(done / total, `${done}/${total}`),
        log: (line) => process.stderr.write(line + '\n'),
      });
      progress.stop();
      process.stdout.write(
        `enriched ${report.enriched} anime, ${report.notFound} unknown to the API, ${report.failed.length} unchanged after a bad answer ` +
          `(${report.wanted} needed it before this run)\n`,
      );
      for (const line of report.failed.slice(0, 10)) process.stdout.write(`  ${line}\n`);
      if (report.stopped) process.stdout.write(`stopped: ${report.stopped}\n`);
      merged = await build();
    }
    const { report } = merged;
    const enriched = (await readEnrichment(config.cacheDir)).size;
    process.stdout.write(
      [
        `catalogue: ${merged.catalogue.anime.length} anime (${base.length} from anime.csv, ${report.added} added from bangumi-data)`,
        `  matched by MAL id ${report.matched}, type conflicts ${report.typeConflicts} (anime.csv kept), without a MAL id ${report.withoutMalId} (left out)`,
        `  English titles ${merged.catalogue.anime.filter((a) => a.englishNames !== undefined || (a.members === 0 && a.name !== a.japaneseName)).length}, enriched ${enriched}`,
        `  ${merged.fromCache ? 'read from the cache' : 'built'} in ${merged.seconds.toFixed(2)} s`,
        `  ${BANGUMI_ATTRIBUTION}`,
      ].join('\n') + '\n',
    );
    return 0;
  },
};
export default command;
