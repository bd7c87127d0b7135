/**
 * Every knob of the embedding trainer, with its default and meaning, in one place (implicit's factory
 * docstrings). The defaults are the best found by tuning on ../shared/data/mal-sample (real) and
 * ../shared/data/synthetic (full scale, tuned on a quarter of its users for speed), with makeSplits:
 * held-out RMSE 1.217 on the real sample (reg 0.3 with regExponent 0 gave 1.214 there but 1.30 on
 * synthetic; reg 0.1 gave 1.243 on both: regExponent 0.5 serves both).
 * bench/train.ts measures them against LIBMF (bench/results/train.md).
 */
export type Optimizer = 'adam' | 'rowAdagrad';
export type EpochOrder = 'users' | 'ratings';

export interface TrainOptions {
  /** Width of the user and anime embeddings. */
  dim: number;
  /** Most passes over the training ratings (early stopping may end sooner). */
  epochs: number;
  /** Step size of the optimiser. */
  lr: number;
  /** L2 penalty on the embedding rows a rating touches (applied per update, like LIBMF's lambda). */
  reg: number;
  /**
   * Each update's factor penalty is reg * count^-regExponent, count = the row's training ratings.
   * 0 is LIBMF's (every update pays reg, so a row's total penalty grows with its count); 1 gives every
   * row the same total. 0.5 in between fits both the small real sample and the full-size set.
   */
  regExponent: number;
  /** L2 penalty on the user and anime biases. */
  regBias: number;
  /**
   * 'adam': lazy (sparse) Adam, per-parameter moments, only the rows a rating touches are updated, bias
   * correction from each row's own step count. 'rowAdagrad': LIBMF's row-wise adaptive rate (one
   * accumulated squared gradient per row, no momentum). Measured on the synthetic set (2 threads, dim
   * 32): rowAdagrad runs about 2x Adam's updates/s but lands at a worse RMSE on the real sample
   * (1.233 vs 1.216); an Adam with one second moment per row was no faster than full Adam (its cost is
   * memory traffic on the moments, not square roots), so it was dropped.
   */
  optimizer: Optimizer;
  /** Adam's first and second moment decay. */
  beta1: number;
  beta2: number;
  /**
   * Epoch order: 'users' visits users in a shuffled order with each one's ratings shuffled together
   * (cache-friendly, threads never share a user row); 'ratings' shuffles all ratings uniformly.
   */
  order: EpochOrder;
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
  epochs: 50,
  lr: 0.005,
  reg: 2.5,
  regExponent: 0.5,
  regBias: 0.005,
  optimizer: 'adam',
  beta1: 0.9,
  beta2: 0.999,
  order: 'users',
  threads: 0,
  seed: 1,
  patience: 3,
  initScale: 0.05,
  foldInReg: 15,
  regGenre: 0.002,
  scaleMargin: 0,
});
