/**
 * The Bayesian model saved as a TF.js LayersModel that plain @tensorflow/tfjs loads: the posterior-mean
 * tables (members' implicit part and anime features already added, so the graph is a plain biased MF)
 * as Embedding layers, a Dot, an Add, and the clip to 1..10 as Dense(-1) -> ReLU(max 9) -> Dense(+1)
 * (the model is linear: no sigmoid). anirec-bayes.json beside it holds what fold-in needs and the graph
 * does not: the members' learnt prior (μ_U, Λ_U), the noise precision, the implicit y_j table, and the
 * id maps. Loading reads the weights back into typed arrays: serving never runs tf ops.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as TfTypes from '@tensorflow/tfjs';
import { ModelInvalidError, ModelMissingError } from '../../errors.js';
import { loadTf, type Tf } from '../embedding/backend.js';
import type { Posterior } from './gibbs.js';
import { BayesModel } from './model.js';
import type { BayesOptions } from './options.js';

export const BAYES_MODEL_JSON = 'model.json';
export const BAYES_WEIGHTS_BIN = 'weights.bin';
export const BAYES_METADATA_JSON = 'anirec-bayes.json';
const FORMAT = 1;

const LAYER = { userFactors: 'user_factors', itemFactors: 'item_factors', userBias: 'user_bias', itemBias: 'item_bias', offset: 'offset', clip: 'rating_clip', shift: 'rating_shift' } as const;

interface Metadata {
  format: number;
  k: number;
  nUsers: number;
  nItems: number;
  globalMean: number;
  alpha: number;
  userHyper: { mu: number[]; lambda: number[] };
  implicitItems: number[];
  userCounts: number[];
  itemCounts: number[];
  options: Omit<BayesOptions, 'log'>;
  schedule?: { burnIn: number; sweeps: number };
  /** userIx -> MyAnimeList user id (absent in files saved before the model was served). */
  userIds?: number[];
}

/** The graph: rating = min(10, max(1, μ + b_u + b_i + p_u·q_i)). */
export function buildBayesLayers(tf: Tf, nUsers: number, nItems: number, dim: number): TfTypes.LayersModel {
  const user = tf.input({ shape: [1], name: 'user', dtype: 'int32' });
  const item = tf.input({ shape: [1], name: 'item', dtype: 'int32' });
  const embed = (input: TfTypes.SymbolicTensor, rows: number, width: number, name: string) =>
    tf.layers.flatten({ name: `${name}_flat` }).apply(tf.layers.embedding({ inputDim: rows, outputDim: width, name }).apply(input)) as TfTypes.SymbolicTensor;
  const dot = tf.layers.dot({ axes: 1, name: 'dot' }).apply([embed(user, nUsers, dim, LAYER.userFactors), embed(item, nItems, dim, LAYER.itemFactors)]) as TfTypes.SymbolicTensor;
  const logit = tf.layers.add({ name: 'logit' }).apply([dot, embed(user, nUsers, 1, LAYER.userBias), embed(item, nItems, 1, LAYER.itemBias)]) as TfTypes.SymbolicTensor;
  // z + μ - 1, clipped to [0, 9], + 1: ReLU's maxValue is the only clip a plain LayersModel has.
  const shifted = tf.layers.dense({ units: 1, name: LAYER.offset }).apply(logit) as TfTypes.SymbolicTensor;
  const clipped = tf.layers.reLU({ maxValue: 9, name: LAYER.clip }).apply(shifted) as TfTypes.SymbolicTensor;
  const rating = tf.layers.dense({ units: 1, name: LAYER.shift }).apply(clipped) as TfTypes.SymbolicTensor;
  return tf.model({ inputs: [user, item], outputs: rating, name: 'anirec_bayes' });
}

function split(table: Float32Array, rows: number, k: number): { factors: Float32Array; bias: Float32Array } {
  const dim = k - 1;
  const factors = new Float32Array(rows * dim);
  const bias = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    factors.set(table.subarray(r * k, r * k + dim), r * dim);
    bias[r] = table[r * k + dim]!;
  }
  return { factors, bias };
}

function join2(factors: Float32Array, bias: Float32Array, rows: number, k: number): Float32Array {
  const dim = k - 1;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    out.set(factors.subarray(r * dim, r * dim + dim), r * k);
    out[r * k + dim] = bias[r]!;
  }
  return out;
}

/** Writes model.json + weights.bin (TF.js format) and anirec-bayes.json into dir. Serves the posterior means. */
export async function saveBayesModel(model: BayesModel, dir: string): Promise<void> {
  const p = model.posterior;
  const { tf } = await loadTf(() => {});
  const dim = p.k - 1;
  const layers = buildBayesLayers(tf, p.nUsers, p.nItems, dim);
  const users = split(p.users, p.nUsers, p.k);
  const items = split(p.items, p.nItems, p.k);
  const set = (name: string, values: Float32Array[], shapes: number[][]) => {
    const tensors = values.map((v, n) => tf.tensor(v, shapes[n]!, 'float32'));
    layers.getLayer(name).setWeights(tensors);
    tf.dispose(tensors);
  };
  set(LAYER.userFactors, [users.factors], [[p.nUsers, dim]]);
  set(LAYER.itemFactors, [items.factors], [[p.nItems, dim]]);
  set(LAYER.userBias, [users.bias], [[p.nUsers, 1]]);
  set(LAYER.itemBias, [items.bias], [[p.nItems, 1]]);
  set(LAYER.offset, [Float32Array.of(1), Float32Array.of(p.globalMean - 1)], [[1, 1], [1]]);
  set(LAYER.shift, [Float32Array.of(1), Float32Array.of(1)], [[1, 1], [1]]);
  await mkdir(dir, { recursive: true });
  await layers.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData;
    const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
    const bytes = new Uint8Array(parts.reduce((a, b) => a + b.byteLength, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(new Uint8Array(part), at);
      at += part.byteLength;
    }
    await writeFile(join(dir, `${BAYES_WEIGHTS_BIN}.tmp`), bytes);
    await writeFile(join(dir, `${BAYES_MODEL_JSON}.tmp`), JSON.stringify({
      format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`, convertedBy: 'anirec',
      modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: [`./${BAYES_WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  layers.dispose();
  const { log: _log, ...options } = model.options;
  const meta: Metadata = {
    format: FORMAT, k: p.k, nUsers: p.nUsers, nItems: p.nItems, globalMean: p.globalMean, alpha: p.alpha,
    userHyper: { mu: Array.from(p.userHyper.mu), lambda: Array.from(p.userHyper.lambda) },
    implicitItems: Array.from(p.implicitItems), userCounts: Array.from(p.userCounts), itemCounts: Array.from(p.itemCounts),
    options, ...(model.schedule ? { schedule: model.schedule } : {}), userIds: Array.from(model.userIds),
  };
  await writeFile(join(dir, `${BAYES_METADATA_JSON}.tmp`), JSON.stringify(meta));
  for (const file of [BAYES_WEIGHTS_BIN, BAYES_MODEL_JSON, BAYES_METADATA_JSON]) await rename(join(dir, `${file}.tmp`), join(dir, file));
}

/** Loads a model saved by saveBayesModel (through tf.loadLayersModel). */
export async function loadBayesModel(dir: string): Promise<BayesModel> {
  const metaPath = join(dir, BAYES_METADATA_JSON);
  if (!existsSync(metaPath)) throw new ModelMissingError(dir, 'npm run anirec -- train');
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Metadata;
  if (meta.format !== FORMAT) throw new ModelInvalidError(dir, `${BAYES_METADATA_JSON} is not an anirec Bayes model (format ${FORMAT})`);
  const json = JSON.parse(await readFile(join(dir, BAYES_MODEL_JSON), 'utf8')) as { modelTopology: object; weightsManifest: { weights: TfTypes.io.WeightsManifestEntry[] }[] };
  const bin = await readFile(join(dir, BAYES_WEIGHTS_BIN));
  const { tf } = await loadTf(() => {});
  const layers = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }));
  const read = (name: string) => Float32Array.from(layers.getLayer(name).getWeights()[0]!.dataSync() as Float32Array);
  const { k, nUsers, nItems } = meta;
  const lambda = Float64Array.from(meta.userHyper.lambda);
  const mu = Float64Array.from(meta.userHyper.mu);
  const lambdaMu = new Float64Array(k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) lambdaMu[a] = lambdaMu[a]! + lambda[a * k + b]! * mu[b]!;
  const posterior: Posterior = {
    k, nUsers, nItems, globalMean: meta.globalMean, alpha: meta.alpha,
    users: join2(read(LAYER.userFactors), read(LAYER.userBias), nUsers, k),
    items: join2(read(LAYER.itemFactors), read(LAYER.itemBias), nItems, k),
    implicitItems: Float32Array.from(meta.implicitItems), samples: [],
    userHyper: { k, mu, lambda, lambdaMu }, itemHyper: { k, mu: new Float64Array(k), lambda: new Float64Array(k * k), lambdaMu: new Float64Array(k) },
    userCounts: Int32Array.from(meta.userCounts), itemCounts: Int32Array.from(meta.itemCounts),
  };
  layers.dispose();
  return BayesModel.fromPosterior({ ...meta.options, serve: 'mean' }, posterior, meta.schedule, Int32Array.from(meta.userIds ?? []));
}
