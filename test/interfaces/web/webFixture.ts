/**
 * What the web tests serve: a REAL planted model (test/service/plantedModel.ts), a real SQLite
 * store behind the service, a real `anirec eval` output folder (three cheap models fitted on the same
 * planted data), and the Fastify server listening on 127.0.0.1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../../src/data/dataset.js';
import { writeEvalResults } from '../../../src/interfaces/cli/evalCommand.js';
import { startWebServer, type RunningWebServer } from '../../../src/interfaces/web/server.js';
import { evaluateAll } from '../../../src/model/evaluate.js';
import { openRatingsStore, type RatingsStore } from '../../../src/store/ratingsStore.js';
import { type AnirecService } from '../../../src/service/index.js';
import { composeService } from '../../../src/app/compose.js';
import type { ImportLimiter } from '../../../src/service/rateLimiter.js';
import type { ListImportOptions } from '../../../src/data/lists/index.js';
import { trainPlantedModel, type PlantedModel } from '../../service/plantedModel.js';

export interface WebFixture {
  trained: PlantedModel;
  store: RatingsStore;
  storeFile: string;
  service: AnirecService;
  /** A folder holding eval.json, comparison.svg and curves.svg. */
  evalDir: string;
  close(): Promise<void>;
}

export async function prepareWebFixture(options: { serviceRateLimit?: number; lists?: ListImportOptions; importLimiter?: ImportLimiter } = {}): Promise<WebFixture> {
  const trained = await trainPlantedModel();
  const root = mkdtempSync(join(tmpdir(), 'anirec-web-'));
  const storeFile = join(root, 'store.sqlite');
  const store = await openRatingsStore(`sqlite://${storeFile}`, { onError: () => undefined });
  const service = composeService({
    model: trained.model,
    store,
    rateLimitPerMinute: options.serviceRateLimit ?? 100_000,
    ...(options.lists ? { lists: options.lists } : {}),
    ...(options.importLimiter ? { importLimiter: options.importLimiter } : {}),
  });
  const evalDir = join(root, 'eval');
  const dataset = await loadDataset(trained.dataDir, { cache: false });
  writeEvalResults(await evaluateAll(dataset, ['global-mean', 'baseline', 'popularity'], { seed: 42, log: () => {} }), evalDir);
  return { trained, store, storeFile, service, evalDir, close: () => store.close() };
}

export function serve(
  fixture: WebFixture,
  options: { rateLimitPerMinute?: number; evalDir?: string; now?: () => number; trustProxy?: boolean | string[]; host?: string } = {},
): Promise<RunningWebServer> {
  return startWebServer({
    service: fixture.service,
    evalDir: options.evalDir ?? fixture.evalDir,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    port: 0,
    host: options.host ?? '127.0.0.1',
    ...(options.now ? { now: options.now } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
}
