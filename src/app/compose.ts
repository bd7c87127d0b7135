/**
 * The application wired once from the configuration: the served model (trained on first use, the demo
 * set when there is no data), the ratings store, the merged catalogue and its title index, the live
 * service that swaps models, and the reloader that watches the model folder. `anirec start` (bot or
 * console) and `anirec web` both start from here, so every front-end answers from the same catalogue.
 */
import type { Config } from '../config.js';
import { buildTitleIndex } from '../data/titles.js';
import type { Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import { loadAnirecModel, type AnirecModel } from '../model/anirecModel.js';
import { createLiveService, type LiveService } from '../service/liveService.js';
import { createMemberServerLimiter, createImportLimiter, createRateLimiter } from '../service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../store/ratingsStore.js';
import { createService } from '../service/index.js';
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
