/**
 * Every knob of the embedding trainer, with its default and meaning, in one place (implicit's factory
 * docstrings). The defaults are the best found by tuning on ../shared/data/mal-sample (real) and
 * ../shared/data/synthetic (full scale); see bench/train.ts and the report in bench/results/train.md.
 */
export type Optimizer = 'adam' | 'rowAdagrad';

export interface TrainOptions {
  /** Width of the user and anime embeddings. */
  dim: number;
  /** Most passes over the training ratings (early stopping may end sooner). */
  epochs: number;
  /** Step size of the optimiser. */
  lr: number;
  /** L2 penalty on the embedding rows a rating touches (applied per update, like LIBMF's lambda). */
  reg: number;
  /** L2 penalty on the user and anime biases. */
  regBias: number;
  /**
   * 'adam': lazy (sparse) Adam, per-parameter moments, only the rows a rating touches are updated, bias
   * correction from each row's own step count. 'rowAdagrad': LIBMF's row-wise adaptive rate (one
   * accumulated squared gradient per row), cheaper per update.
   */
  optimizer: Optimizer;
  /** Adam's first and second moment decay. */
  beta1: number;
  beta2: number;
  /** Worker threads (Hogwild over shared parameters); 0 = one per core. threads: 1 is reproducible. */
  threads: number;
  /** Seeds initialisation and the per-epoch shuffle. */
  seed: number;
  /** Epochs without a better validation RMSE before stopping; the best epoch's weights are kept. */
  patience: number;
  /** Std-dev of the initial embedding entries. */
  initScale: number;
  /** Ridge penalty of fold-in (closed form over the frozen anime factors). */
  foldInReg: number;
  /**
   * The sigmoid maps onto [min - margin, max + margin] of the training scores: with a margin the
   * extreme scores are reachable without saturating the sigmoid (whose gradient vanishes there).
   */
  scaleMargin: number;
  /** Hybrid only: L2 penalty on the genre and type layer. */
  regGenre: number;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = Object.freeze({
  dim: 32,
  epochs: 40,
  lr: 0.005,
  reg: 0.25,
  regBias: 0.005,
  optimizer: 'adam',
  beta1: 0.9,
  beta2: 0.999,
  threads: 0,
  seed: 1,
  patience: 2,
  initScale: 0.05,
  foldInReg: 15,
  regGenre: 0.002,
  scaleMargin: 0,
});
