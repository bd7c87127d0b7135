import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  buildInputs, loadEmbeddingModel, saveEmbeddingModel, trainEmbedding, METADATA_JSON, MODEL_JSON, WEIGHTS_BIN,
  type EmbeddingModel,
} from '../../../src/model/embedding/index.js';
import { ModelInvalidError, ModelMissingError } from '../../../src/errors.js';
import { makePlantedData } from './fixture.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'anirec-'));

async function expectSameServing(a: EmbeddingModel, b: EmbeddingModel, nUsers: number, nItems: number): Promise<void> {
  for (let u = 0; u < nUsers; u += 37) for (let i = 0; i < nItems; i += 11) expect(b.predict(u, i)).toBe(a.predict(u, i));
  const profile = { itemIx: Int32Array.of(1, 5, 9, 30), score: Int8Array.of(10, 9, 2, 7) };
  const fa = a.foldIn(profile), fb = b.foldIn(profile);
  expect(Array.from(fb.vector)).toEqual(Array.from(fa.vector));
  // A watched-only person is their taste prior: the prior and the penalty survive the round trip.
  const watched = { itemIx: Int32Array.of(2, 4, 6), score: Int8Array.of(-1, -1, -1) };
  const wa = a.foldIn(watched), wb = b.foldIn(watched);
  expect(Array.from(wb.vector)).toEqual(Array.from(wa.vector));
  expect(wb.fallback).toBe(wa.fallback);
  expect(Array.from(b.modelState.prior.weights)).toEqual(Array.from(a.modelState.prior.weights));
  expect(b.modelState.prior.shrink).toBe(a.modelState.prior.shrink);
  expect(b.modelState.userPenalty).toEqual(a.modelState.userPenalty);
  expect(b.similar(3, 4)).toEqual(a.similar(3, 4));
}

/** Plain @tensorflow/tfjs loads the saved files with a file handler we build from the bytes. */
async function loadWithPlainTf(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8'));
  const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }));
}

describe.each([false, true])('TF.js model format (hybrid: %s)', (hybrid) => {
  const { data } = makePlantedData({ users: 200, anime: 60, ratingsPerUser: 25, seed: 9 });

  it('given a trained model, then save then load gives identical predictions, fold-in and neighbours', async () => {
    // Two epochs leave room for the refit, so the plain model saves a non-zero taste prior.
    const model = await trainEmbedding(data, { epochs: hybrid ? 8 : 2, threads: 1, hybrid, quiet: true });
    if (!hybrid) expect(model.modelState.prior.weights.some((w) => w !== 0)).toBe(true);
    if (!hybrid) expect(model.modelState.prior.shrink).toBe(model.modelState.options.priorShrink);
    const dir = tempDir();
    await saveEmbeddingModel(model, dir);
    const loaded = await loadEmbeddingModel(dir);
    expect(loaded.name).toBe(hybrid ? 'hybrid' : 'embedding');
    expect(Array.from(loaded.itemFactors)).toEqual(Array.from(model.itemFactors));
    expect(Array.from(loaded.modelState.animeIds)).toEqual(data.catalogue.anime.map((a) => a.animeId));
    expect(Array.from(loaded.modelState.userIds)).toEqual(Array.from(data.ratings.userIds));
    expect(loaded.report.curve).toEqual(model.report.curve);
    await expectSameServing(model, loaded, data.nUsers, data.ratings.nItems);
    rmSync(dir, { recursive: true });
  });

  it("given the saved files, then plain tf.loadLayersModel's predict equals our hand-written prediction", async () => {
    const model = await trainEmbedding(data, { epochs: 8, threads: 1, hybrid, quiet: true });
    const dir = tempDir();
    await saveEmbeddingModel(model, dir);
    const layers = await loadWithPlainTf(dir);
    const users = [0, 3, 17, 150, 199], items = [0, 7, 21, 44, 59];
    const inputs = buildInputs(tf, model.modelState.shape, model.modelState.features, users, items);
    const out = (layers.predict(inputs) as tf.Tensor).dataSync();
    users.forEach((u, k) => expect(Math.abs(out[k]! - model.predict(u, items[k]!))).toBeLessThan(1e-5));
    rmSync(dir, { recursive: true });
  });

  it('given a sigmoid that reaches past the top score, then predictions stop at the top score, in plain TF.js too', async () => {
    const model = await trainEmbedding(data, { epochs: 8, threads: 1, hybrid, quiet: true, topMargin: 4 });
    const shape = model.modelState.shape;
    const scores = Array.from(data.ratings.score).filter((s) => s >= 1);
    expect(shape.top).toBe(Math.max(...scores));
    expect(shape.hi).toBe(shape.top! + 4);
    expect(shape.lo).toBe(Math.min(...scores));
    const users: number[] = [], items: number[] = [];
    for (let u = 0; u < data.nUsers; u += 7) for (let i = 0; i < data.ratings.nItems; i += 3) { users.push(u); items.push(i); }
    // Pull the top down to the median prediction, so half the pairs are clipped.
    const raw = users.map((u, k) => model.predict(u, items[k]!)).sort((a, b) => a - b);
    shape.top = raw[raw.length >> 1]!;
    const ours = users.map((u, k) => model.predict(u, items[k]!));
    expect(Math.max(...ours)).toBe(shape.top);
    expect(ours.filter((p) => p === shape.top).length).toBeGreaterThan(ours.length / 3);
    const dir = tempDir();
    await saveEmbeddingModel(model, dir);
    expect(readFileSync(join(dir, MODEL_JSON), 'utf8')).toContain('"rating_clip"');
    const layers = await loadWithPlainTf(dir);
    const out = (layers.predict(buildInputs(tf, shape, model.modelState.features, users, items)) as tf.Tensor).dataSync();
    ours.forEach((p, k) => expect(Math.abs(out[k]! - p)).toBeLessThan(1e-5));
    rmSync(dir, { recursive: true });
  });
});

describe('loading a model folder', () => {
  it('given a model saved before the prior was scaled by history length, then it loads with the prior in full', async () => {
    const { data } = makePlantedData({ users: 200, anime: 60, ratingsPerUser: 25, seed: 9 });
    const model = await trainEmbedding(data, { epochs: 2, threads: 1, quiet: true });
    const dir = tempDir();
    await saveEmbeddingModel(model, dir);
    const meta = JSON.parse(readFileSync(join(dir, METADATA_JSON), 'utf8'));
    expect(meta.tastePriorShrink).toBe(10);
    delete meta.tastePriorShrink;
    writeFileSync(join(dir, METADATA_JSON), JSON.stringify(meta));
    const old = await loadEmbeddingModel(dir);
    expect(old.modelState.prior.shrink).toBe(0);
    expect(Array.from(old.modelState.prior.weights)).toEqual(Array.from(model.modelState.prior.weights));
    // A short history now folds in further from zero than the scaled prior would put it.
    const watched = { itemIx: Int32Array.of(2, 4), score: Int8Array.of(-1, -1) };
    const norm = (v: Float32Array): number => Math.hypot(...v);
    expect(norm(old.foldIn(watched).vector)).toBeCloseTo(norm(model.foldIn(watched).vector) * (2 + 10) / 2, 4);
    rmSync(dir, { recursive: true });
  });

  it('given an empty folder, then ModelMissingError names the command to run', async () => {
    const dir = tempDir();
    await expect(loadEmbeddingModel(dir)).rejects.toThrow(new ModelMissingError(dir, 'npm run anirec -- train'));
    await expect(loadEmbeddingModel(dir)).rejects.toThrow(`no trained model in ${dir}; run \`npm run anirec -- train\` first`);
  });

  it('given a folder with a broken file, then ModelInvalidError says which', async () => {
    const { data } = makePlantedData({ users: 60, anime: 20, ratingsPerUser: 10, seed: 2 });
    const model = await trainEmbedding(data, { epochs: 2, threads: 1, quiet: true });
    const dir = tempDir();
    await saveEmbeddingModel(model, dir);
    rmSync(join(dir, WEIGHTS_BIN));
    await expect(loadEmbeddingModel(dir)).rejects.toThrow(new ModelInvalidError(dir, 'weights.bin is missing'));
    await saveEmbeddingModel(model, dir);
    writeFileSync(join(dir, METADATA_JSON), '{"format": 99}');
    await expect(loadEmbeddingModel(dir)).rejects.toThrow(
      new ModelInvalidError(dir, 'anirec-embedding.json is not an anirec embedding model description (format 1)'),
    );
    await saveEmbeddingModel(model, dir);
    writeFileSync(join(dir, WEIGHTS_BIN), Buffer.alloc(8));
    await expect(loadEmbeddingModel(dir)).rejects.toBeInstanceOf(ModelInvalidError);
  });
});
