import { describe, expect, it } from 'vitest';
import { trainEmbedding, NO_EXPLICIT_RATINGS } from '../../../src/model/embedding/index.js';
import { globalMeanRmse, makePlantedData, rmseOf } from './fixture.js';

const QUICK = { epochs: 40, threads: 1, quiet: true } as const;

describe('embedding model on planted tastes', () => {
  const { planted, data } = makePlantedData({ users: 400, anime: 120, ratingsPerUser: 40, seed: 3 });

  it('given planted groups, then held-out RMSE is far below the global mean', async () => {
    const model = await trainEmbedding(data, QUICK);
    const ours = rmseOf((u, i) => model.predict(u, i), data, data.splits.test);
    const mean = globalMeanRmse(data);
    expect(model.name).toBe('embedding');
    expect(ours).toBeLessThan(mean * 0.6);
  });

  it('given a new person who loves group A, then fold-in puts group-A anime at the top', async () => {
    const model = await trainEmbedding(data, QUICK);
    const loved = 2, hated = 0;
    const items: number[] = [], scores: number[] = [];
    for (let i = 0; i < 40; i++) {
      const g = planted.groupOfItem[i]!;
      if (g === loved) { items.push(i); scores.push(9); }
      else if (g === hated) { items.push(i); scores.push(2); }
      else if (i % 2 === 0) { items.push(i); scores.push(6); }
    }
    const person = model.foldIn({ itemIx: Int32Array.from(items), score: Int8Array.from(scores) });
    expect(person.fallback).toBeUndefined();
    const out = new Float32Array(planted.ratings.nItems);
    model.scoreItems(person, out);
    const unseen = Array.from(out.keys()).filter((i) => !items.includes(i)).sort((a, b) => out[b]! - out[a]!);
    const top10 = unseen.slice(0, 10).map((i) => planted.groupOfItem[i]);
    expect(top10.filter((g) => g === loved).length).toBeGreaterThanOrEqual(9);
    const bottom10 = unseen.slice(-10).map((i) => planted.groupOfItem[i]);
    expect(bottom10.filter((g) => g === hated).length).toBeGreaterThanOrEqual(8);
    expect(model.predictFolded(person, unseen[0]!)).toBeCloseTo(out[unseen[0]!]!, 5);
  });

  it('given only watched rows, then fold-in falls back to the anime biases and says so', async () => {
    const model = await trainEmbedding(data, QUICK);
    const person = model.foldIn({ itemIx: Int32Array.of(1, 2, 3), score: Int8Array.of(-1, -1, -1) });
    expect(person.fallback).toBe(NO_EXPLICIT_RATINGS);
    expect(model.predictFolded(person, 5)).toBeCloseTo(model.activate(model.globalOffset + model.itemBias[5]!), 6);
  });

  it('given a person folded in twice, then both vectors are identical (deterministic)', async () => {
    const model = await trainEmbedding(data, QUICK);
    const profile = { itemIx: Int32Array.of(0, 4, 8, 13, 21), score: Int8Array.of(9, 8, 10, 3, -1) };
    const a = model.foldIn(profile), b = model.foldIn(profile);
    expect(Array.from(a.vector)).toEqual(Array.from(b.vector));
    expect(a.bias).toBe(b.bias);
  });

  it('given an anime, then similar() returns others of its group by cosine, itself excluded', async () => {
    const model = await trainEmbedding(data, QUICK);
    const neighbours = model.similar(6, 5);
    expect(neighbours).toHaveLength(5);
    expect(neighbours.map((n) => n.itemIx)).not.toContain(6);
    for (const n of neighbours) expect(planted.groupOfItem[n.itemIx]).toBe(planted.groupOfItem[6]);
    for (let k = 1; k < neighbours.length; k++) expect(neighbours[k - 1]!.score).toBeGreaterThanOrEqual(neighbours[k]!.score);
  });

  it('given a user with no training rows, then predict serves the anime bias alone', async () => {
    const model = await trainEmbedding(data, QUICK);
    const trainUsers = new Set(Array.from(data.splits.train, (r) => data.ratings.userIx[r]));
    expect(trainUsers.size).toBe(data.nUsers);
    const bigger = { ...data, nUsers: data.nUsers + 1 };
    const model2 = await trainEmbedding(bigger, QUICK);
    expect(model2.predict(data.nUsers, 7)).toBeCloseTo(model2.activate(model2.globalOffset + model2.itemBias[7]!), 6);
    expect(model.predict(0, 7)).not.toBeCloseTo(model.activate(model.globalOffset + model.itemBias[7]!), 3);
  });
});
