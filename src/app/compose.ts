/**
 * The application wired once from the configuration: the served model (trained on first use, the demo
 * set when there is no data), the ratings store, the merged catalogue and its title index, the live
 * service that swaps models, and the reloader that watches the model folder. `anirec start` (bot or
 * console) and `anirec web` both start from here, so every front-end answers from the same catalogue.
 */
import type { Config } from '../config.js';
import { buildTitleIndex } from '../data/titles.js';
import type { Catalogue } from '../data/types.js';
import { silentLogger, type Logger } from '../log.js';
import { loadAnirecModel, type AnirecModel } from '../model/anirecModel.js';
import { createLiveService, type LiveService } from '../service/liveService.js';
import { createMemberServerLimiter, createImportLimiter, createRateLimiter, DEFAULT_SERVER_RATE_LIMIT } from '../service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../store/ratingsStore.js';
import { createService, type AnirecService } from '../service/index.js';
import type { ListImportOptions } from '../data/lists/index.js';
import type { ImportLimiter } from '../service/rateLimiter.js';
import { FORGET_SWEEP_MS } from '../service/forget.js';
import type { Metrics } from '../interfaces/ops/metrics.js';
import { describeServing, startModelReloader, type ModelReloader } from '../interfaces/ops/modelReloader.js';
import { demoNotice, loadOrTrainModel, type ModelSource } from './modelSource.js';
import { loadServingCatalogue, sameAnime } from './servingCatalogue.js';

export interface App {
  model: AnirecModel;
  source: ModelSource;
  store: RatingsStore;
  catalogue: Catalogue;
  live: LiveService;
  reloader: ModelReloader;
  /** Stops watching the model folder and closes the store. */
  close(): Promise<void>;
}

/**
 * One service over a model and a store, wired the way composeApp wires it (its title index, a per-member
 * and per-server command limit): for a single model with no live swap (tests, benchmarks, workers).
 */
export function composeService(options: {
  model: AnirecModel;
  store: RatingsStore;
  rateLimitPerMinute: number;
  log?: Logger;
  catalogue?: Catalogue;
  /** Where list imports read (config); default the environment's. */
  lists?: ListImportOptions;
  /** Imports per member and per server; default 3 and 30 per 10 minutes. */
  importLimiter?: ImportLimiter;
  /** Commands per server and minute (default ANIREC_SERVER_RATE_LIMIT's). */
  serverRateLimitPerMinute?: number;
}): AnirecService {
  const catalogue = options.catalogue ?? options.model.catalogue;
  return createService({
    model: options.model,
    store: options.store,
    catalogue,
    titles: buildTitleIndex(catalogue),
    rateLimiter: createRateLimiter({ perMinute: options.rateLimitPerMinute }),
    commandLimiter: createMemberServerLimiter({ perMember: options.rateLimitPerMinute, perServer: options.serverRateLimitPerMinute ?? DEFAULT_SERVER_RATE_LIMIT }),
    ...(options.lists ? { lists: options.lists } : {}),
    ...(options.importLimiter ? { importLimiter: options.importLimiter } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

/**
 * The service over a saved model with the catalogue the bot serves and no members (an in-memory store):
 * the CLI's one-shot commands answer exactly as the bot would.
 */
export async function composeOffline(config: Pick<Config, 'cacheDir'>, modelDir: string, log: Logger = silentLogger): Promise<{ service: AnirecService; close(): Promise<void> }> {
  const model = await loadAnirecModel(modelDir);
  const catalogue = await loadServingCatalogue(model, config, log);
  const store = await openRatingsStore('sqlite://:memory:');
  // One caller, many people in a row: no per-minute limit.
  const service = composeService({ model, store, catalogue, rateLimitPerMinute: Number.MAX_SAFE_INTEGER, serverRateLimitPerMinute: Number.MAX_SAFE_INTEGER, log });
  return { service, close: () => store.close() };
}

export async function composeApp(config: Config, log: Logger, metrics?: Metrics): Promise<App> {
  const { model, source } = await loadOrTrainModel(config, log);
  const store = await openRatingsStore(config.storeUrl, { onError: (error) => log.error('ratings store', error), ...(metrics ? { observe: metrics.observeStore } : {}) });
  // One rate limiter for every model the process serves: a swap does not hand members a fresh allowance.
  const rateLimiter = createRateLimiter({ perMinute: config.rateLimitPerMinute });
  const commandLimiter = createMemberServerLimiter({ perMember: config.rateLimitPerMinute, perServer: config.serverRateLimitPerMinute });
  const importLimiter = createImportLimiter();
  const lists = { anilistUrl: config.anilistUrl, malApiUrl: config.malApiUrl, malClientId: config.malClientId };
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
    return createService({ model: m, store, catalogue: served, titles: titlesOf(served), rateLimiter, commandLimiter, importLimiter, lists, log });
  });
  const onSwap = metrics ? (serving: ReturnType<LiveService['current']>) => metrics.setModel(serving.model.name, serving.fingerprint) : undefined;
  onSwap?.(live.current());
  log.info(`model: serving ${describeServing(live.current(), source.modelDir)}`);
  if (source.kind === 'demo') log.info(demoNotice(source.modelDir));
  log.info(`store: ${store.description}`);
  const reloader = startModelReloader({ dir: source.modelDir, live, load: loadAnirecModel, log, watch: config.watchModel, ...(onSwap ? { onSwap } : {}) });
  // /forget-me requests a process left half done (it stopped, or the store failed midway) are finished
  // by whichever process looks next: now, and every minute after.
  const finishForgets = () => live.service.finishPendingForgets().catch((error: unknown) => log.warn(`could not look for unfinished /forget-me requests: ${error instanceof Error ? error.message : String(error)}`));
  let sweeping: Promise<unknown> = finishForgets();
  const sweep = setInterval(() => (sweeping = finishForgets()), FORGET_SWEEP_MS);
  sweep.unref();
  return {
    model,
    source,
    store,
    catalogue,
    live,
    reloader,
    async close() {
      reloader.close();
      clearInterval(sweep);
      await sweeping;
      await store.close();
    },
  };
}
