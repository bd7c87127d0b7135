/**
 * Every knob of the Bayesian factor model (BPMF with biases, Gibbs-sampled), with its default and what
 * chose it. Defaults were chosen on validation rows only (see docs/model-bayes.md for the figures).
 */
import type { NormalWishartPrior } from './wishart.js';

export interface BayesOptions {
  /** Factors per member and anime (each row also carries its bias, so rows are dim + 1 wide). */
  dim: number;
  /** Most sweeps of a selection run (the full fit replays the chosen count). */
  maxSweeps: number;
  /**
   * Burn-in candidates: for each, the predictions of every later sweep are averaged, and validation
   * RMSE picks the (burn-in, last sweep) pair. Values at or past maxSweeps are ignored.
   */
  burnInGrid: number[];
  /** Used when there are no validation rows to choose on (and replayed by a fit on every row). */
  burnIn: number;
  sweeps: number;
  /** Normal-Wishart hyperprior of both sides. */
  prior: NormalWishartPrior;
  /** Gamma(shape, rate) prior of the noise precision α (weak: the data sets α). */
  noiseShape: number;
  noiseRate: number;
  /**
   * SVD++-style implicit block: every anime in a member's history (watched included) adds y_j to them.
   * Real sample, 5-fold CV (dim 16, burn-in 10 of 40 sweeps, no anime features): 1.2490 without, 1.2410
   * with (better in each fold).
   */
  implicit: boolean;
  /**
   * The anime's genres and type as features of the anime (the hybrid's genre layer, sampled the same way).
   * Real sample, 5-fold CV (bench/bayesCv.ts, dim 16, burn-in 10 of 40 sweeps): 1.2410 ± 0.008 without,
   * 1.2187 ± 0.006 with (better in each fold).
   */
  itemFeatures: boolean;
  /**
   * Warm-up sweeps that take each row's conditional mean (ALS with a fixed ridge, mapPrecision) before
   * sampling starts: from small random factors the hyperprior reads a tiny spread, pulls every row to
   * zero, and the chain took 20+ sweeps to escape on the synthetic set.
   */
  mapSweeps: number;
  mapPrecision: number;
  /** Std-dev of the initial factors (biases start at 0). */
  initScale: number;
  seed: number;
  /**
   * What serves predictions after the chain: 'mean' the posterior-mean factors (one table per side, what
   * a TF.js embedding graph holds), 'samples' the average of keptSamples sampled tables' predictions.
   */
  serve: 'mean' | 'samples';
  /** 'samples' only: how many sampled tables are kept (spread evenly over the kept sweeps). */
  keptSamples: number;
  /**
   * Worker threads that draw the rows of one side (given the other side they are independent). Every row
   * has its own seed, so a seeded run gives the same numbers at any thread count. 0: one per core from
   * AUTO_THREADS_ROWS explicit rows up (gibbs.ts), else one.
   */
  threads: number;
  /** With validation rows: refit on train + validation with the chosen schedule (as LIBMF's peer does). */
  refitWithValidation: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_BAYES_OPTIONS: Readonly<Omit<BayesOptions, 'log'>> = Object.freeze({
  dim: 16,
  maxSweeps: 60,
  burnInGrid: [5, 10, 20, 40],
  burnIn: 10,
  sweeps: 60,
  prior: { beta0: 2, extraDof: 0, w0Scale: 1 },
  noiseShape: 1,
  noiseRate: 1,
  implicit: true,
  itemFeatures: true,
  mapSweeps: 3,
  mapPrecision: 10,
  initScale: 0.1,
  seed: 1,
  serve: 'mean',
  keptSamples: 8,
  threads: 1,
  refitWithValidation: true,
});

export function resolveBayesOptions(options: Partial<BayesOptions> = {}): BayesOptions {
  return { ...DEFAULT_BAYES_OPTIONS, ...options, prior: { ...DEFAULT_BAYES_OPTIONS.prior, ...(options.prior ?? {}) } };
}
