import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSplits } from '../../../src/data/splits.js';
import { ImplicitModel, loadImplicitState, saveImplicitState, type ImplicitUser } from '../../../src/model/implicit/index.js';
import { computeGramian, solveCholesky } from '../../../src/model/linalg.js';
import { splitByCost } from '../../../src/model/implicit/alsPool.js';
import type { TrainingData } from '../../../src/model/types.js';
import { makePlanted } from '../../../support/planted.js';

const planted = makePlanted({ users: 300, anime: 120, groups: 4, ratingsPerUser: 30, seed: 7 });
const splits = makeSplits(planted.ratings, { seed: 3 });
const data: TrainingData = { catalogue: planted.catalogue, ratings: planted.ratings, splits, nUsers: planted.ratings.userIds.length };
const options = { dim: 8, iterations: 8, threads: 1 };
const model = new ImplicitModel(options);
await model.fit(data);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Top-k itemIx of a folded person, their own rows excluded. */
function topFor(m: ImplicitModel, user: ImplicitUser, k: number, exclude: Set<number>): number[] {
  const scores = new Float32Array(planted.ratings.nItems);
  m.scoreItems(user, scores);
  return [...scores.keys()].filter((i) => !exclude.has(i)).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
}

function profileOf(userIx: number, rows: Uint32Array) {
  const r = planted.ratings;
  const picked = [...rows].filter((row) => r.userIx[row] === userIx);
  return { itemIx: Int32Array.from(picked, (row) => r.itemIx[row]!), score: Int8Array.from(picked, (row) => r.score[row]!) };
}

describe('linear algebra', () => {
  it('given a symmetric positive-definite system then the Cholesky solve returns its solution', () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const x = [1, -2, 3];
    const b = Float64Array.from([4 * 1 + 2 * -2, 2 * 1 + 5 * -2 + 3, -2 + 9]);
    expect(solveCholesky(a, b, 3)).toBe(true);
    expect(Array.from(b).map((v) => Number(v.toFixed(10)))).toEqual(x);
  });

  it('given a matrix that is not positive definite then the Cholesky solve says so', () => {
    expect(solveCholesky(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toBe(false);
  });

  it('given two rows then the Gramian is their sum of outer products', () => {
    expect(Array.from(computeGramian(Float32Array.from([1, 2, 3, 4]), 2, 2))).toEqual([10, 14, 14, 20]);
  });

  it('given rows of unequal length then the work split balances rows plus non-zeros', () => {
    // Costs (1 + nnz): 11, 1, 1, 11 -> two halves of 12.
    expect(splitByCost(Uint32Array.from([0, 10, 10, 10, 20]), 4, 2)).toEqual([0, 2, 4]);
  });
});

describe('ImplicitModel (WRMF)', () => {
  it('given planted watch groups then a known user\'s top 10 comes mostly from the group they watch', () => {
    let inGroup = 0;
    let total = 0;
    for (let u = 0; u < 60; u++) {
      const profile = profileOf(u, splits.train);
      if (profile.itemIx.length === 0) continue;
      const top = topFor(model, model.foldIn(profile), 10, new Set(profile.itemIx));
      inGroup += top.filter((i) => planted.groupOfItem[i] === planted.lovedGroup[u]).length;
      total += top.length;
    }
    // 60% of watching is in the loved group (a quarter of the anime): chance would give 25%.
    expect(inGroup / total).toBeGreaterThan(0.8);
  });

  it('given a new person who watched (even without scoring) one group then that group fills their top 10', () => {
    const group = 2;
    const watched = [...planted.groupOfItem.keys()].filter((i) => planted.groupOfItem[i] === group).slice(0, 8);
    const person = model.foldIn({ itemIx: Int32Array.from(watched), score: new Int8Array(watched.length).fill(-1) });
    expect(person.fallback).toBeUndefined();
    const top = topFor(model, person, 10, new Set(watched));
    expect(top.filter((i) => planted.groupOfItem[i] === group)).toHaveLength(10);
  });

  it('given the same profile twice then fold-in is identical and the model is untouched', () => {
    const before = Float32Array.from(model.exportState().itemFactors);
    const profile = profileOf(5, splits.train);
    const a = model.foldIn(profile);
    const b = model.foldIn(profile);
    expect(Array.from(a.vector)).toEqual(Array.from(b.vector));
    expect(model.exportState().itemFactors).toEqual(before);
  });

  it('given the same seed then retraining gives the same model and the same fold-ins', async () => {
    const profile = profileOf(11, splits.train);
    const folded = model.foldIn(profile).vector;
    const again = new ImplicitModel({ ...options, iterations: 8 });
    await again.fit(data);
    expect(Array.from(again.foldIn(profile).vector)).toEqual(Array.from(folded));
  });

  it('given an empty profile or unknown anime then fold-in falls back to popularity and says so', () => {
    const person = model.foldIn({ itemIx: Int32Array.from([9999]), score: Int8Array.from([8]) });
    expect(person.fallback).toMatchInlineSnapshot(`"no known anime in the profile: ranked by popularity"`);
    const scores = new Float32Array(planted.ratings.nItems);
    model.scoreItems(person, scores);
    expect(Array.from(scores)).toEqual(Array.from(model.exportState().itemCount));
  });

  it('given a person folded in by another model then scoring refuses, naming that model', () => {
    expect(() => model.scoreItems({ model: 'embedding' }, new Float32Array(planted.ratings.nItems))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFitError: the implicit model cannot use a person folded in by the embedding model]`,
    );
  });

  it('given any pair then predict is the anime mean rating, and the global mean for an unknown anime', () => {
    const { itemMean, globalMean } = model.exportState();
    const rated = itemMean.findIndex((m) => !Number.isNaN(m));
    expect(model.predict(0, rated)).toBe(itemMean[rated]);
    expect(model.predict(0, -1)).toBe(globalMean);
    expect(model.predictFolded(model.foldIn(profileOf(3, splits.train)), rated)).toBe(itemMean[rated]);
  });

  it('given an anime then similar excludes it and returns anime watched by the same people', () => {
    const neighbours = model.similar(0, 5);
    expect(neighbours.map((n) => n.itemIx)).not.toContain(0);
    expect(neighbours.filter((n) => planted.groupOfItem[n.itemIx] === planted.groupOfItem[0]).length).toBeGreaterThanOrEqual(4);
  });

  it('given two worker threads then training gives exactly the single-thread factors', async () => {
    const threaded = new ImplicitModel({ ...options, iterations: 2, threads: 2 });
    const single = new ImplicitModel({ ...options, iterations: 2, threads: 1 });
    const [a, b] = [await threaded.fit(data), await single.fit(data)];
    expect(a.notes?.threads).toBe(2);
    expect(b.notes?.threads).toBe(1);
    expect(threaded.exportState().itemFactors).toEqual(single.exportState().itemFactors);
  });

  it('given a saved model then loading it serves identical scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    dirs.push(dir);
    await saveImplicitState(model.exportState(), dir);
    const loaded = ImplicitModel.fromState(await loadImplicitState(dir));
    const profile = profileOf(8, splits.train);
    const a = new Float32Array(planted.ratings.nItems);
    const b = new Float32Array(planted.ratings.nItems);
    model.scoreItems(model.foldIn(profile), a);
    loaded.scoreItems(loaded.foldIn(profile), b);
    expect(b).toEqual(a);
    expect(loaded.exportState().itemMean).toEqual(model.exportState().itemMean);
  });

  it('given a folder without the implicit files then loading names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    dirs.push(dir);
    await expect(loadImplicitState(dir)).rejects.toThrow(/implicit\.json: cannot read the implicit model/);
  });
});
