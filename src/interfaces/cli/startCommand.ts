/**
 * `anirec start` (npm start): validates the configuration, makes sure a trained model exists (training
 * one from the data folder when there is none), opens the ratings store, then runs the Discord bot
 * when DISCORD_TOKEN is set and the local console otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readConfig, type Config } from '../../config.js';
import { buildTitleIndex } from '../../data/titles.js';
import { locateDataFiles } from '../../data/dataFiles.js';
import { DataMissingError, ModelMissingError } from '../../errors.js';
import { createLogger, type Logger } from '../../log.js';
import { loadAnirecModel, type AnirecModel } from '../../model/anirecModel.js';
import { trainDefaultModel } from '../../model/trainDefault.js';
import { createLiveService, type LiveService, type ServingModel } from '../../recommender/liveService.js';
import { createRateLimiter } from '../../recommender/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../recommender/ratingsStore.js';
import { createService } from '../../recommender/service.js';
import { runConsole } from '../console.js';
import { loadMergedCatalogue } from '../../data/mergedCatalogue.js';
import { BANGUMI_ATTRIBUTION } from '../../data/bangumi.js';
import { loadEnrichmentOverlay } from '../../data/enrichment.js';
import type { Catalogue } from '../../data/types.js';
import { startConfiguredWeb } from '../web/server.js';
import { aggregate, createMetrics } from '../ops/metrics.js';
import { describeServing, startModelReloader } from '../ops/modelReloader.js';
import { startOpsServer, type Health, type OpsServer } from '../ops/opsServer.js';
import { answerManager, isShardProcess } from '../ops/shardLink.js';
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

/** /healthz: the store answers a read (within its timeout) and a model serves. */
function healthOf(store: RatingsStore, live: LiveService): () => Promise<Health> {
  return async () => {
    const started = performance.now();
    let storeOk = true;
    try {
      await store.get('0');
    } catch {
      storeOk = false;
    }
    const serving = live.current();
    return {
      ok: storeOk,
      store: { ok: storeOk, ms: Number((performance.now() - started).toFixed(2)) },
      model: { name: serving.model.name, fingerprint: serving.fingerprint },
    };
  };
}

/** ANIREC_SHARDS set: this process manages the shards, each a child `anirec start`. */
async function runShardManager(config: Config, log: Logger, started: number): Promise<number> {
  // Train once here when there is no model, rather than once per shard.
  if (!existsSync(join(config.modelDir, 'info.json'))) await loadOrTrainModel(config, log);
  const metrics = createMetrics();
  const { startShards } = await import('../discord/shards.js');
  const shards = await startShards({ config, log, metrics, file: process.argv[1]!, execArgv: process.execArgv });
  const ops =
    config.metricsPort === undefined
      ? undefined
      : await startOpsServer({
          port: config.metricsPort,
          host: config.metricsHost,
          metrics: async () => {
            const replies = await shards.status();
            return aggregate([await metrics.registry.getMetricsAsJSON(), ...replies.flatMap((r) => (r.reply ? [r.reply.metrics] : []))]);
          },
          health: async () => {
            const replies = await shards.status();
            const perShard = Object.fromEntries(replies.map((r) => [r.shard, r.reply?.health ?? { ok: false, reason: 'not ready' }]));
            return { ok: replies.every((r) => r.reply?.health.ok === true), shards: perShard };
          },
        });
  if (ops) log.info(`ops: /healthz and /metrics on http://${config.metricsHost}:${ops.port}`);
  log.info(`all ${shards.manager.shards.size} shards ready in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  const signal = await waitForSignal();
  log.info(`${signal}: stopping the shards`);
  await shards.stop();
  await ops?.close();
  return 0;
}

export async function runStart(argv: string[]): Promise<number> {
  const flags = parseOptions(argv, { console: { type: 'boolean' } });
  const started = performance.now();
  const config = readConfig();
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken] });
  const useDiscord = config.discordToken !== undefined && flags.console !== true;
  const ready = () =>
    log.info(`ready in ${((performance.now() - started) / 1000).toFixed(2)} s, RSS ${megabytes(process.memoryUsage().rss)}`);
  const shardProcess = isShardProcess();
  if (useDiscord && config.shards !== undefined && !shardProcess) return runShardManager(config, log, started);

  const model = await loadOrTrainModel(config, log);
  const metrics = createMetrics();
  const store = await openRatingsStore(config.storeUrl, { onError: (error) => log.error('ratings store', error), observe: metrics.observeStore });
  // One rate limiter for every model the process serves: a swap does not hand members a fresh allowance.
  const rateLimiter = createRateLimiter({ perMinute: config.rateLimitPerMinute });
  const catalogue = await loadServingCatalogue(model, config, log);
  // A model swapped in later was trained on the same data folder as a rule: it keeps the merged catalogue
  // when its own anime are the same (anything else serves its own catalogue until the next start).
  const catalogueFor = (m: AnirecModel): Catalogue => (sameAnime(m.catalogue, model.catalogue) ? catalogue : m.catalogue);
  // The title index of the merged catalogue is built once: a swap that keeps the catalogue reuses it, so
  // the switch does not stall interactions for the seconds an index over every title takes.
  const indexes = new Map<Catalogue, ReturnType<typeof buildTitleIndex>>();
  const titlesOf = (c: Catalogue) => indexes.get(c) ?? indexes.set(c, buildTitleIndex(c)).get(c)!;
  const live = createLiveService(model, (m) => {
    const served = catalogueFor(m);
    return createService({ model: m, store, catalogue: served, titles: titlesOf(served), rateLimiter, log });
  });
  const setModel = (serving: ServingModel) => metrics.setModel(serving.model.name, serving.fingerprint);
  setModel(live.current());
  log.info(`model: serving ${describeServing(live.current(), config.modelDir)}`);
  log.info(`store: ${store.description}`);
  const reloader = startModelReloader({ dir: config.modelDir, live, load: loadAnirecModel, log, watch: config.watchModel, onSwap: setModel });
  const health = healthOf(store, live);
  let ops: OpsServer | undefined;
  if (shardProcess) answerManager(metrics, health);
  else if (config.metricsPort !== undefined) {
    ops = await startOpsServer({ port: config.metricsPort, host: config.metricsHost, metrics: () => metrics.registry.metrics(), health });
    log.info(`ops: /healthz and /metrics on http://${config.metricsHost}:${ops.port}`);
  }

  try {
    if (useDiscord) {
      const { startBot } = await import('../discord/bot.js');
      log.info(`backend: Discord (${config.discordApiUrl})`);
      const bot = await startBot({ config, model, store, log, service: live.service, metrics });
      const web = config.webPort === undefined ? undefined : await startConfiguredWeb(config, live.service, config.webPort, log).catch(async (error: unknown) => {
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
      const web = config.webPort === undefined ? undefined : await startConfiguredWeb(config, live.service, config.webPort, log);
      ready();
      try {
        await runConsole({ service: live.service, input: process.stdin, write: (text) => process.stdout.write(text), prompt: process.stdin.isTTY === true, log });
      } finally {
        await web?.close();
      }
    }
  } finally {
    reloader.close();
    await ops?.close();
    await store.close();
    // The IPC channel to the manager would keep a shard's process alive after it is done.
    if (shardProcess) process.disconnect?.();
  }
  return 0;
}

const command: Subcommand = {
  summary: 'run the bot on Discord (DISCORD_TOKEN set) or as a local console',
  usage: USAGE,
  run: runStart,
};
export default command;

/** Whether two catalogues list the same anime in the same order (a swapped model can reuse the merge). */
function sameAnime(a: Catalogue, b: Catalogue): boolean {
  return a === b || (a.anime.length === b.anime.length && a.anime.every((x, i) => x.animeId === b.anime[i]!.animeId));
}
