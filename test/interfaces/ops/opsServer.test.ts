/**
 * /metrics and /healthz over HTTP, fed by a real store: store operations and interactions show up in
 * Prometheus text, and /healthz turns 503 when the store stops answering.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/interfaces/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../../src/interfaces/ops/opsServer.js';
import { openRatingsStore } from '../../../src/store/ratingsStore.js';
import { createLogger } from '../../../src/log.js';

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('startOpsServer', () => {
  it('given store operations and interactions then /metrics counts them and /healthz follows the store', async () => {
    const metrics = createMetrics({ defaults: false });
    const store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 'a.sqlite')}`, { observe: metrics.observeStore });
    let storeUp = true;
    const server = await startOpsServer({
      port: 0,
      metrics: () => metrics.registry.metrics(),
      health: async () => ({ ok: storeUp }),
    });
    servers.push(server);
    await store.set('m', { ratings: { '1': 5 }, updatedAt: 1 });
    await store.get('m');
    metrics.observeInteraction('rate', 'ok', 0.004);
    metrics.observeInteraction('rate', 'store_write', 0.02);
    metrics.setModel('anirec', 'abc');
    metrics.setModel('anirec', 'def');
    metrics.setShardStatus(0, 'ready');
    await store.close();

    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('anirec_interactions_total{command="rate",outcome="ok"} 1');
    expect(text).toContain('anirec_interactions_total{command="rate",outcome="store_write"} 1');
    expect(text).toContain('anirec_interaction_seconds_bucket{le="0.005",command="rate"} 1');
    expect(text).toMatch(/anirec_store_operations_total\{operation="write",outcome="ok"\} 1\n/);
    expect(text).toMatch(/anirec_store_operations_total\{operation="read",outcome="ok"\} [12]\n/);
    expect(text).toContain('anirec_model_info{name="anirec",fingerprint="def"} 1');
    expect(text).not.toContain('fingerprint="abc"');
    expect(text).toContain('anirec_shard_status{shard="0",status="ready"} 1');
    expect(text).toContain('anirec_shard_status{shard="0",status="dead"} 0');

    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    storeUp = false;
    const down = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false });
    expect((await fetch(`http://127.0.0.1:${server.port}/nothing`)).status).toBe(404);
  });
});

describe('startOpsServer when a part fails', () => {
  it('given /metrics and /healthz that throw then each answers 500 with a fixed line, and the detail goes to the log, redacted', async () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['hunter22'], write: (line) => lines.push(line) });
    const server = await startOpsServer({
      port: 0,
      log,
      metrics: async () => {
        throw new Error('registry of redis://:hunter22@10.0.0.5:6379 broke at /srv/anirec/src/x.ts');
      },
      health: async () => {
        throw new Error('probe hunter22 failed');
      },
    });
    servers.push(server);
    for (const path of ['/metrics', '/healthz']) {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('internal error (the details are in the log)\n');
    }
    expect(lines).toEqual([
      'ERROR ops: GET /metrics failed: Error: registry of redis://:***@10.0.0.5:6379 broke at /srv/anirec/src/x.ts\n',
      'ERROR ops: GET /healthz failed: Error: probe [redacted] failed\n',
    ]);
  });
});
