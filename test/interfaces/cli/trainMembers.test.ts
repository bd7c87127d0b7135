import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnirecModel } from '../../../src/model/anirecModel.js';
import { openRatingsStore } from '../../../src/store/ratingsStore.js';
import { makePlanted, writePlanted } from '../../../support/planted.js';

const root = resolve(import.meta.dirname, '../../..');
const FRIEREN = 52991;

describe('anirec train with the store\'s members', () => {
  it('given members who rated an anime newer than anime.csv then the saved model knows it, reports both RMSEs and keeps no member', async () => {
    const work = mkdtempSync(join(tmpdir(), 'anirec-'));
    const planted = makePlanted({ users: 150, anime: 40, groups: 2, ratingsPerUser: 15, seed: 3 });
    const dataDir = writePlanted(join(work, 'data'), planted);
    const storeUrl = `sqlite://${join(work, 'store.sqlite')}`;
    const store = await openRatingsStore(storeUrl);
    for (let m = 0; m < 20; m++) {
      const ratings: Record<string, number> = { [String(FRIEREN)]: 9 };
      for (let j = 0; j < 8; j++) ratings[String(1000 + ((m + j * 2) % 40))] = 1 + ((m + j) % 10);
      await store.set(`${1_100_000_000_000_000_000n + BigInt(m)}`, { ratings, updatedAt: 1 });
    }
    await store.set('gone-member', { ratings: {}, updatedAt: 1 });
    await store.close();
    const modelDir = join(work, 'model');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'train', '--data', dataDir, '--model', modelDir, '--threads', '1', '--dim', '8', '--epochs', '4', '--explicit', 'embedding'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ANIREC_CACHE_DIR: join(work, 'cache'), ANIREC_STORE_URL: storeUrl } },
    );
    expect(run.stderr).toContain('anirec train: 20 members of the store join as users: 180 rows (180 scored), 20 of 1 anime newer than anime.csv');
    expect(run.stderr).toMatch(/test RMSE \d+\.\d+ on MyAnimeList users' rows \(\d+\), (\d+\.\d+|-) on members' rows \(\d+\)/);
    expect(run.status).toBe(0);
    const catalogue = JSON.parse(readFileSync(join(modelDir, 'catalogue.json'), 'utf8')) as { anime: { animeId: number }[] };
    expect(catalogue.anime.at(-1)!.animeId).toBe(FRIEREN);
    const model = await loadAnirecModel(modelDir);
    const ix = model.catalogue.ixByAnimeId.get(FRIEREN)!;
    expect(model.ratingCount[ix]).toBeGreaterThan(0);
    expect(model.info.metrics.testRmseMalUsers).toBeGreaterThan(0);
    // No member's row is kept: no negative id, and as many untrained rows as members that were trained.
    expect(Array.from(model.explicit.modelState.userIds).filter((id) => id < 0)).toEqual([]);
  }, 120_000);
});
