/**
 * The Gibbs sampler of the Bayesian factor model (BPMF, Salakhutdinov and Mnih 2008, with biases):
 *   r_ui ~ N(μ + b_u + b_i + p_u·q_i, 1/α),  [p_u, b_u] ~ N(μ_U, Λ_U⁻¹),  [q_i, b_i] ~ N(μ_V, Λ_V⁻¹),
 *   (μ_U, Λ_U), (μ_V, Λ_V) ~ Normal-Wishart (wishart.ts),  α ~ Gamma.
 * One sweep: the members' hyperprior, every member's row (gaussianRow.ts), the anime's hyperprior,
 * every anime's row, then α from the residuals. O(rows x k²) a sweep, k = dim + 1.
 * After a burn-in, sweeps are kept: the model predicts with their average (or the average of their
 * factors). With validation rows, every candidate burn-in is followed sweep by sweep, so validation
 * picks both the burn-in and how many samples to keep in one run. The rows of a side are drawn on
 * options.threads threads (rowPool.ts), each from its own seeded stream, so a seeded run repeats exactly
 * at any thread count; the hyperpriors, α and the feature blocks are drawn on the main thread.
 */
import { availableParallelism } from 'node:os';
import { createRandom, gaussian } from '../../random.js';
import type { Csr } from '../sparse.js';
import { sampleGamma } from './distributions.js';
import { RowPool, shared } from './rowPool.js';
import type { SideArrays } from './rowDraws.js';
import { createImplicitState, gramSums, sampleImplicit, statsArrays } from './implicitBlock.js';
import type { BayesOptions } from './options.js';
import { initialHyper, resampleHyper, type Hyper } from './wishart.js';

/** Explicit rows to score as the chain runs (validation). */
export interface ScoredRows {
  users: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

export interface ChainInput {
  byUser: Csr;
  byItem: Csr;
  globalMean: number;
  validation?: ScoredRows;
  /** Every training row (watched included) by member and by anime: the implicit block's history. */
  history?: { byUser: Csr; byItem: Csr };
  /** Anime side features (genres, type) by anime and by feature: the anime's own feature block. */
  features?: { byItem: Csr; byFeature: Csr };
}

/** What the chain keeps: posterior means over the kept sweeps, and (optionally) some sampled tables. */
export interface Posterior {
  k: number;
  nUsers: number;
  nItems: number;
  globalMean: number;
  /** nUsers x k and nItems x k: factors, then bias; averaged over the kept sweeps (members' implicit part included). */
  users: Float32Array;
  items: Float32Array;
  /** nItems x dim: the implicit block's y_j averaged over the kept sweeps (empty without it), for fold-in. */
  implicitItems: Float32Array;
  /** Sampled tables kept for 'samples' serving (empty for 'mean'). */
  samples: { users: Float32Array; items: Float32Array }[];
  /** Mean over kept sweeps of the noise precision and of the members' hyperparameters (fold-in's prior). */
  alpha: number;
  userHyper: Hyper;
  itemHyper: Hyper;
  /** Per userIx / itemIx: explicit training rows. */
  userCounts: Int32Array;
  itemCounts: Int32Array;
}

export interface SweepRecord {
  sweep: number;
  alpha: number;
  seconds: number;
  /** Of which drawing the two sides' rows (the part on every thread). */
  drawSeconds?: number;
  /** Validation RMSE of this sweep's sample alone, and of the averages from each candidate burn-in. */
  sampleRmse?: number;
  averagedRmse?: Record<string, number>;
  meanFactorRmse?: Record<string, number>;
}

export interface ChainResult {
  posterior: Posterior;
  curve: SweepRecord[];
  /** The burn-in and last sweep validation chose (or the ones given), and the RMSE there. */
  burnIn: number;
  sweeps: number;
  validationRmse?: number;
  /** The same choice judged by the posterior-mean factors instead of averaged predictions. */
  meanFactorRmse?: number;
  seconds: number;
  /** Threads that drew the rows (the main one included). */
  threads: number;
}

const clamp = (x: number) => (x < 1 ? 1 : x > 10 ? 10 : x);

function predictRow(users: Float64Array | Float32Array, items: Float64Array | Float32Array, u: number, i: number, k: number, mu: number): number {
  const uo = u * k, io = i * k, dim = k - 1;
  let z = mu + users[uo + dim]! + items[io + dim]!;
  for (let d = 0; d < dim; d++) z += users[uo + d]! * items[io + d]!;
  return z;
}

interface Chosen {
  burnIn: number;
  sweeps: number;
  rmse: number;
  meanRmse: number;
  userMean: Float64Array;
  itemMean: Float64Array;
  yMean: Float64Array;
  alpha: number;
  userHyper: Hyper;
}

interface Accumulator {
  burnIn: number;
  count: number;
  predictionSum: Float64Array;
  userSum: Float64Array;
  itemSum: Float64Array;
  ySum: Float64Array;
}

/**
 * Runs the chain. fixed: replay (burnIn, sweeps) with no validation; otherwise every burn-in of the
 * grid is followed and the best (burn-in, last sweep) on validation is returned (its averages).
 */
export async function runChain(input: ChainInput, options: BayesOptions, fixed?: { burnIn: number; sweeps: number }): Promise<ChainResult> {
  const started = performance.now();
  const { globalMean } = input;
  const threads = resolveThreads(options.threads, input.byUser.indices.length);
  // Workers see only shared memory: the arrays the row draws read or write are copied into it.
  const share = <T extends Float64Array | Float32Array | Int32Array | Uint32Array>(a: T): T => (threads > 1 ? shared(a) : a);
  const shareCsr = (c: Csr): Csr => (threads > 1 ? { ...c, indptr: shared(c.indptr), indices: shared(c.indices), values: shared(c.values) } : c);
  const byUser = shareCsr(input.byUser);
  const byItem = shareCsr(input.byItem);
  const nUsers = byUser.nRows, nItems = byItem.nRows;
  const k = options.dim + 1;
  const random = createRandom(options.seed);
  const log = options.log ?? (() => {});
  const users = share(new Float64Array(nUsers * k));
  const items = share(new Float64Array(nItems * k));
  for (let r = 0; r < nUsers; r++) for (let d = 0; d < k - 1; d++) users[r * k + d] = gaussian(random) * options.initScale;
  for (let r = 0; r < nItems; r++) for (let d = 0; d < k - 1; d++) items[r * k + d] = gaussian(random) * options.initScale;
  const userCounts = share(Int32Array.from({ length: nUsers }, (_, u) => byUser.indptr[u + 1]! - byUser.indptr[u]!));
  const itemCounts = share(Int32Array.from({ length: nItems }, (_, i) => byItem.indptr[i + 1]! - byItem.indptr[i]!));
  const userHyper = initialHyper(k, options.mapPrecision);
  const itemHyper = initialHyper(k, options.mapPrecision);
  let alpha = 1;
  const dim = k - 1;
  const implicit = options.implicit && input.history ? createImplicitState(input.history.byUser, input.history.byItem, dim) : undefined;
  if (implicit) {
    implicit.s = share(implicit.s);
    implicit.gram = share(implicit.gram);
    implicit.grad = share(implicit.grad);
    implicit.sums = share(implicit.sums);
    implicit.c = share(implicit.c);
    implicit.members = shareCsr(implicit.members);
  }
  const yHyper = initialHyper(dim, options.mapPrecision);
  const inHistory = implicit ? (j: number) => implicit.members.indptr[j + 1]! > implicit.members.indptr[j]! : () => false;
  // Members as predictions see them: p_u + s_u (the same array as users without the implicit block).
  const effUsers = implicit ? share(new Float64Array(nUsers * k)) : users;
  const refreshEffective = () => {
    if (!implicit) return;
    effUsers.set(users);
    for (let u = 0; u < nUsers; u++) for (let d = 0; d < dim; d++) effUsers[u * k + d] = effUsers[u * k + d]! + implicit.s[u * dim + d]!;
  };
  // The anime side's twin (the hybrid's genre and type rows, sampled): q_i' = q_i + |F(i)|^-1/2 Σ_f w_f.
  const featureBlock = options.itemFeatures && input.features ? createImplicitState(input.features.byItem, input.features.byFeature, dim) : undefined;
  if (featureBlock) {
    featureBlock.s = share(featureBlock.s);
    featureBlock.gram = share(featureBlock.gram);
    featureBlock.grad = share(featureBlock.grad);
    featureBlock.sums = share(featureBlock.sums);
    featureBlock.c = share(featureBlock.c);
    featureBlock.members = shareCsr(featureBlock.members);
  }
  const wHyper = initialHyper(dim, options.mapPrecision);
  const hasItems = featureBlock ? (f: number) => featureBlock.members.indptr[f + 1]! > featureBlock.members.indptr[f]! : () => false;
  const effItems = featureBlock ? share(new Float64Array(nItems * k)) : items;
  const refreshEffectiveItems = () => {
    if (!featureBlock) return;
    effItems.set(items);
    for (let i = 0; i < nItems; i++) for (let d = 0; d < dim; d++) effItems[i * k + d] = effItems[i * k + d]! + featureBlock.s[i * dim + d]!;
  };
  const itemSse = share(new Float64Array(nItems));
  const sides: SideArrays[] = [
    { mine: users, other: effItems, indptr: byUser.indptr, indices: byUser.indices, values: byUser.values, counts: userCounts, shift: implicit?.s ?? null, sse: null },
    { mine: items, other: effUsers, indptr: byItem.indptr, indices: byItem.indices, values: byItem.values, counts: itemCounts, shift: featureBlock?.s ?? null, sse: itemSse },
  ];
  // The feature blocks' statistics: [0] the anime's genre block (over byItem), [1] the members' implicit block.
  const stats = [
    featureBlock ? statsArrays(featureBlock, byItem, effItems, effUsers) : undefined,
    implicit ? statsArrays(implicit, byUser, effUsers, effItems) : undefined,
  ].filter((a) => a !== undefined);
  const featureStats = featureBlock ? 0 : -1;
  const implicitStats = implicit ? (featureBlock ? 1 : 0) : -1;
  const sums = [featureBlock ? gramSums(featureBlock) : undefined, implicit ? gramSums(implicit) : undefined].filter((g) => g !== undefined);
  const pool = await RowPool.start(threads, k, sides, stats, sums);
  const validation = fixed ? undefined : input.validation;
  const maxSweeps = fixed ? fixed.sweeps : options.maxSweeps;
  const grid = fixed ? [fixed.burnIn] : [...new Set(options.burnInGrid.filter((b) => b >= 0 && b < maxSweeps))].sort((a, b) => a - b);
  if (grid.length === 0) grid.push(Math.floor(maxSweeps / 2));
  const nVal = validation?.users.length ?? 0;
  const acc: Accumulator[] = grid.map((burnIn) => ({
    burnIn, count: 0, predictionSum: new Float64Array(nVal), userSum: new Float64Array(nUsers * k), itemSum: new Float64Array(nItems * k),
    ySum: new Float64Array(implicit ? nItems * dim : 0),
  }));
  const keep = options.serve === 'samples' ? options.keptSamples : 0;
  let best: Chosen = { burnIn: grid[0]!, sweeps: maxSweeps, rmse: Number.POSITIVE_INFINITY, meanRmse: Number.NaN, userMean: new Float64Array(0), itemMean: new Float64Array(0), yMean: new Float64Array(0), alpha: 1, userHyper: userHyper };
  const alphaSum = new Map<number, number>();
  const hyperSums = new Map<number, { mu: Float64Array; lambda: Float64Array }>();
  const samples: { sweep: number; users: Float32Array; items: Float32Array }[] = [];
  const curve: SweepRecord[] = [];
  const ratedUser = (r: number) => userCounts[r]! > 0;
  const ratedItem = (r: number) => itemCounts[r]! > 0;

  try {
  for (let sweep = 1; sweep <= maxSweeps; sweep++) {
    const t0 = performance.now();
    // Warm-up: conditional means under a fixed ridge; then Gibbs proper.
    const warm = sweep <= options.mapSweeps;
    const draw = warm ? null : random;
    // Each side's seed for this sweep comes from the main stream; its rows' streams from that seed.
    const sideSeed = () => (warm ? 0 : Math.floor(random() * 4294967296));
    if (!warm) resampleHyper(userHyper, users, nUsers, ratedUser, options.prior, random);
    const d0 = performance.now();
    await pool.run(0, nUsers, { k, globalMean, alpha, hyper: userHyper, draw: !warm, seed: sideSeed() });
    let drawSeconds = (performance.now() - d0) / 1000;
    refreshEffective();
    if (!warm) resampleHyper(itemHyper, items, nItems, ratedItem, options.prior, random);
    const d1 = performance.now();
    await pool.run(1, nItems, { k, globalMean, alpha, hyper: itemHyper, draw: !warm, seed: sideSeed() });
    drawSeconds += (performance.now() - d1) / 1000;
    // Summed in row order: the same total whichever thread drew which row.
    let sse = 0;
    for (let i = 0; i < nItems; i++) sse += itemSse[i]!;
    refreshEffectiveItems();
    if (!warm) alpha = sampleGamma(options.noiseShape + byItem.indices.length / 2, options.noiseRate + sse / 2, random);
    if (featureBlock) {
      if (!warm) resampleHyper(wHyper, featureBlock.y, featureBlock.members.nRows, hasItems, options.prior, random, true);
      await pool.memberStats(featureStats, nItems, globalMean);
      await pool.gramSums(featureStats, featureBlock.members.nRows);
      sampleImplicit(featureBlock, alpha, wHyper, draw, true);
      refreshEffectiveItems();
    }
    if (implicit) {
      if (!warm) resampleHyper(yHyper, implicit.y, nItems, inHistory, options.prior, random, true);
      await pool.memberStats(implicitStats, nUsers, globalMean);
      await pool.gramSums(implicitStats, nItems);
      sampleImplicit(implicit, alpha, yHyper, draw, true);
      refreshEffective();
    }

    const record: SweepRecord = { sweep, alpha, seconds: 0, drawSeconds };
    for (const a of acc) {
      if (sweep <= a.burnIn) continue;
      a.count++;
      for (let e = 0; e < effUsers.length; e++) a.userSum[e] = a.userSum[e]! + effUsers[e]!;
      for (let e = 0; e < effItems.length; e++) a.itemSum[e] = a.itemSum[e]! + effItems[e]!;
      if (implicit) for (let e = 0; e < implicit.y.length; e++) a.ySum[e] = a.ySum[e]! + implicit.y[e]!;
      alphaSum.set(a.burnIn, (alphaSum.get(a.burnIn) ?? 0) + alpha);
      let h = hyperSums.get(a.burnIn);
      if (!h) hyperSums.set(a.burnIn, (h = { mu: new Float64Array(k), lambda: new Float64Array(k * k) }));
      for (let e = 0; e < k; e++) h.mu[e] = h.mu[e]! + userHyper.mu[e]!;
      for (let e = 0; e < k * k; e++) h.lambda[e] = h.lambda[e]! + userHyper.lambda[e]!;
    }
    if (keep > 0 && sweep > grid[0]!) samples.push({ sweep, users: Float32Array.from(effUsers), items: Float32Array.from(effItems) });
    if (validation && nVal > 0) {
      const { users: vu, items: vi, scores: vs } = validation;
      let sampleSse = 0;
      const averaged: Record<string, number> = {};
      const meanFactor: Record<string, number> = {};
      const sums = acc.map(() => 0);
      const meanSums = acc.map(() => 0);
      for (let n = 0; n < nVal; n++) {
        const p = predictRow(effUsers, effItems, vu[n]!, vi[n]!, k, globalMean);
        sampleSse += (clamp(p) - vs[n]!) ** 2;
        for (let c = 0; c < acc.length; c++) {
          const a = acc[c]!;
          if (a.count === 0) continue;
          a.predictionSum[n] = a.predictionSum[n]! + p;
          sums[c] = sums[c]! + (clamp(a.predictionSum[n]! / a.count) - vs[n]!) ** 2;
          // Sums of a.count tables: the product of the means is the product of the sums over count².
          const dim = k - 1, uo = vu[n]! * k, io = vi[n]! * k;
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += a.userSum[uo + d]! * a.itemSum[io + d]!;
          const meanPrediction = globalMean + (a.userSum[uo + dim]! + a.itemSum[io + dim]!) / a.count + dot / (a.count * a.count);
          meanSums[c] = meanSums[c]! + (clamp(meanPrediction) - vs[n]!) ** 2;
        }
      }
      record.sampleRmse = Math.sqrt(sampleSse / nVal);
      for (let c = 0; c < acc.length; c++) {
        const a = acc[c]!;
        if (a.count === 0) continue;
        const rmse = Math.sqrt(sums[c]! / nVal);
        averaged[String(a.burnIn)] = rmse;
        meanFactor[String(a.burnIn)] = Math.sqrt(meanSums[c]! / nVal);
        if (rmse < best.rmse) {
          best = {
            burnIn: a.burnIn, sweeps: sweep, rmse, meanRmse: meanFactor[String(a.burnIn)]!, userMean: divide(a.userSum, a.count), itemMean: divide(a.itemSum, a.count),
            yMean: divide(a.ySum, a.count), alpha: alphaSum.get(a.burnIn)! / a.count, userHyper: meanHyper(k, hyperSums.get(a.burnIn)!, a.count),
          };
        }
      }
      record.averagedRmse = averaged;
      record.meanFactorRmse = meanFactor;
    }
    record.seconds = (performance.now() - t0) / 1000;
    curve.push(record);
    log(`bayes: sweep ${sweep}/${maxSweeps}${threads > 1 ? ` (${threads} threads)` : ''} α ${alpha.toFixed(3)} (noise sd ${(1 / Math.sqrt(alpha)).toFixed(3)})${record.sampleRmse !== undefined ? `, validation sample ${record.sampleRmse.toFixed(4)}, averaged ${Object.entries(record.averagedRmse!).map(([b, r]) => `${b}:${r.toFixed(4)}`).join(' ')}` : ''} (${record.seconds.toFixed(1)} s, rows ${drawSeconds.toFixed(1)} s)`);
  }

  } finally {
    await pool.close();
  }

  const chosen: Chosen = validation && nVal > 0 ? best : (() => {
    const a = acc[0]!;
    const count = Math.max(1, a.count);
    const h = hyperSums.get(a.burnIn);
    return {
      burnIn: a.burnIn, sweeps: maxSweeps, rmse: Number.NaN, meanRmse: Number.NaN, userMean: divide(a.userSum, count), itemMean: divide(a.itemSum, count), yMean: divide(a.ySum, count),
      alpha: (alphaSum.get(a.burnIn) ?? alpha * count) / count, userHyper: h ? meanHyper(k, h, count) : userHyper,
    };
  })();
  const userHyperMean = chosen.userHyper;
  const kept = samples.filter((s) => s.sweep > chosen.burnIn && s.sweep <= chosen.sweeps);
  const step = keep > 0 ? Math.max(1, Math.floor(kept.length / keep)) : 1;
  const thinned = keep > 0 ? kept.filter((_, n) => (kept.length - 1 - n) % step === 0).slice(-keep) : [];
  return {
    posterior: {
      k, nUsers, nItems, globalMean,
      users: Float32Array.from(chosen.userMean), items: Float32Array.from(chosen.itemMean),
      implicitItems: Float32Array.from(chosen.yMean),
      samples: thinned.map((s) => ({ users: s.users, items: s.items })),
      alpha: chosen.alpha,
      userHyper: userHyperMean, itemHyper,
      userCounts, itemCounts,
    },
    curve,
    burnIn: chosen.burnIn,
    sweeps: chosen.sweeps,
    ...(Number.isFinite(chosen.rmse) ? { validationRmse: chosen.rmse, meanFactorRmse: chosen.meanRmse } : {}),
    seconds: (performance.now() - started) / 1000,
    threads: pool.threads,
  };

}

/** Rows at which 0 (auto) threads means one per core: below it worker start-up outweighs the gain. */
export const AUTO_THREADS_ROWS = 50_000;

/** options.threads resolved: 0 is one per core from AUTO_THREADS_ROWS explicit rows up, else one. */
export function resolveThreads(threads: number, explicitRows: number): number {
  if (threads > 0) return Math.floor(threads);
  return explicitRows >= AUTO_THREADS_ROWS ? Math.max(1, availableParallelism()) : 1;
}

function divide(sum: Float64Array, count: number): Float64Array {
  // A fresh array (never a view): what the posterior keeps.
  const out = new Float64Array(sum.length);
  for (let e = 0; e < sum.length; e++) out[e] = sum[e]! / count;
  return out;
}

function meanHyper(k: number, h: { mu: Float64Array; lambda: Float64Array }, count: number): Hyper {
  const mu = divide(h.mu, Math.max(1, count));
  const lambda = divide(h.lambda, Math.max(1, count));
  const lambdaMu = new Float64Array(k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) lambdaMu[a] = lambdaMu[a]! + lambda[a * k + b]! * mu[b]!;
  return { k, mu, lambda, lambdaMu };
}
