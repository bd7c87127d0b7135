/** The Bayesian model's TF.js files: plain @tensorflow/tfjs loads them and predicts what we serve. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BAYES_MODEL_JSON, BayesModel, loadBayesModel, saveBayesModel } from '../../../src/model/bayes/index.js';
import { makePlantedData, profileOf } from '../plantedData.js';

const dir = mkdtempSync(join(tmpdir(), 'anirec-bayes-tf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Bayes model TF.js format', () => {
  const { data } = makePlantedData({ users: 120, anime: 40, ratingsPerUser: 20, seed: 9 });

  it('saves a LayersModel that plain tfjs loads and whose predict equals ours; load gives the same model back', async () => {
    const model = new BayesModel({ dim: 4, sweeps: 12, burnIn: 4, seed: 3 });
    await model.fit({ ...data, splits: { ...data.splits, validation: new Uint32Array(0) } });
    await saveBayesModel(model, dir);
    const json = JSON.parse(readFileSync(join(dir, BAYES_MODEL_JSON), 'utf8'));
    const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
    const layers = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }));
    const users = [0, 5, 17, 33, 60, 99];
    const items = [1, 3, 8, 21, 30, 39];
    const out = (layers.predict([tf.tensor2d(users, [6, 1], 'int32'), tf.tensor2d(items, [6, 1], 'int32')]) as tf.Tensor).dataSync();
    users.forEach((u, n) => expect(Math.abs(out[n]! - model.predict(u, items[n]!))).toBeLessThan(1e-4));
    const loaded = await loadBayesModel(dir);
    for (const u of users) for (const i of items) expect(Math.abs(loaded.predict(u, i) - model.predict(u, i))).toBeLessThan(1e-5);
    const profile = profileOf(data, 3, data.splits.train);
    const a = model.foldIn(profile), b = loaded.foldIn(profile);
    for (const i of items) expect(Math.abs(loaded.predictFolded(b, i) - model.predictFolded(a, i))).toBeLessThan(1e-4);
    expect(loaded.similar(2, 3).map((n) => n.itemIx)).toEqual(model.similar(2, 3).map((n) => n.itemIx));
  });
});
