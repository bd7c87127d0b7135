/**
 * Live model swap: on SIGHUP, or when `anirec train` replaces the model folder (it renames a finished
 * folder into place, so the parent folder sees the change), the new model is loaded beside the serving
 * one and swapped in (liveService.ts); a folder that is missing or half-renamed is retried, a broken
 * model is logged and the serving one stays. The log names the model that serves.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../log.js';
import type { AnirecModel } from '../../model/anirecModel.js';
import type { LiveService, ServingModel } from '../../service/liveService.js';

export interface ModelReloader {
  /** Loads the folder now and serves it if it is a different model; resolves true when it swapped. */
  reload(reason: string): Promise<boolean>;
  close(): void;
}

export function describeServing(serving: ServingModel, dir: string): string {
  return `${serving.model.name} (fingerprint ${serving.fingerprint}, ${serving.model.catalogue.anime.length} anime) from ${dir}`;
}

export function startModelReloader(options: {
  dir: string;
  live: LiveService;
  load: (dir: string) => Promise<AnirecModel>;
  log: Logger;
  watch: boolean;
  /** Told after every swap (metrics). */
  onSwap?: (serving: ServingModel) => void;
  /** Quiet time after the last folder event before loading (a model is written as many files). */
  settleMs?: number;
}): ModelReloader {
  const { dir, live, log } = options;
  const settleMs = options.settleMs ?? 300;
  let queue: Promise<boolean> = Promise.resolve(false);

  const loadAndSwap = async (reason: string): Promise<boolean> => {
    const started = performance.now();
    let model: AnirecModel | undefined;
    // The folder is absent for a moment while train renames the old one aside and the new one in.
    for (let attempt = 1; model === undefined; attempt++) {
      try {
        model = await options.load(dir);
      } catch (error) {
        if (attempt >= 5) {
          log.warn(`model reload (${reason}) failed, still serving ${describeServing(live.current(), dir)}: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    if (!live.swap(model)) {
      log.debug(`model reload (${reason}): the folder holds the model already serving`);
      return false;
    }
    const serving = live.current();
    log.info(`model: now serving ${describeServing(serving, dir)} (${reason}, loaded in ${((performance.now() - started) / 1000).toFixed(2)} s)`);
    options.onSwap?.(serving);
    return true;
  };
  // One reload at a time; a request arriving during one runs after it.
  const reload = (reason: string) => (queue = queue.then(() => loadAndSwap(reason)));

  const onHangup = () => void reload('SIGHUP');
  process.on('SIGHUP', onHangup);

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch) {
    const name = basename(dir);
    try {
      watcher = watch(dirname(dir), (_event, file) => {
        if (file !== name) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload('model folder changed'), settleMs);
      });
      watcher.on('error', (error) => log.warn(`watching ${dirname(dir)} stopped: ${error.message}; SIGHUP still reloads`));
    } catch (error) {
      log.warn(`cannot watch ${dirname(dir)} (${error instanceof Error ? error.message : String(error)}); SIGHUP reloads the model`);
    }
  }
  return {
    reload,
    close() {
      process.off('SIGHUP', onHangup);
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
