/**
 * The saved model is a real TF.js LayersModel: model.json (topology + weights manifest) and weights.bin,
 * which plain @tensorflow/tfjs loads with tf.loadLayersModel. The graph is the model itself: Embedding
 * tables for users, anime and their biases, a Dot, an Add, the global offset and sigmoid as a Dense(1)
 * with kernel [[1]] and bias [mu], the rating scale as a Dense(1) with kernel [[hi - lo]] and bias [lo], and
 * a ReLU with maxValue at the top score (the sigmoid reaches past it: TrainOptions.topMargin).
 * The hybrid adds genre multi-hot (divided by the genre count) and type one-hot inputs through Dense
 * layers onto the anime vector and bias. anirec-embedding.json beside it holds training params, metrics
 * and the id maps. Loading pulls the weights back into Float32Arrays: serving never runs tf ops.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as TfTypes from '@tensorflow/tfjs';
import { ModelInvalidError, ModelMissingError } from '../../errors.js';
import type { FitReport } from '../types.js';
import { loadTf, type Tf } from './backend.js';
import type { UserPenalty } from './foldIn.js';
import { EmbeddingModel, foldInPenalty, type EmbeddingState } from './model.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './options.js';
import type { ItemFeatures, ModelShape, Tables } from './params.js';
import { inputLength, zeroTastePrior } from './tastePrior.js';


export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'anirec-embedding.json';
export const METADATA_FORMAT = 1;
export const TRAIN_COMMAND = 'npm run anirec -- train';

/** Layer names: the contract between save and load (and anyone reading model.json). */
const LAYER = {
  userFactors: 'user_factors', itemFactors: 'item_factors', userBias: 'user_bias', itemBias: 'item_bias',
  genreFactors: 'genre_factors', typeFactors: 'type_factors', genreBias: 'genre_bias', typeBias: 'type_bias',
  offset: 'offset_sigmoid', scale: 'rating_scale', clip: 'rating_clip',
} as const;

interface Metadata {
  format: number;
  model: 'embedding' | 'hybrid';
  shape: ModelShape;
  options: TrainOptions;
  report: FitReport;
  /** userIx -> MyAnimeList user id; itemIx -> anime id. */
  userIds: number[];
  animeIds: number[];
  /** Per userIx, explicit training rows (0 = served bias-only). */
  userCounts: number[];
  /** Hybrid inputs per itemIx: genre indices and type index (-1 none), plus their vocabularies. */
  genreNames: string[];
  typeNames: string[];
  itemGenres: number[][];
  itemType: number[];
  backend: string;
  /** Fold-in: the taste prior's weights ((dim + 2) x (dim + 1)) and the penalty (absent in older models: none, foldInReg). */
  tastePrior?: number[];
  /** The history length at which the prior counts half (absent in older models: 0, in full). */
  tastePriorShrink?: number;
  userPenalty?: UserPenalty;
}

/** Builds the TF.js graph of a model of this shape (weights random until set). */
export function buildLayersModel(tf: Tf, shape: ModelShape): TfTypes.LayersModel {
  const { nUsers, nItems, dim } = shape;
  const user = tf.input({ shape: [1], name: 'user', dtype: 'int32' });
  const item = tf.input({ shape: [1], name: 'item', dtype: 'int32' });
  const embed = (input: TfTypes.SymbolicTensor, rows: number, width: number, name: string): TfTypes.SymbolicTensor =>
    tf.layers.flatten({ name: `${name}_flat` }).apply(
      tf.layers.embedding({ inputDim: rows, outputDim: width, name }).apply(input),
    ) as TfTypes.SymbolicTensor;
  const userVec = embed(user, nUsers, dim, LAYER.userFactors);
  let itemVec = embed(item, nItems, dim, LAYER.itemFactors);
  const logitTerms = [embed(user, nUsers, 1, LAYER.userBias), embed(item, nItems, 1, LAYER.itemBias)];
  const inputs = [user, item];
  if (shape.hybrid) {
    const itemParts = [itemVec];
    if (shape.nGenres > 0) {
      const genres = tf.input({ shape: [shape.nGenres], name: 'genres' });
      inputs.push(genres);
      itemParts.push(tf.layers.dense({ units: dim, useBias: false, name: LAYER.genreFactors }).apply(genres) as TfTypes.SymbolicTensor);
      logitTerms.push(tf.layers.dense({ units: 1, useBias: false, name: LAYER.genreBias }).apply(genres) as TfTypes.SymbolicTensor);
    }
    if (shape.nTypes > 0) {
      const type = tf.input({ shape: [shape.nTypes], name: 'type' });
      inputs.push(type);
      itemParts.push(tf.layers.dense({ units: dim, useBias: false, name: LAYER.typeFactors }).apply(type) as TfTypes.SymbolicTensor);
      logitTerms.push(tf.layers.dense({ units: 1, useBias: false, name: LAYER.typeBias }).apply(type) as TfTypes.SymbolicTensor);
    }
    if (itemParts.length > 1) itemVec = tf.layers.add({ name: 'item_vector' }).apply(itemParts) as TfTypes.SymbolicTensor;
  }
  const dot = tf.layers.dot({ axes: 1, name: 'dot' }).apply([userVec, itemVec]) as TfTypes.SymbolicTensor;
  const logit = tf.layers.add({ name: 'logit' }).apply([dot, ...logitTerms]) as TfTypes.SymbolicTensor;
  const squashed = tf.layers.dense({ units: 1, activation: 'sigmoid', name: LAYER.offset }).apply(logit) as TfTypes.SymbolicTensor;
  let rating = tf.layers.dense({ units: 1, name: LAYER.scale }).apply(squashed) as TfTypes.SymbolicTensor;
  // The clip at the top score: ReLU(maxValue) is min(x, top) here, as x >= lo > 0 (scores are 1..10).
  if (shape.top !== undefined && shape.top < shape.hi) {
    rating = tf.layers.reLU({ maxValue: shape.top, name: LAYER.clip }).apply(rating) as TfTypes.SymbolicTensor;
  }
  return tf.model({ inputs, outputs: rating, name: shape.hybrid ? 'anirec_hybrid' : 'anirec_embedding' });
}

function setLayerWeights(tf: Tf, model: TfTypes.LayersModel, name: string, values: Float32Array[], shapes: number[][]): void {
  const tensors = values.map((v, k) => tf.tensor(v, shapes[k]!, 'float32'));
  model.getLayer(name).setWeights(tensors);
  tf.dispose(tensors);
}

/** Inputs of the graph for a batch of (userIx, itemIx) pairs, hybrid features included. */
export function buildInputs(tf: Tf, shape: ModelShape, features: ItemFeatures, userIx: number[], itemIx: number[]): TfTypes.Tensor[] {
  const n = userIx.length;
  const inputs = [tf.tensor2d(Int32Array.from(userIx), [n, 1], 'int32'), tf.tensor2d(Int32Array.from(itemIx), [n, 1], 'int32')];
  if (shape.hybrid) {
    if (shape.nGenres > 0) {
      const genres = new Float32Array(n * shape.nGenres);
      itemIx.forEach((i, row) => {
        const g0 = features.genreStart[i]!, g1 = features.genreStart[i + 1]!;
        for (let g = g0; g < g1; g++) genres[row * shape.nGenres + features.genreList[g]!] = 1 / (g1 - g0);
      });
      inputs.push(tf.tensor2d(genres, [n, shape.nGenres]));
    }
    if (shape.nTypes > 0) {
      const types = new Float32Array(n * shape.nTypes);
      itemIx.forEach((i, row) => {
        const t = features.typeIx[i]!;
        if (t >= 0) types[row * shape.nTypes + t] = 1;
      });
      inputs.push(tf.tensor2d(types, [n, shape.nTypes]));
    }
  }
  return inputs;
}

function concatWeightData(data: TfTypes.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Writes model.json + weights.bin (TF.js format) and anirec-embedding.json into dir (created if needed). */
export async function saveEmbeddingModel(model: EmbeddingModel, dir: string): Promise<void> {
  const state = model.modelState;
  const { shape, tables, features } = state;
  const { tf, backend } = await loadTf();
  const layers = buildLayersModel(tf, shape);
  const { nUsers, nItems, dim } = shape;
  setLayerWeights(tf, layers, LAYER.userFactors, [tables.P], [[nUsers, dim]]);
  setLayerWeights(tf, layers, LAYER.itemFactors, [tables.Q], [[nItems, dim]]);
  setLayerWeights(tf, layers, LAYER.userBias, [tables.userBias], [[nUsers, 1]]);
  setLayerWeights(tf, layers, LAYER.itemBias, [tables.itemBias], [[nItems, 1]]);
  if (shape.hybrid && shape.nGenres > 0) {
    setLayerWeights(tf, layers, LAYER.genreFactors, [tables.W], [[shape.nGenres, dim]]);
    setLayerWeights(tf, layers, LAYER.genreBias, [tables.genreBias], [[shape.nGenres, 1]]);
  }
  if (shape.hybrid && shape.nTypes > 0) {
    setLayerWeights(tf, layers, LAYER.typeFactors, [tables.T], [[shape.nTypes, dim]]);
    setLayerWeights(tf, layers, LAYER.typeBias, [tables.typeBias], [[shape.nTypes, 1]]);
  }
  setLayerWeights(tf, layers, LAYER.offset, [Float32Array.of(1), Float32Array.of(shape.mu)], [[1, 1], [1]]);
  setLayerWeights(tf, layers, LAYER.scale, [Float32Array.of(shape.hi - shape.lo), Float32Array.of(shape.lo)], [[1, 1], [1]]);

  await mkdir(dir, { recursive: true });
  // Write beside, then rename: a crash mid-save never leaves a half-written model where a good one was.
  await layers.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'anirec',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, `${WEIGHTS_BIN}.tmp`), concatWeightData(artifacts.weightData));
      await writeFile(join(dir, `${MODEL_JSON}.tmp`), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  layers.dispose();
  const metadata: Metadata = {
    format: METADATA_FORMAT,
    model: model.name,
    shape,
    options: state.options,
    report: state.report,
    userIds: Array.from(state.userIds),
    animeIds: Array.from(state.animeIds),
    userCounts: Array.from(state.userCounts),
    genreNames: [],
    typeNames: [],
    itemGenres: shape.hybrid
      ? Array.from({ length: nItems }, (_, i) => Array.from(features.genreList.subarray(features.genreStart[i]!, features.genreStart[i + 1]!)))
      : [],
    itemType: shape.hybrid ? Array.from(features.typeIx) : [],
    backend,
    tastePrior: Array.from(state.prior.weights),
    tastePriorShrink: state.prior.shrink,
    userPenalty: state.userPenalty,
  };
  await writeFile(join(dir, `${METADATA_JSON}.tmp`), JSON.stringify(metadata));
  await rename(join(dir, `${WEIGHTS_BIN}.tmp`), join(dir, WEIGHTS_BIN));
  await rename(join(dir, `${MODEL_JSON}.tmp`), join(dir, MODEL_JSON));
  await rename(join(dir, `${METADATA_JSON}.tmp`), join(dir, METADATA_JSON));
}

async function readJson(path: string, dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelInvalidError(dir, `cannot read ${path.slice(dir.length + 1)}: ${(error as Error).message}`);
  }
}

function readWeights(tf: Tf, model: TfTypes.LayersModel, name: string, expected: number, dir: string): Float32Array {
  let layer: TfTypes.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new ModelInvalidError(dir, `${MODEL_JSON} has no layer "${name}"`);
  }
  const [weights] = layer.getWeights();
  const values = weights ? Float32Array.from(weights.dataSync() as Float32Array) : new Float32Array(0);
  if (values.length !== expected) {
    throw new ModelInvalidError(dir, `layer "${name}" holds ${values.length} weights, expected ${expected}`);
  }
  void tf;
  return values;
}

/** Loads a model saved by saveEmbeddingModel (through tf.loadLayersModel), ready to serve. */
export async function loadEmbeddingModel(dir: string): Promise<EmbeddingModel> {
  const modelPath = join(dir, MODEL_JSON);
  const metaPath = join(dir, METADATA_JSON);
  if (!existsSync(modelPath) && !existsSync(metaPath)) throw new ModelMissingError(dir, TRAIN_COMMAND);
  for (const path of [modelPath, join(dir, WEIGHTS_BIN), metaPath]) {
    if (!existsSync(path)) throw new ModelInvalidError(dir, `${path.slice(dir.length + 1)} is missing`);
  }
  const meta = (await readJson(metaPath, dir)) as Metadata;
  if (meta?.format !== METADATA_FORMAT || !meta.shape || !Array.isArray(meta.userIds) || !Array.isArray(meta.animeIds)) {
    throw new ModelInvalidError(dir, `${METADATA_JSON} is not an anirec embedding model description (format ${METADATA_FORMAT})`);
  }
  const modelJson = (await readJson(modelPath, dir)) as { modelTopology?: object; weightsManifest?: { weights: TfTypes.io.WeightsManifestEntry[] }[] };
  if (!modelJson?.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new ModelInvalidError(dir, `${MODEL_JSON} is not a TF.js layers model`);
  }
  const bin = await readFile(join(dir, WEIGHTS_BIN));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const { tf } = await loadTf();
  let layers: TfTypes.LayersModel;
  try {
    layers = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData }),
    );
  } catch (error) {
    throw new ModelInvalidError(dir, `TF.js cannot load it: ${(error as Error).message}`);
  }
  const shape = meta.shape;
  const { nUsers, nItems, dim } = shape;
  try {
    const tables: Tables = {
      P: readWeights(tf, layers, LAYER.userFactors, nUsers * dim, dir),
      Q: readWeights(tf, layers, LAYER.itemFactors, nItems * dim, dir),
      userBias: readWeights(tf, layers, LAYER.userBias, nUsers, dir),
      itemBias: readWeights(tf, layers, LAYER.itemBias, nItems, dir),
      W: shape.hybrid && shape.nGenres > 0 ? readWeights(tf, layers, LAYER.genreFactors, shape.nGenres * dim, dir) : new Float32Array(0),
      genreBias: shape.hybrid && shape.nGenres > 0 ? readWeights(tf, layers, LAYER.genreBias, shape.nGenres, dir) : new Float32Array(0),
      T: shape.hybrid && shape.nTypes > 0 ? readWeights(tf, layers, LAYER.typeFactors, shape.nTypes * dim, dir) : new Float32Array(0),
      typeBias: shape.hybrid && shape.nTypes > 0 ? readWeights(tf, layers, LAYER.typeBias, shape.nTypes, dir) : new Float32Array(0),
    };
    const offset = readWeights(tf, layers, LAYER.offset, 1, dir);
    const scale = readWeights(tf, layers, LAYER.scale, 1, dir);
    if (Math.abs(offset[0]! - 1) > 1e-6 || Math.abs(scale[0]! - (shape.hi - shape.lo)) > 1e-4) {
      throw new ModelInvalidError(dir, `${MODEL_JSON} and ${METADATA_JSON} disagree on the rating scale`);
    }
    const genreStart = new Int32Array(nItems + 1);
    const itemGenres = meta.itemGenres ?? [];
    for (let i = 0; i < nItems; i++) genreStart[i + 1] = genreStart[i]! + (itemGenres[i]?.length ?? 0);
    const features: ItemFeatures = {
      genreStart,
      genreList: Int32Array.from(itemGenres.flat()),
      typeIx: shape.hybrid ? Int32Array.from(meta.itemType ?? []) : new Int32Array(nItems).fill(-1),
    };
    const options = { ...DEFAULT_TRAIN_OPTIONS, ...meta.options };
    const prior = zeroTastePrior(dim);
    if (meta.tastePrior) {
      if (meta.tastePrior.length !== inputLength(dim) * (dim + 1)) {
        throw new ModelInvalidError(dir, `${METADATA_JSON} holds ${meta.tastePrior.length} taste-prior weights, expected ${inputLength(dim) * (dim + 1)}`);
      }
      prior.weights.set(meta.tastePrior);
      prior.shrink = meta.tastePriorShrink ?? 0;
    }
    const state: EmbeddingState = {
      shape,
      tables,
      features,
      options,
      userCounts: Int32Array.from(meta.userCounts ?? []),
      report: meta.report ?? { seconds: 0 },
      userIds: Int32Array.from(meta.userIds),
      animeIds: Int32Array.from(meta.animeIds),
      prior,
      userPenalty: meta.userPenalty ?? foldInPenalty(options, false),
    };
    return new EmbeddingModel({ hybrid: shape.hybrid }, state);
  } finally {
    layers.dispose();
  }
}
