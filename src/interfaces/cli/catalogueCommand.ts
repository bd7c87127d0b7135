/**
 * `anirec catalogue`: builds (or reads from the cache) the merged catalogue and summarises it;
 * `--update` syncs this season and the next from AniList, then enriches the anime that lack genres,
 * episodes or a score from Jikan (resumable). With no network it gives up within 30 s in all, naming each
 * source it could not reach.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../config.js';
import { BANGUMI_ATTRIBUTION } from '../../data/bangumi.js';
import { loadCatalogue } from '../../data/catalogue.js';
import { JIKAN_BASE_URL, JIKAN_MIN_INTERVAL_MS, readEnrichment, updateEnrichment, type UpdateOptions, type UpdateReport } from '../../data/enrichment.js';
import { syncSeasons, type SeasonSyncReport } from '../../data/anilist/sync.js';
import { buildServingCatalogue, seasonsToSync } from '../../app/servingCatalogue.js';
import { describeError } from '../messages.js';
import { CatalogueSourceError } from '../../errors.js';
import { createProgress } from '../../data/progress.js';
import type { Anime } from '../../data/types.js';
import { intOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

/** With no network, --update ends within this, naming each source it could not reach. */
const GIVE_UP_MS = 30_000;

const USAGE = `Usage: anirec catalogue [--data DIR] [--update [--no-enrich] [--limit N] [--api URL] [--anilist-url URL] [--interval-ms MS] [--give-up-s S]]

Merges the data folder's anime.csv with bangumi-data (every anime aired in Japan up to this season,
installed with npm) and prints what the bot will know. The merge is cached in ANIREC_CACHE_DIR.

Options:
  --data DIR         data folder holding anime.csv (default: ANIREC_DATA_DIR, else ./data)
  --update           sync this season and the next from AniList (titles, synonyms, genres, type,
                     episodes, air date, cover, next episode; cached), then fetch genres, episodes,
                     MAL score, synonyms, romaji title and picture from Jikan v4 (api.jikan.moe, no
                     key) for anime that lack them; cached, resumable
  --no-enrich        with --update: the AniList sync only (seconds, not hours)
  --limit N          at most N anime enriched this run (default: all that need it)
  --api URL          the Jikan base URL (default ${JIKAN_BASE_URL})
  --anilist-url URL  AniList's GraphQL endpoint (default: ANIREC_ANILIST_URL)
  --interval-ms MS   spacing of Jikan requests (default ${JIKAN_MIN_INTERVAL_MS}: Jikan's 60 a minute)
  --give-up-s S      with no network, end within S s in all (default ${GIVE_UP_MS / 1000}): AniList must finish
                     within two thirds of it, Jikan answer once within all of it; a source that
                     does not is named and given up
`;

function printSync(report: SeasonSyncReport): void {
  process.stdout.write(
    `AniList ${report.seasons.join(' and ')}: ${report.fetched} anime in ${report.pages} pages; ${report.added.length} added, ` +
      `${report.updated.length} updated, ${report.unchanged} unchanged, ${report.withoutMalId} without a MyAnimeList id (left out)` +
      `${report.unusable > 0 ? `, ${report.unusable} unusable (left out)` : ''}\n`,
  );
  if (report.added.length > 0) process.stdout.write(`  added (MAL ids): ${report.added.slice(0, 20).join(', ')}${report.added.length > 20 ? ', ...' : ''}\n`);
}

async function baseAnime(dir: string): Promise<Anime[]> {
  const file = join(dir, 'anime.csv');
  return existsSync(file) ? (await loadCatalogue(file)).anime : [];
}

/** Jikan enrichment with a progress bar on stderr, stopped however the run ends. */
async function enrichWithProgress(anime: readonly Anime[], options: Omit<UpdateOptions, 'onProgress' | 'log'>): Promise<UpdateReport> {
  const progress = createProgress('catalogue --update');
  try {
    return await updateEnrichment(anime, {
      ...options,
      onProgress: (done, total) => progress.update(done / total, `${done}/${total}`),
      log: (line) => process.stderr.write(line + '\n'),
    });
  } finally {
    progress.stop();
  }
}

function printEnrichment(report: UpdateReport): void {
  process.stdout.write(
    `Jikan: enriched ${report.enriched} anime, ${report.notFound} unknown to the API, ${report.failed.length} unchanged after a bad answer ` +
      `(${report.wanted} needed it before this run)\n`,
  );
  for (const line of report.failed.slice(0, 10)) process.stdout.write(`  ${line}\n`);
  if (report.unreachable) process.stdout.write(`${describeError(report.unreachable)}\n`);
  else if (report.stopped) process.stdout.write(`stopped: ${report.stopped}\n`);
}

const command: Subcommand = {
  summary: 'merge anime.csv with bangumi-data and summarise it; --update syncs the season from AniList and enriches from Jikan',
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, {
      data: { type: 'string' },
      update: { type: 'boolean' },
      limit: { type: 'string' },
      api: { type: 'string' },
      'interval-ms': { type: 'string' },
      'anilist-url': { type: 'string' },
      'no-enrich': { type: 'boolean' },
      'give-up-s': { type: 'string' },
    });
    const config = readConfig(process.env);
    const base = await baseAnime(values.data ?? config.dataDir);
    const build = () => buildServingCatalogue(base, config.cacheDir);
    let merged = await build();
    let exitCode = 0;
    if (values.update) {
      // One clock for the command, so no network means 30 s in all: AniList (a few requests) must be done
      // by two thirds of it, and Jikan must have answered once by the end of it.
      const started = Date.now();
      const giveUpMs = intOption('give-up-s', values['give-up-s'], GIVE_UP_MS / 1000, 1, 3600) * 1000;
      try {
        const report = await syncSeasons(merged.catalogue.anime, {
          url: values['anilist-url'] ?? config.anilistUrl,
          cacheDir: config.cacheDir,
          seasons: seasonsToSync(),
          deadline: started + Math.round((giveUpMs * 2) / 3),
        });
        printSync(report);
      } catch (error) {
        if (!(error instanceof CatalogueSourceError)) throw error;
        process.stdout.write(`${describeError(error)}\n`);
        exitCode = 1;
      }
      if (!values['no-enrich']) {
        const enrichment = await enrichWithProgress((await build()).catalogue.anime, {
          cacheDir: config.cacheDir,
          baseUrl: values.api ?? JIKAN_BASE_URL,
          intervalMs: intOption('interval-ms', values['interval-ms'], JIKAN_MIN_INTERVAL_MS, 0, 60_000),
          ...(values.limit !== undefined ? { limit: intOption('limit', values.limit, 0, 1, 1_000_000) } : {}),
          firstAnswerBy: started + giveUpMs,
        });
        printEnrichment(enrichment);
        if (enrichment.unreachable) exitCode = 1;
      }
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
    return exitCode;
  },
};
export default command;
