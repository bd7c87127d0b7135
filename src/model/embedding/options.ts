/**
 * Every knob of the embedding trainer, with its default and meaning, in one place (implicit's factory
 * docstrings).
 *
 * How a default is chosen (README, "How the defaults are chosen"): on the full ../shared/data/synthetic,
 * by the validation rows of the seed-42 split (makeSplits); on the small real ../shared/data/mal-sample,
 * by 5-fold cross-validation (`anirec tune`), since one split of 5,000 ratings moves by ±0.02 from seed to
 * seed. Test RMSE is quoted beside validation only where it was recorded; no choice rests on it. Earlier
 * choices that were made on test RMSE were re-checked this way; each option says what chose it.
 * Real sample, 5-fold CV of the served explicit pipeline (mean ± s.e. over folds; the folds are the same
 * for every setting, so differences are paired): defaults 1.2338 ± 0.010; dim 24 1.2340, 48 1.2325 (0.0015
 * better in every fold: kept at 32, below what we call a gain, and twice the scoring cost at 48);
 * topMargin 0 1.2336, 1 1.2348 (kept at 0.5, chosen on synthetic validation).
 * Earlier measurements (synthetic, seed-42 split, test RMSE; kept for the record): AdaGrad-then-Adam
 * 1.192, Adam 1.203, LIBMF 1.199; reg 5 1.250, reg 1.25 1.203; dim 64 1.210, dim 8 1.241.
 * bench/train.ts measures them against LIBMF (bench/results/train.md).
 */
export type Optimizer = 'auto' | 'adam' | 'rowAdagrad' | 'rowAdagradThenAdam';
/** The optimiser one epoch runs. */
export type PhaseOptimizer = 'adam' | 'rowAdagrad';
export type EpochOrder = 'users' | 'ratings';
/** Which inner loop trains (see TrainOptions.kernel). */
export type Kernel = 'auto' | 'wasm' | 'js';

export interface TrainOptions {
  /**
   * Width of the user and anime embeddings. The synthetic set prefers fewer: dim 16 or 20 with
   * refitSweeps 3 gave test RMSE 1.1604 there against 1.1654 at 32. But the real sample, which judges
   * taste, does not: its served hybrid scored 1.2031 at 32, 1.2107 at 24, 1.2114 at 20, 1.2205 at 16.
   */
  dim: number;
  /** Most passes over the training ratings (early stopping may end sooner). */
  epochs: number;
  /** Step size of the optimiser. */
  lr: number;
  /**
   * L2 penalty on the embedding rows a rating touches (applied per update, like LIBMF's lambda), on sets
   * where optimizer 'auto' runs the AdaGrad schedule (AUTO_ADAGRAD_ROWS and up). Chosen on the synthetic
   * set (seed-42 split): 2.5 (1.25 and 5 both worse).
   */
  reg: number;
  /**
   * The same penalty where optimizer 'auto' resolves to Adam (below AUTO_ADAGRAD_ROWS training ratings):
   * small sets want a firmer pull. Real sample, 5-fold CV of the served explicit pipeline: 1.5 1.2453,
   * 2.5 1.2338, 4 1.2282, 5 1.2294, 7 1.2393 (4 better than 2.5 in each of the 5 folds). Used only when reg is not given (`--reg` wins).
   */
  regSmall: number;
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
   * accumulated squared gradient per row, no momentum). 'rowAdagradThenAdam': AdaGrad epochs, then Adam
   * fine-tuning (see warmLr). 'auto': Adam below AUTO_ADAGRAD_ROWS training ratings, else the schedule.
   * Measured on the synthetic set (2 threads, dim 32): rowAdagrad runs about 2x Adam's updates/s and is
   * as good or better there (1.192 vs 1.203), but worse on the small real sample (1.223+ vs 1.217); an
   * Adam with one second moment per row was no faster than full Adam, so it was dropped.
   */
  optimizer: Optimizer;
  /**
   * Step size of the row-wise AdaGrad epochs when optimizer is 'rowAdagradThenAdam' (lr is then Adam's).
   * That schedule runs row-wise AdaGrad until validation RMSE stops improving (patience), restores its
   * best epoch, then fine-tunes with lazy Adam from fresh moments until it stops improving too; each
   * phase runs at most `epochs` epochs.
   */
  warmLr: number;
  /** Adam's first and second moment decay. */
  beta1: number;
  beta2: number;
  /**
   * Epoch order: 'users' visits users in a shuffled order with each one's ratings shuffled together
   * (cache-friendly, threads never share a user row); 'ratings' shuffles all ratings uniformly.
   */
  order: EpochOrder;
  /**
   * Worker threads (Hogwild over shared parameters); 0 = one per core from 500k training ratings up
   * (THREADED_MIN_ROWS), one below. A run on one thread is reproducible.
   */
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
   * The sigmoid maps onto [min, max + topMargin] of the training scores, and predictions are clipped at
   * max (ModelShape.top). Scores crowd the top of the scale (mean 7.8 of 10), so without the margin a
   * 9.5 sits where the sigmoid flattens: the penalty wins over the vanishing gradient, and heavy raters'
   * top predictions came out 0.23-0.30 low. Measured on the synthetic set (seed-42 split, 2 threads),
   * validation / test RMSE: 0 1.1769 / 1.1716, 0.5 1.1724 / 1.1669, 0.75 1.1718 / 1.1665, 1 1.1723 /
   * 1.1668; a margin at the bottom too (0.5 both ends) 1.1732 / 1.1679. Real sample (the served hybrid,
   * test): 0 1.2067, 0.5 1.2031, 0.75 1.2126; so 0.5, good on both.
   */
  topMargin: number;
  /** Hybrid only: L2 penalty on the genre and type layer. */
  regGenre: number;
  /**
   * Plain model only: most refit sweeps after training (refit.ts): alternating exact solves of every
   * user row (pulled towards their taste prior) and anime row, each kept only while validation RMSE
   * improves; 0 turns the refit and the taste prior off. Measured on the synthetic set (seed-42 split,
   * test RMSE): dim 32 1.1919 -> 1.1802 after one sweep (a second one overfits: validation 1.1860 ->
   * 1.1896, so the default stops at one and saves its ~20 s); dim 16 1.1948 -> 1.1759 after three; the
   * prior alone (users only) 1.1919 -> 1.1835; the sweeps without the prior 1.1808 at dim 16. On the
   * real sample no sweep improves validation, so the trained tables stay.
   */
  refitSweeps: number;
  /** Refit: a user's vector penalty per sqrt(their scores), towards zero (see UserPenalty). */
  refitUserReg: number;
  /**
   * Refit and fold-in: the penalty pulling a person towards their taste prior (tastePrior.ts). Measured
   * on the synthetic set with topMargin 0.5 (2 threads), validation / test RMSE, with refitItemReg 1.5:
   * 40 1.1773 / 1.1719, 60 1.1726 / 1.1672, 90 1.1708 / 1.1654, 120 1.1718 / 1.1665, 160 1.1744 /
   * 1.1691; with refitItemReg 1.0: 90 1.1691 / 1.1638, 120 1.1677 / 1.1625 (again: 1.1680 / 1.1626),
   * 150 1.1682 / 1.1629. The real sample's served hybrid has no refit: 1.2031 throughout.
   */
  priorReg: number;
  /**
   * The history length (rows, watched ones included) at which the taste prior counts half: it is scaled
   * by h / (h + priorShrink). Measured on the synthetic set (seed-42 split, one thread), test RMSE: 0
   * (unscaled) 1.1801, 3 1.1731, 5 1.1719, 10 1.1715, 15 1.1720, 40 1.1764; people with under 20 scores
   * 1.548 unscaled, 1.368 at 10 (no prior at all: 1.379). Validation RMSE picks 10 too.
   */
  priorShrink: number;
  /**
   * Refit: an anime's vector penalty per sqrt(its scores). Synthetic set, priorReg 120, validation /
   * test RMSE: 0.7 (priorReg 90) 1.1707 / 1.1653, 1.0 1.1677 / 1.1625, 1.2 1.1691 / 1.1638, 1.5 1.1718 /
   * 1.1665, 2.0 (priorReg 90) 1.1747 / 1.1694.
   */
  refitItemReg: number;
  /**
   * The inner loop: 'wasm' is hand-written WebAssembly with 128-bit SIMD (wasm/kernelWat.ts) over one
   * shared memory, for the plain model with dim a multiple of 4; 'js' is kernel.ts's typed-array loops,
   * which the hybrid always runs. Same updates in the same order from the same epoch orders (wasm
   * rounds the factor arithmetic to f32: tables agree to ~1e-7). 'auto': wasm where it can run, else js.
   * The model records the one that ran. bench/train.ts on the synthetic set, dim 32, 8 epochs, quiet
   * machine: row-wise AdaGrad 17.8 M updates/s on 1 thread, 26.3 on 2 (JS: 10.6 on 2), lazy Adam 10.9
   * and 19.7 (JS: 5.4); the default trainer 27.7 M/s = 0.95x LIBMF's 29.2 in the same run. Two threads
   * gain less than 2x because Hogwild threads write the same anime rows: per CPU second they do ~17%
   * fewer updates than one thread, or than two threads on separate tables.
   */
  kernel: Kernel;
}

/**
 * optimizer 'auto' picks by training-set size: lazy Adam below this many explicit training ratings (it
 * generalises best on small sets, and they train in about a second anyway), 'rowAdagradThenAdam' from
 * here up, where row-wise AdaGrad is as good and twice as fast (see TrainOptions.optimizer).
 */
export const AUTO_ADAGRAD_ROWS = 1_000_000;

/** The optimiser 'auto' stands for on a training set of `trainRows` explicit ratings. */
export function resolveOptimizer(optimizer: Optimizer, trainRows: number): Exclude<Optimizer, 'auto'> {
  if (optimizer !== 'auto') return optimizer;
  return trainRows < AUTO_ADAGRAD_ROWS ? 'adam' : 'rowAdagradThenAdam';
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = Object.freeze({
  dim: 32,
  epochs: 50,
  lr: 0.005,
  reg: 2.5,
  regSmall: 4,
  regExponent: 0.5,
  regBias: 0.005,
  optimizer: 'auto',
  warmLr: 0.05,
  beta1: 0.9,
  beta2: 0.999,
  order: 'users',
  threads: 0,
  seed: 1,
  patience: 3,
  initScale: 0.05,
  foldInReg: 15,
  regGenre: 0.002,
  topMargin: 0.5,
  refitSweeps: 1,
  refitUserReg: 0.5,
  priorReg: 120,
  priorShrink: 10,
  refitItemReg: 1.0,
  kernel: 'auto',
});
