/**
 * `anirec start` (npm start): validates the configuration, makes sure a trained model exists (training
 * one from the data folder when there is none), opens the ratings store, then runs the Discord bot
 * when DISCORD_TOKEN is set and the local console otherwise.
 */
import { performance } from 'node:perf_hooks';
import { readConfig, type Config } from '../../config.js';
import { locateDataFiles } from '../../data/dataFiles.js';
import { DataMissingError, ModelMissingError } from '../../errors.js';
import { createLogger, type Logger } from '../../log.js';
import { loadAnirecModel, type AnirecModel } from '../../model/anirecModel.js';
import { trainDefaultModel } from '../../model/trainDefault.js';
import { openRatingsStore } from '../../recommender/ratingsStore.js';
import { createServiceFor } from '../../recommender/service.js';
import { runConsole } from '../console.js';
import { loadMergedCatalogue } from '../../data/mergedCatalogue.js';
import { BANGUMI_ATTRIBUTION } from '../../data/bangumi.js';
import { loadEnrichmentOverlay } from '../../data/enrichment.js';
import type { Catalogue } from '../../data/types.js';
import { startConfiguredWeb } from '../web/server.js';
import { parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec start [--console]

Starts the bot: on Discord when DISCORD_TOKEN is set (in the environment or .env), otherwise a local
console that runs the same commands for one local member.
With no trained model in ANIREC_MODEL_DIR it first trains one from ANIREC_DATA_DIR.

Options:
  --console   use the local console even when DISCORD_TOKEN is set
`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** The trained model in config.modelDir, training one first when there is none. */
export async function loadOrTrainModel(config: Config, log: Logger): Promise<AnirecModel> {
  try {
    return await loadAnirecModel(config.modelDir);
  } catch (error) {
    if (!(error instanceof ModelMissingError)) throw error;
  }
  try {
    locateDataFiles(config.dataDir);
  } catch (error) {
    if (error instanceof DataMissingError) {
      throw new DataMissingError(
        error.path,
        `There is no trained model in ${config.modelDir} and no data to train one. Get the data with ` +
          `\`npm run anirec -- data --download\`, or put anime.csv and rating.csv in ${config.dataDir}.`,
      );
    }
    throw error;
  }
  log.info(`no trained model in ${config.modelDir}: training one from ${config.dataDir} (this happens once)`);
  return trainDefaultModel(config.dataDir, config.modelDir, { cacheDir: config.cacheDir, log: (line: string) => log.info(line), quiet: false });
}

/**
 * The model's catalogue merged with bangumi-data (built on the first start, then read from the cache).
 * Should the merge fail, the bot still runs on the model's own catalogue.
 */
export async function loadServingCatalogue(model: AnirecModel, config: Config, log: Logger): Promise<Catalogue> {
  try {
    const merged = await loadMergedCatalogue(model.catalogue.anime, { cacheDir: config.cacheDir, overlay: await loadEnrichmentOverlay(config.cacheDir) });
    const { report } = merged;
    log.info(
      `catalogue: ${merged.catalogue.anime.length} anime (${report.added} newer than the model from bangumi-data, ${report.matched} matched by MAL id) ` +
        `${merged.fromCache ? 'from the cache' : 'built'} in ${merged.seconds.toFixed(2)} s. ${BANGUMI_ATTRIBUTION}`,
    );
    return merged.catalogue;
  } catch (error) {
    log.warn(`catalogue: bangumi-data could not be merged, serving the model's ${model.catalogue.anime.length} anime only: ${(error as Error).message}`);
    return model.catalogue;
  }
}

export function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function runStart(argv: string[]): Promise<number> {
  const flags = parseOptions(argv, { console: { type: 'boolean' } });
  const started = performance.now();
  const config = readConfig();
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken] });
  const useDiscord = config.discordToken !== undefined && flags.console !== true;

  const model = await loadOrTrainModel(config, log);
  const catalogue = await loadServingCatalogue(model, config, log);
  const store = await openRatingsStore(config.storeUrl, { onError: (error) => log.error('ratings store', error) });
  log.info(`model: ${model.name} from ${config.modelDir} (${model.catalogue.anime.length} anime)`);
  log.info(`store: ${store.description}`);
  const ready = () =>
    log.info(`ready in ${((performance.now() - started) / 1000).toFixed(2)} s, RSS ${megabytes(process.memoryUsage().rss)}`);

  try {
    if (useDiscord) {
      const { startBot } = await import('../discord/bot.js');
      log.info(`backend: Discord (${config.discordApiUrl})`);
      const bot = await startBot({ config, model, store, log, catalogue });
      const web = config.webPort === undefined ? undefined : await startConfiguredWeb(config, bot.service, config.webPort, log).catch(async (error: unknown) => {
        await bot.stop();
        throw error;
      });
      ready();
      const signal = await waitForSignal();
      log.info(`${signal}: shutting down`);
      await web?.close();
      await bot.stop();
    } else {
      log.info('backend: local console (set DISCORD_TOKEN to run on Discord)');
      const service = createServiceFor({ model, store, rateLimitPerMinute: config.rateLimitPerMinute, log, catalogue });
      const web = config.webPort === undefined ? undefined : await startConfiguredWeb(config, service, config.webPort, log);
      ready();
      try {
        await runConsole({ service, input: process.stdin, write: (text) => process.stdout.write(text), prompt: process.stdin.isTTY === true, log });
      } finally {
        await web?.close();
      }
    }
  } finally {
    await store.close();
  }
  return 0;
}

const command: Subcommand = {
  summary: 'run the bot on Discord (DISCORD_TOKEN set) or as a local console',
  usage: USAGE,
  run: runStart,
};
export default command;
