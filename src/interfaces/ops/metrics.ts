/**
 * What an operator watches (prom-client, Prometheus text format): interactions by command and outcome
 * with their latency, store operations with their latency and errors, the model serving, shard status.
 * One registry per process; a sharded bot's manager adds up its shards' registries (aggregate()).
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreOperation, StoreOutcome } from '../../store/ratingsStore.js';

export interface Metrics {
  readonly registry: Registry;
  observeInteraction(command: string, outcome: string, seconds: number): void;
  observeStore(operation: StoreOperation, outcome: StoreOutcome, seconds: number): void;
  /** The model now serving (one series at 1, earlier ones removed). */
  setModel(name: string, fingerprint: string): void;
  setShardStatus(shard: number, status: 'ready' | 'starting' | 'dead'): void;
}

const SHARD_STATUS = ['ready', 'starting', 'dead'] as const;

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'anirec_process_' });
  const interactions = new Counter({ name: 'anirec_interactions_total', help: 'Slash commands answered, by command and outcome (ok or the error code).', labelNames: ['command', 'outcome'], registers: [registry] });
  const interactionSeconds = new Histogram({
    name: 'anirec_interaction_seconds',
    help: 'Time from receiving a slash command to its answer being sent.',
    labelNames: ['command'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const storeOps = new Counter({ name: 'anirec_store_operations_total', help: 'Ratings store operations by kind and outcome (ok, conflict: another writer came first and the change was applied again, error).', labelNames: ['operation', 'outcome'], registers: [registry] });
  const storeSeconds = new Histogram({
    name: 'anirec_store_seconds',
    help: 'Ratings store operation latency.',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [registry],
  });
  const model = new Gauge({ name: 'anirec_model_info', help: 'The model serving: 1 for its name and fingerprint.', labelNames: ['name', 'fingerprint'], registers: [registry] });
  const shards = new Gauge({ name: 'anirec_shard_status', help: 'Per shard: 1 for its current status (ready, starting, dead).', labelNames: ['shard', 'status'], registers: [registry] });
  return {
    registry,
    observeInteraction(command, outcome, seconds) {
      interactions.inc({ command, outcome });
      interactionSeconds.observe({ command }, seconds);
    },
    observeStore(operation, outcome, seconds) {
      storeOps.inc({ operation, outcome });
      storeSeconds.observe({ operation }, seconds);
    },
    setModel(name, fingerprint) {
      model.reset();
      model.set({ name, fingerprint }, 1);
    },
    setShardStatus(shard, status) {
      for (const s of SHARD_STATUS) shards.set({ shard: String(shard), status: s }, s === status ? 1 : 0);
    },
  };
}

/**
 * The metrics of several registries (a manager's and its shards', each from getMetricsAsJSON()) as one
 * Prometheus text: same-named series are added up (anirec_model_info then counts the shards serving it).
 */
export async function aggregate(parts: object[]): Promise<string> {
  return AggregatorRegistry.aggregate(parts).metrics();
}
