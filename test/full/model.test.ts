/**
 * The composite model on the shared data sets: new people (held-out users folded in from 80% of their
 * rows) must get a clearly better top 10 than plain popularity, judged on their held-back anime rated
 * 8 or more (Hit@10). The team's known fact: ranking by the explicit model alone loses to popularity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { makeSplits } from '../../src/data/splits.js';
import type { Ratings, Splits } from '../../src/data/types.js';
import { DEFAULT_SPLIT_SEED, loadAnirecModel, trainAnirecModel, type AnirecModel } from '../../src/model/anirecModel.js';
import { trainDefaultModel } from '../../src/model/trainDefault.js';
import { hitsTopK } from '../../src/model/tuneBlend.js';

const shared = resolve(process.env.ANIREC_SHARED_DATA ?? '../shared/data');
const work = mkdtempSync(join(tmpdir(), 'anirec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Hit@10 of the model and of popularity over the held-out users with at least one target rated 8+. */
function heldOutHitAt10(model: AnirecModel, ratings: Ratings, splits: Splits) {
  const profiles = new Map<number, { itemIx: number[]; score: number[] }>();
  const targets = new Map<number, Set<number>>();
  for (const row of splits.profile) {
    const u = ratings.userIx[row]!;
    const p = profiles.get(u) ?? { itemIx: [], score: [] };
    profiles.set(u, p);
    p.itemIx.push(ratings.itemIx[row]!);
    p.score.push(ratings.score[row]!);
  }
  for (const row of splits.target) {
    if (ratings.score[row]! < 8) continue;
    const u = ratings.userIx[row]!;
    targets.set(u, (targets.get(u) ?? new Set<number>()).add(ratings.itemIx[row]!));
  }
  const scores = new Float32Array(ratings.nItems);
  let ours = 0;
  let popular = 0;
  for (const [u, wanted] of targets) {
    const p = profiles.get(u) ?? { itemIx: [], score: [] };
    const exclude = new Set(p.itemIx);
    model.scoreItems(model.foldIn({ itemIx: Int32Array.from(p.itemIx), score: Int8Array.from(p.score) }), scores);
    if (hitsTopK(scores, 10, exclude, wanted)) ours++;
    if (hitsTopK(model.popularity, 10, exclude, wanted)) popular++;
  }
  return { users: targets.size, ours: ours / targets.size, popularity: popular / targets.size };
}

describe('the anirec model on the shared data', () => {
  it('given the real sample then the default model, saved and loaded, beats popularity for new people by a clear margin', async () => {
    const dataDir = join(shared, 'mal-sample');
    const modelDir = join(work, 'mal-model');
    await trainDefaultModel(dataDir, modelDir, { cacheDir: join(work, 'cache'), quiet: true });
    const model = await loadAnirecModel(modelDir);
    const dataset = await loadDataset(dataDir, { cacheDir: join(work, 'cache') });
    const hit = heldOutHitAt10(model, dataset.ratings, makeSplits(dataset.ratings, { seed: DEFAULT_SPLIT_SEED }));
    console.log(`mal-sample: Hit@10 anirec ${hit.ours.toFixed(3)} vs popularity ${hit.popularity.toFixed(3)} over ${hit.users} held-out users; info ${JSON.stringify(model.info.metrics)}`);
    expect(hit.users).toBeGreaterThanOrEqual(50);
    expect(hit.ours).toBeGreaterThanOrEqual(hit.popularity + 0.08);
    expect(model.info.dataFingerprint).toBe(dataset.fingerprint);
  });

  it('given the full-scale synthetic set then the composite beats popularity for new people by a clear margin', async () => {
    const dataset = await loadDataset(join(shared, 'synthetic'), { cacheDir: join(work, 'cache') });
    const splits = makeSplits(dataset.ratings, { seed: DEFAULT_SPLIT_SEED });
    // The plain embedding only: the hybrid trains 4x longer here and has lost on validation RMSE every time.
    const model = await trainAnirecModel(dataset, { splits, explicitKinds: ['embedding'], quiet: true });
    const hit = heldOutHitAt10(model, dataset.ratings, splits);
    console.log(`synthetic: Hit@10 anirec ${hit.ours.toFixed(3)} vs popularity ${hit.popularity.toFixed(3)} over ${hit.users} held-out users; info ${JSON.stringify(model.info.metrics)}`);
    expect(hit.users).toBeGreaterThanOrEqual(1000);
    expect(hit.ours).toBeGreaterThanOrEqual(hit.popularity + 0.05);
  });
});
