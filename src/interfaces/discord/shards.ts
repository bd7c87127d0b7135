/**
 * ANIREC_SHARDS: the bot as discord.js ShardingManager shards, one process each. The manager runs no model
 * and no Discord client: it starts `anirec start` once per shard (each child identifies with its
 * [id, count] and serves only its guilds), restarts a shard whose process dies while the others go on
 * answering, forwards SIGHUP (model reload), and answers /healthz and /metrics for all of them by asking
 * each shard over the IPC channel (measured below 5 ms per shard).
 * Chosen over discord-hybrid-sharding: one process per shard is what the issue asks, and discord.js's own
 * manager does it with no extra dependency; clusters only pay off past hundreds of shards per machine.
 */
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../ops/metrics.js';
import type { ShardReply, ShardRequest } from '../ops/shardLink.js';

/** The shard count Discord recommends for this token (GET /gateway/bot, on DISCORD_API_URL). */
export async function recommendedShardCount(config: Config): Promise<number> {
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken!);
  const answer = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  if (typeof answer.shards !== 'number' || answer.shards < 1) throw new Error('GET /gateway/bot gave no shard count');
  return answer.shards;
}

export interface RunningShards {
  manager: ShardingManager;
  /** Each shard's metrics and health, asked over IPC (a shard that does not answer in 2 s is reported down). */
  status(): Promise<{ shard: number; reply: ShardReply | undefined }[]>;
  stop(): Promise<void>;
}

export async function startShards(options: {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The script every shard runs (`anirec start`) and the node flags it needs (tsx in development). */
  file: string;
  execArgv: string[];
}): Promise<RunningShards> {
  const { config, log, metrics } = options;
  const totalShards = config.shards === 'auto' ? await recommendedShardCount(config) : config.shards!;
  const shardList = config.shardIds ?? Array.from({ length: totalShards }, (_, i) => i);
  log.info(`sharding: ${shardList.length} of ${totalShards} shards here (${shardList.join(', ')})${config.shards === 'auto' ? ', count recommended by Discord' : ''}`);
  const manager = new ShardingManager(options.file, {
    totalShards,
    shardList,
    token: config.discordToken!,
    mode: 'process',
    respawn: true,
    shardArgs: ['start'],
    execArgv: options.execArgv,
  });
  let nextRequest = 0;
  const waiting = new Map<number, (reply: ShardReply) => void>();
  manager.on('shardCreate', (shard: Shard) => {
    metrics.setShardStatus(shard.id, 'starting');
    shard.on('spawn', () => metrics.setShardStatus(shard.id, 'starting'));
    shard.on('ready', () => {
      metrics.setShardStatus(shard.id, 'ready');
      log.info(`shard ${shard.id}: ready (pid ${shard.process?.pid ?? '?'})`);
    });
    shard.on('death', () => {
      metrics.setShardStatus(shard.id, 'dead');
      log.warn(`shard ${shard.id}: its process ended; starting it again`);
    });
    shard.on('error', (error) => log.error(`shard ${shard.id}`, error));
    shard.on('message', (message: Partial<ShardReply>) => {
      if (message?.anirec === 'status' && typeof message.id === 'number') waiting.get(message.id)?.(message as ShardReply);
    });
  });
  // Shards that load a large model need longer than discord.js's 30 s default to become ready.
  await manager.spawn({ amount: totalShards, delay: config.shardSpawnDelayMs, timeout: 180_000 });

  const onHangup = () => {
    log.info('SIGHUP: every shard reloads the model');
    for (const shard of manager.shards.values()) shard.process?.kill('SIGHUP');
  };
  process.on('SIGHUP', onHangup);

  const ask = (shard: Shard) =>
    new Promise<ShardReply | undefined>((resolve) => {
      const id = nextRequest++;
      // 5 s: a shard busy right after a command (GC, a store round trip) missed 2 s in a CI run and dropped out of /metrics.
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, 5000);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(reply);
      });
      const request: ShardRequest = { anirec: 'status', id };
      shard.send(request).catch(() => undefined);
    });

  return {
    manager,
    async status() {
      const shards = [...manager.shards.values()];
      return Promise.all(shards.map(async (shard) => ({ shard: shard.id, reply: shard.ready ? await ask(shard) : undefined })));
    },
    async stop() {
      process.off('SIGHUP', onHangup);
      manager.respawn = false;
      await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<void>((resolve) => {
              if (!shard.process) return resolve();
              shard.process.once('exit', () => resolve());
              shard.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
