/**
 * Every option of the implicit (WRMF) model, with its default and meaning, in one place. The defaults
 * were picked by Hit@10 of folded-in users held out of training on ../shared/data (mal-sample and
 * synthetic): alpha 1/5/20, reg 0.1/1/10, dim 16/32/48/64, 6/8/10 sweeps and 2/3 CG steps were tried;
 * more sweeps than 6-8 gained nothing, dim 32 was best on the full-scale set.
 */
export interface ImplicitOptions {
  /** Factors per user and per anime. */
  dim: number;
  /** ALS sweeps (users then items). */
  iterations: number;
  /** Confidence of a known row is 1 + alpha * weight; unobserved cells have confidence 1. */
  alpha: number;
  /** weight of a watched-but-unrated (-1) row; explicit ratings weigh 1. */
  watchedWeight: number;
  /** L2 penalty λ on every factor vector. */
  reg: number;
  /** Conjugate-gradient steps per row and half-sweep (warm-started, so 3 suffice). */
  cgSteps: number;
  /** Seed of the initial factors. */
  seed: number;
  /** worker_threads for the ALS sweeps; 0 = one per core, 1 = run in this thread (same factors either way). */
  threads: number;
}

export const DEFAULT_IMPLICIT_OPTIONS: ImplicitOptions = {
  dim: 32,
  iterations: 8,
  alpha: 5,
  watchedWeight: 1,
  reg: 1,
  cgSteps: 3,
  seed: 1,
  threads: 0,
};
