/** The served composite with its item-item part: the chosen setting is saved, loaded and replayed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSplits } from '../../../src/data/splits.js';
import type { Dataset } from '../../../src/data/types.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel } from '../../../src/model/anirecModel.js';
import { makePlanted } from '../../../support/planted.js';

const planted = makePlanted({ users: 200, anime: 60, groups: 3, ratingsPerUser: 15, seed: 5 });
const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'planted-5' };
const common = { splits: makeSplits(planted.ratings, { seed: 1 }), explicit: { threads: 1, dim: 4 }, implicit: { threads: 1, dim: 3 }, quiet: true, explicitKinds: ['embedding' as const] };
const model = await trainAnirecModel(dataset, { ...common, ease: { lambda: 7, minCount: 1 }, easeWeight: 0.6 });
const profile = { itemIx: Int32Array.of(0, 3, 6, 9, 9), score: Int8Array.of(9, -1, 8, 7, 7) };

describe('the served item-item part', () => {
  it('given a trained model then its EASE settings and weight are in what it says it used', () => {
    expect(model.ease?.options).toEqual({ lambda: 7, lambdaPerPerson: 0.2, maxItems: 2000, minCount: 1 });
    expect(model.ease?.lambda).toBe(7);
    expect(model.blend.easeWeight).toBe(0.6);
    expect(model.info.params.ease).toEqual({ lambda: 7, lambdaPerPerson: 0.2, maxItems: 2000, minCount: 1 });
    const person = model.foldIn(profile);
    expect(Array.from(person.items!)).toEqual([0, 3, 6, 9]);
  });

  it('given the model saved and loaded then the same weights, blend and picks come back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anirec-served-ease-'));
    try {
      await saveAnirecModel(model, join(dir, 'model'));
      const loaded = await loadAnirecModel(join(dir, 'model'));
      expect(loaded.ease).toEqual(model.ease);
      expect(loaded.blend).toEqual(model.blend);
      const exclude = profile.itemIx;
      expect(loaded.recommend(loaded.foldIn(profile), 10, { exclude })).toEqual(model.recommend(model.foldIn(profile), 10, { exclude }));
      // A stored member vector (version 2, with the member's anime) serves the same picks.
      const stored = model.exportUser(model.foldIn(profile));
      expect(stored[0]).toBe(2);
      expect(loaded.recommend(loaded.importUser(stored), 10, { exclude })).toEqual(model.recommend(model.foldIn(profile), 10, { exclude }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('given the item-item part on or off then its weight moves the picks, and a model without it keeps version-1 vectors', async () => {
    const without = await trainAnirecModel(dataset, { ...common, ease: false, beta: model.blend.beta });
    expect(without.ease).toBeUndefined();
    expect(without.foldIn(profile).items).toBeUndefined();
    expect(without.exportUser(without.foldIn(profile))[0]).toBe(1);
    // The same model with weight 0 ranks by WRMF alone: same scores as without the part's share.
    const scores = new Float32Array(planted.ratings.nItems);
    const zero = new Float32Array(planted.ratings.nItems);
    const person = model.foldIn(profile);
    model.scoreItems(person, scores);
    const saved = model.blend;
    model.blend = { ...saved, easeWeight: 0 };
    model.scoreItems(person, zero);
    model.blend = saved;
    expect(scores).not.toEqual(zero);
    // A version-1 vector lacks the member's anime: the model with the part asks to fold in again.
    expect(() => model.importUser(without.exportUser(without.foldIn(profile)))).toThrow(/fold the person in again/);
  });
});
