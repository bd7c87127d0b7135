/**
 * The manager <-> shard status channel (IPC of the process the ShardingManager forked): the manager asks,
 * each shard answers with its metrics and health. Kept apart from shards.ts so a process that is not
 * sharded never loads the sharding code.
 */
import type { Metrics } from './metrics.js';
import type { Health } from './opsServer.js';

/** A message between the manager and a shard (IPC); `anirec` keeps them apart from discord.js's own. */
export interface ShardRequest {
  anirec: 'status';
  id: number;
}
export interface ShardReply {
  anirec: 'status';
  id: number;
  metrics: object;
  health: Health;
}

/** True in a process the ShardingManager started. */
export function isShardProcess(): boolean {
  return process.env.SHARDING_MANAGER !== undefined;
}

/** In a shard: answers the manager's status requests with this process's metrics and health. */
export function answerManager(metrics: Metrics, health: () => Promise<Health>): void {
  process.on('message', (message: Partial<ShardRequest>) => {
    if (message?.anirec !== 'status' || typeof message.id !== 'number') return;
    void (async () => {
      const reply: ShardReply = { anirec: 'status', id: message.id!, metrics: await metrics.registry.getMetricsAsJSON(), health: await health() };
      process.send?.(reply);
    })();
  });
}

