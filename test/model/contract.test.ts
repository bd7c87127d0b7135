/**
 * One contract suite over every registered model (implicit's recommender_base_test, Surprise's unknown
 * user/item sweep), on a small planted set with a known answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFitError } from '../../src/errors.js';
import type { Recommender } from '../../src/model/types.js';
import { MODEL_NAMES, createModel } from '../../src/model/registry.js';
import { makePlantedData, profileOf } from './plantedData.js';

const fixture = makePlantedData();
const { data, unratedItem, unknownUser } = fixture;
const knownPairs = Array.from(data.splits.test.subarray(0, 40), (r) => [data.ratings.userIx[r]!, data.ratings.itemIx[r]!] as const);
const newcomer = profileOf(data, unknownUser, data.splits.profile);

describe.each(MODEL_NAMES.map((name) => [name]))('model %s', (name) => {
  let model: Recommender;

  beforeAll(async () => {
    model = await createModel(name);
    await model.fit(data);
  }, 120_000);

  it('given known users then it predicts within the rating scale', () => {
    expect(model.name).toBe(name);
    for (const [u, i] of knownPairs) {
      const p = model.predict(u, i);
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(10);
    }
  });

  it('given an unknown user or an anime nobody rated then it falls back to a finite rating without throwing', () => {
    for (const p of [model.predict(unknownUser, 0), model.predict(knownPairs[0]![0], unratedItem), model.predict(unknownUser, unratedItem)]) {
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(10);
    }
  });

  it('given a fold-in then the model is left untouched', () => {
    const before = knownPairs.map(([u, i]) => model.predict(u, i));
    const folded = model.foldIn(newcomer);
    expect(folded.model).toBe(name);
    expect(knownPairs.map(([u, i]) => model.predict(u, i))).toEqual(before);
  });

  it('given a new person then predictFolded is finite and scoreItems is finite or refused with ModelFitError', () => {
    const folded = model.foldIn(newcomer);
    for (let i = 0; i <= unratedItem; i++) expect(Number.isFinite(model.predictFolded(folded, i))).toBe(true);
    const out = new Float32Array(data.ratings.nItems);
    try {
      model.scoreItems(folded, out);
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFitError);
      expect((error as Error).message).toMatch(new RegExp(`^(the )?${name}`));
      return;
    }
    expect(out.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('given an empty profile then fold-in says why it fell back and still predicts', () => {
    const folded = model.foldIn({ itemIx: new Int32Array(0), score: new Int8Array(0) });
    expect(typeof folded.fallback).toBe('string');
    expect(Number.isFinite(model.predictFolded(folded, 0))).toBe(true);
  });

  it('given an anime then similar() excludes it and returns at most k, or is refused with ModelFitError', () => {
    let neighbours;
    try {
      neighbours = model.similar(0, 5);
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFitError);
      expect((error as Error).message).toContain('similar');
      return;
    }
    expect(neighbours.length).toBeGreaterThan(0);
    expect(neighbours.length).toBeLessThanOrEqual(5);
    expect(neighbours.map((n) => n.itemIx)).not.toContain(0);
    for (const n of neighbours) expect(Number.isFinite(n.score)).toBe(true);
  });
});
