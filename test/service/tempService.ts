/** The real service on a fresh SQLite store in a temp folder, for tests: the store is closed by `closeAll`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTitleIndex } from '../../src/data/titles.js';
import type { AnirecModel } from '../../src/model/anirecModel.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService, type AnirecService, type ServiceDeps } from '../../src/service/index.js';

const open: RatingsStore[] = [];

export async function serviceOnTempStore(
  model: AnirecModel,
  deps: Partial<Omit<ServiceDeps, 'model' | 'store'>> = {},
): Promise<{ service: AnirecService; store: RatingsStore; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite');
  const store = await openRatingsStore(`sqlite://${file}`, { onError: () => undefined });
  open.push(store);
  const service = createService({ model, store, titles: buildTitleIndex(deps.catalogue ?? model.catalogue), rateLimiter: createRateLimiter({ perMinute: 100_000 }), ...deps });
  return { service, store, file };
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
}
