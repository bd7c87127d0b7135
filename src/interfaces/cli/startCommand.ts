/**
 * `anirec start` (npm start): validates the configuration, makes sure a trained model exists (training
 * one from the data folder when there is none), opens the ratings store, then runs the Discord bot
 * when DISCORD_TOKEN is set and the local console otherwise.
 */
import { performance } from 'node:perf_hooks';
import { composeApp } from '../../app/compose.js';
import { chooseModelSource, hasTrainedModel, loadOrTrainModel } from '../../app/modelSource.js';
import { readConfig, secretsOf, type Config } from '../../config.js';
import { createLogger, type Logger } from '../../log.js';
import type { LiveService } from '../../service/liveService.js';
import type { RatingsStore } from '../../store/ratingsStore.js';
import { runConsole } from '../console.js';
import { startConfiguredWeb } from '../web/server.js';
import { aggregate, createMetrics } from '../ops/metrics.js';
import { startOpsServer, type Health, type OpsServer } from '../ops/opsServer.js';
import { answerManager, isShardProcess } from '../ops/shardLink.js';
import { parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec start [--console]

Starts the bot: on Discord when DISCORD_TOKEN is set (in the environment or .env), otherwise a local
console that runs the same commands for one local member.
With no trained model in ANIREC_MODEL_DIR it first trains one from ANIREC_DATA_DIR, or, while that holds
no data, from the demo set shipped in demo/ (the real MyAnimeList sample) into ANIREC_DEMO_MODEL_DIR.

Options:
  --console   use the local console even when DISCORD_TOKEN is set
`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
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
  if (!hasTrainedModel(chooseModelSource(config).modelDir)) await loadOrTrainModel(config, log);
  const metrics = createMetrics();
  const { startShards } = await import('../discord/shards.js');
  const shards = await startShards({ config, log, metrics, file: process.argv[1]!, execArgv: process.execArgv });
  const ops =
    config.metricsPort === undefined
      ? undefined
      : await startOpsServer({
          port: config.metricsPort,
          host: config.metricsHost,
          log,
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
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const useDiscord = config.discordToken !== undefined && flags.console !== true;
  const ready = () =>
    log.info(`ready in ${((performance.now() - started) / 1000).toFixed(2)} s, RSS ${megabytes(process.memoryUsage().rss)}`);
  const shardProcess = isShardProcess();
  if (useDiscord && config.shards !== undefined && !shardProcess) return runShardManager(config, log, started);

  const metrics = createMetrics();
  const app = await composeApp(config, log, metrics);
  const { model, store, live } = app;
  const health = healthOf(store, live);
  let ops: OpsServer | undefined;
  if (shardProcess) answerManager(metrics, health);
  else if (config.metricsPort !== undefined) {
    ops = await startOpsServer({ port: config.metricsPort, host: config.metricsHost, metrics: () => metrics.registry.metrics(), health, log });
    log.info(`ops: /healthz and /metrics on http://${config.metricsHost}:${ops.port}`);
  }

  try {
    if (useDiscord) {
      const { startBot } = await import('../discord/bot.js');
      log.info(`backend: Discord (${config.discordApiUrl})`);
      const bot = await startBot({ config, log, service: live.service, metrics });
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
    await ops?.close();
    await app.close();
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
