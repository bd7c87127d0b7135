/**
 * The explicit embedding model's public API: train, serve, save and load. Other modules import from here.
 */
export { DEFAULT_TRAIN_OPTIONS, type Optimizer, type TrainOptions } from './options.js';
export { EmbeddingModel, trainEmbedding, type EmbeddingFitOptions, type EmbeddingFoldedUser, type EmbeddingState, type FitSchedule } from './model.js';
export { saveEmbeddingModel, loadEmbeddingModel, buildLayersModel, buildInputs, MODEL_JSON, WEIGHTS_BIN, METADATA_JSON } from './tfFormat.js';
export { loadTf, type LoadedTf } from './backend.js';
export { NO_EXPLICIT_RATINGS } from './foldIn.js';
export type { EpochStats } from './progress.js';
