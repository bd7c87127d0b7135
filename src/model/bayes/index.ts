/** The Bayesian factor model's public API. */
export { BayesModel, fitChain, scoredRows, BAYES_NO_RATINGS, type BayesFoldedUser } from './model.js';
export { DEFAULT_BAYES_OPTIONS, resolveBayesOptions, type BayesOptions } from './options.js';
export { runChain, type ChainResult, type Posterior, type SweepRecord } from './gibbs.js';
export { saveBayesModel, loadBayesModel, buildBayesLayers, BAYES_MODEL_JSON, BAYES_WEIGHTS_BIN, BAYES_METADATA_JSON } from './tfFormat.js';
export { BayesExplicit } from './served.js';
