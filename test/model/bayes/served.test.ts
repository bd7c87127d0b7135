/**
 * The Bayesian model served by the composite (bayes/served.ts): chosen on validation, replayed on every
 * row, linear ratings, pruned top-k, saved as a TF.js LayersModel that plain tfjs loads, member vectors
 * of their own version.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { WATCHED, type Dataset } from '../../../src/data/types.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecUser, type ModelSelection } from '../../../src/model/anirecModel.js';
import { BayesExplicit } from '../../../src/model/bayes/index.js';
import { dropTrainedUsers } from '../../../src/model/dropTrainedUsers.js';
import { foldInItem, itemSpaceOf, predictFoldedItem, scoreFoldedItems } from '../../../src/model/itemFoldIn.js';
import { selectTopK } from '../../../src/model/topK.js';
import { makePlanted } from '../../../support/planted.js';

const planted = makePlanted({ users: 160, anime: 50, groups: 2, ratingsPerUser: 16, seed: 5 });
const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'planted-5' };
const common = { explicit: { threads: 1, dim: 4 }, implicit: { threads: 1, dim: 4 }, bayes: { dim: 4, maxSweeps: 16, burnInGrid: [2, 6] }, quiet: true };
const served = await trainAnirecModel(dataset, { ...common, explicitKinds: ['bayes'] });
const embedding = await trainAnirecModel(dataset, { ...common, explicitKinds: ['embedding'] });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-bayes-served-'));
  dirs.push(dir);
  return dir;
};
const profile = { itemIx: Int32Array.of(1, 4, 9, 12, 20, 33), score: Int8Array.of(9, 8, WATCHED, 3, 10, 7) };

describe('the composite with the bayes part', () => {
  it('given the bayes kind then the served model replays the schedule chosen on validation on every row', () => {
    expect(served.info.explicitModel).toBe('bayes');
    expect(served.explicit.link).toBe('linear');
    const selection = served.info.params.selection as ModelSelection;
    expect(selection.explicitKind).toBe('bayes');
    const explicit = served.explicit as BayesExplicit;
    expect(explicit.model.schedule).toEqual(selection.bayesSchedule);
    expect([2, 6]).toContain(selection.bayesSchedule!.burnIn);
    // Every user with a score is in the full fit.
    const scored = new Set<number>();
    for (let r = 0; r < planted.ratings.count; r++) if (planted.ratings.score[r] !== WATCHED) scored.add(planted.ratings.userIx[r]!);
    for (const u of scored) expect(explicit.modelState.userCounts[u]).toBeGreaterThan(0);
  });

  it('given a member then ratings are the clipped linear score and the ranking reads it unclipped', () => {
    const e = served.explicit;
    const user = served.foldIn(profile) as AnirecUser;
    const rating = new Float32Array(planted.ratings.nItems);
    e.scoreItems(user.explicit, rating);
    for (let i = 0; i < rating.length; i++) {
      let z = e.globalOffset + user.explicit.bias + e.itemBias[i]!;
      for (let d = 0; d < e.dim; d++) z += user.explicit.vector[d]! * e.itemFactors[i * e.dim + d]!;
      expect(rating[i]).toBeCloseTo(z, 4);
      expect(served.predictFolded(user, i)).toBeCloseTo(Math.min(10, Math.max(1, z)), 4);
    }
    const pref = new Float32Array(rating.length);
    const parts = new Float32Array(rating.length);
    served.scoreParts(user, pref, parts);
    for (let i = 0; i < rating.length; i++) expect(parts[i]).toBeCloseTo(rating[i]! - user.mean, 4);
  });

  it('given any beta then recommend equals the top of the full ranking score', () => {
    const user = served.foldIn(profile);
    const beta = served.blend.beta;
    for (const b of [beta, 0, 0.5, -0.2]) {
      served.blend = { ...served.blend, beta: b };
      const full = new Float32Array(planted.ratings.nItems);
      served.scoreItems(user, full);
      for (const i of profile.itemIx) full[i] = -Infinity;
      const expected = Array.from(selectTopK(full, 10), (itemIx) => ({ itemIx, score: full[itemIx]! }));
      expect(served.recommend(user, 10, { exclude: profile.itemIx })).toEqual(expected);
    }
    served.blend = { ...served.blend, beta };
  });

  it('given /similar then neighbours come from the bayes anime factors (an anime of the same planted group first)', () => {
    const query = 3;
    const neighbours = served.similar(query, 5);
    expect(neighbours).toHaveLength(5);
    expect(neighbours.map((n) => n.itemIx)).not.toContain(query);
    expect(planted.groupOfItem[neighbours[0]!.itemIx]).toBe(planted.groupOfItem[query]);
  });

  it('given a member vector then it exports as version 4 and imports back to the same picks; vectors of the other link are refused', () => {
    const user = served.foldIn(profile);
    const vector = served.exportUser(user);
    expect(vector[0]).toBe(4);
    const back = served.importUser(Float32Array.from(vector));
    expect(served.recommend(back, 10)).toEqual(served.recommend(user, 10));
    expect(served.predictFolded(back, 7)).toBe(served.predictFolded(user, 7));
    // An embedding-served vector (version 2) is refused, so the service folds the member in again; and back.
    const old = embedding.exportUser(embedding.foldIn(profile));
    expect(old[0]).toBe(2);
    expect(() => served.importUser(old)).toThrow(/fold the person in again/);
    expect(() => embedding.importUser(vector)).toThrow(/fold the person in again/);
  });

  it('given save and load then the same ratings and picks, and plain tfjs loads the explicit graph and predicts what we serve', async () => {
    const dir = join(tempDir(), 'model');
    await saveAnirecModel(served, dir);
    const loaded = await loadAnirecModel(dir);
    expect(loaded.explicit).toBeInstanceOf(BayesExplicit);
    expect(loaded.info.explicitModel).toBe('bayes');
    for (const [u, i] of [[0, 1], [7, 30], [100, 49], [-1, 3]] as const) expect(loaded.predict(u, i)).toBeCloseTo(served.predict(u, i), 5);
    const user = loaded.foldIn(profile);
    expect(loaded.recommend(user, 10).map((n) => n.itemIx)).toEqual(served.recommend(served.foldIn(profile), 10).map((n) => n.itemIx));
    expect(loaded.importUser(served.exportUser(served.foldIn(profile)))).toBeDefined();
    const json = JSON.parse(readFileSync(join(dir, 'explicit', 'model.json'), 'utf8'));
    const bin = readFileSync(join(dir, 'explicit', json.weightsManifest[0].paths[0]));
    const layers = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }));
    const users = [0, 5, 17, 60, 120, 159];
    const items = [1, 3, 8, 21, 30, 49];
    const out = (layers.predict([tf.tensor2d(users, [6, 1], 'int32'), tf.tensor2d(items, [6, 1], 'int32')]) as tf.Tensor).dataSync();
    users.forEach((u, n) => expect(Math.abs(out[n]! - served.predict(u, items[n]!))).toBeLessThan(1e-4));
    layers.dispose();
  });

  it('given members who rated an anime the model does not know then item fold-in goes through the linear link', () => {
    const space = itemSpaceOf(served)!;
    expect(space.link).toBe('linear');
    // Members folded in from planted profiles; each scores a pretend-new anime as the model would rate anime 7.
    const raters = Array.from({ length: 40 }, (_, m) => {
      const rows = Array.from({ length: 8 }, (_, j) => (m * 7 + j * 5) % 50).filter((i) => i !== 7);
      const user = served.foldIn({ itemIx: Int32Array.from(rows), score: Int8Array.from(rows, (i) => (planted.groupOfItem[i] === m % 2 ? 9 : 3)) });
      return { user, score: served.predictFolded(user, 7) };
    });
    const zero = { explicit: new Float64Array(space.explicitDim + 1), implicit: new Float64Array(space.implicitDim) };
    const item = foldInItem(space, raters, zero, 0.01);
    // The linear least squares reproduces the raters' scores (a sigmoid fit through 1..10 would not exactly).
    let sse = 0;
    for (const r of raters) sse += (predictFoldedItem(space, r.user, item) - r.score) ** 2;
    expect(Math.sqrt(sse / raters.length)).toBeLessThan(0.1);
    // The ranking's rating term is the unclipped linear score.
    const person = raters[0]!.user as AnirecUser;
    const score = scoreFoldedItems(space, person, [item])[0]!;
    let z = space.mu + person.explicit.bias + item.bias;
    for (let d = 0; d < space.explicitDim; d++) z += person.explicit.vector[d]! * item.explicit[d]!;
    const xu = person.implicit.vector;
    const dotY = (y: ArrayLike<number>, o: number) => Array.from(xu).reduce((sum, x, d) => sum + x * y[o + d]!, 0);
    let max = 0;
    for (let i = 0; i < space.nItems; i++) max = Math.max(max, dotY(space.implicitFactors, i * space.implicitDim));
    expect(score).toBeCloseTo(dotY(item.implicit, 0) / max + space.beta * (z - person.mean), 4);
  });

  it('given dropped members then they are served and saved as the members\' prior mean no more', async () => {
    const model = await trainAnirecModel(dataset, { ...common, explicitKinds: ['bayes'] });
    const victim = 11;
    const before = model.predict(victim, 2);
    const id = model.explicit.modelState.userIds[victim]!;
    expect(dropTrainedUsers(model, (userId) => userId === id)).toBe(1);
    const e = model.explicit;
    // A zeroed row: the anime bias alone.
    expect(model.predict(victim, 2)).toBeCloseTo(Math.min(10, Math.max(1, e.globalOffset + e.itemBias[2]!)), 5);
    expect(model.predict(victim, 2)).not.toBeCloseTo(before, 5);
    const dir = join(tempDir(), 'model');
    await saveAnirecModel(model, dir);
    const loaded = await loadAnirecModel(dir);
    expect(loaded.predict(victim, 2)).toBeCloseTo(model.predict(victim, 2), 5);
    expect(loaded.userIxOf(id)).toBe(-1);
  });
});
