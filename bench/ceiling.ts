/**
 * How low can held-out RMSE go on this split? The synthetic set's target (1.10) asks it; this bench
 * answers with three measurements, beside the generator's own floor (about 1.06, ../shared/data/README.md):
 * 1. Where data is plentiful, is a pattern missed? Test RMSE of the default model on the ratings of
 *    members with 500+ training ratings, of anime with 5,000+. Near the floor means no.
 * 2. The Bayes ceiling where data is thin. A linear model (ALS, dim 16, penalty λ·√n) is fitted to the
 *    training split; its anime factors are then taken as the truth, and the spread of people's tastes
 *    as the covariance of heavy members' vectors less their estimation noise (less, too, what the taste
 *    prior explains, for the second figure). With those known, a member's best estimate from their
 *    training rows is the posterior mean, whose expected squared error on a test anime x is
 *    σ² + xᵀ S x, S = (Σ⁻¹ + AᵀA / σ²)⁻¹ over their training anime A. Averaged over the test ratings,
 *    no method that learns a member from their ratings does better, if the linear model holds; real
 *    methods also estimate the anime, so they do worse.
 * 3. A replica with a known truth. The same split and the same who-rated-what, but every score drawn
 *    afresh from the fitted linear model: round(truth + Gaussian noise) clamped to 1..10, the noise set
 *    so that predicting with the truth itself scores the generator's 1.06. The default model and the
 *    ALS are then trained on the replica and scored on its test ratings. The replica's truth is a
 *    fitted, shrunk model, so its tastes spread less than real ones and it is easier to learn than the
 *    data it copies. What learners score on it shows how far above 1.06 learning from these rows
 *    stays when the truth is known to be a model of their own kind.
 * Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic). Writes bench/results/ceiling.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import { solveCholesky } from '../src/model/linalg.js';
import { buildCsr, type Csr } from '../src/model/sparse.js';
import { DEFAULT_TRAIN_OPTIONS, trainEmbedding } from '../src/model/embedding/index.js';
import { applyTastePrior, describeHistory, fitTastePrior, inputLength } from '../src/model/embedding/tastePrior.js';
import { createRandom, gaussian } from '../src/random.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(ROOT, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
/** The generator's noise: its best achievable RMSE, as ../shared/data/README.md gives it. */
const NOISE_FLOOR = 1.06;
const K = 16;
const D = K + 1; // a row's vector and its bias
const LAMBDA = 1.0;
const BIAS_LAMBDA = 0.2;
const SWEEPS = 10;
/** Members whose vectors are estimated well enough to measure the spread of tastes. */
const HEAVY = 300;
const CORE_USER = 500;
const CORE_ITEM = 5_000;
const PRIOR_MIN = 20;

const f4 = (x: number): string => x.toFixed(4);
const log = (line: string): void => void process.stdout.write(line + '\n');

const ds = await loadDataset(DATA, {});
const { ratings } = ds;
const splits = makeSplits(ratings);
const nUsers = ratings.userIds.length, nItems = ratings.nItems;
const byUser = buildCsr(ratings, splits.train, { by: 'user', explicitOnly: true, nUsers });
const byItem = buildCsr(ratings, splits.train, { by: 'item', explicitOnly: true, nUsers });
const history = buildCsr(ratings, splits.train, { by: 'user', nUsers });
const testByUser = buildCsr(ratings, splits.test, { by: 'user', explicitOnly: true, nUsers });

/** The linear model: score = mean + p·q + b_user + b_anime. */
interface Linear {
  mean: number;
  P: Float32Array;
  Q: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
}

/** Fills m (D x D) with AᵀA and rhs with Aᵀ(y - mean - other bias) over row r's entries, A = [other vector, 1]. */
function accumulate(rows: Csr, r: number, center: number, other: Float32Array, otherBias: Float32Array, m: Float64Array, rhs: Float64Array | undefined): void {
  m.fill(0);
  rhs?.fill(0);
  const x = new Float64Array(D);
  for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) {
    const c = rows.indices[k]!;
    for (let d = 0; d < K; d++) x[d] = other[c * K + d]!;
    x[K] = 1;
    const y = rows.values[k]! - center - otherBias[c]!;
    for (let a = 0; a < D; a++) {
      for (let b = a; b < D; b++) m[a * D + b]! += x[a]! * x[b]!;
      if (rhs) rhs[a]! += x[a]! * y;
    }
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) m[a * D + b] = m[b * D + a]!;
}

/** One ALS half-sweep: every row of one side solved exactly against the other. */
function solveSide(rows: Csr, center: number, own: Float32Array, ownBias: Float32Array, other: Float32Array, otherBias: Float32Array): void {
  const m = new Float64Array(D * D), rhs = new Float64Array(D);
  for (let r = 0; r < rows.nRows; r++) {
    const n = rows.indptr[r + 1]! - rows.indptr[r]!;
    if (n === 0) continue;
    accumulate(rows, r, center, other, otherBias, m, rhs);
    for (let d = 0; d < K; d++) m[d * D + d]! += LAMBDA * Math.sqrt(n);
    m[K * D + K]! += BIAS_LAMBDA * Math.sqrt(n);
    if (!solveCholesky(m, rhs, D)) continue;
    for (let d = 0; d < K; d++) own[r * K + d] = rhs[d]!;
    ownBias[r] = rhs[K]!;
  }
}

/** ALS on the training rows of one set of scores, from a seeded start. */
function fitLinear(users: Csr, items: Csr): Linear {
  const random = createRandom(1);
  const model: Linear = {
    mean: users.values.reduce((s, v) => s + v, 0) / users.values.length,
    P: Float32Array.from({ length: nUsers * K }, () => 0.1 * gaussian(random)),
    Q: Float32Array.from({ length: nItems * K }, () => 0.1 * gaussian(random)),
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    solveSide(users, model.mean, model.P, model.userBias, model.Q, model.itemBias);
    solveSide(items, model.mean, model.Q, model.itemBias, model.P, model.userBias);
  }
  return model;
}

function linearScore(model: Linear, u: number, i: number): number {
  let s = model.mean + model.userBias[u]! + model.itemBias[i]!;
  for (let d = 0; d < K; d++) s += model.P[u * K + d]! * model.Q[i * K + d]!;
  return s;
}
const predictLinear = (model: Linear) => (u: number, i: number): number => Math.min(10, Math.max(1, linearScore(model, u, i)));

const trainCount = (csr: Csr, r: number): number => csr.indptr[r + 1]! - csr.indptr[r]!;
const testRows = splits.test.filter((r) => ratings.score[r]! >= 1);
const coreRows = testRows.filter((r) => trainCount(byUser, ratings.userIx[r]!) >= CORE_USER && trainCount(byItem, ratings.itemIx[r]!) >= CORE_ITEM);
function rmse(rows: Uint32Array, predict: (u: number, i: number) => number, score: Int8Array = ratings.score): number {
  let sse = 0;
  for (const r of rows) sse += (predict(ratings.userIx[r]!, ratings.itemIx[r]!) - score[r]!) ** 2;
  return Math.sqrt(sse / rows.length);
}

const alsStart = performance.now();
const linear = fitLinear(byUser, byItem);
const { mean, P, Q, userBias, itemBias } = linear;
const alsAll = rmse(testRows, predictLinear(linear)), alsCore = rmse(coreRows, predictLinear(linear));
log(`linear ALS dim ${K}, ${SWEEPS} sweeps (${((performance.now() - alsStart) / 1000).toFixed(1)} s): test RMSE ${f4(alsAll)}, core ${f4(alsCore)} (${coreRows.length} rows)`);

/** The inverse of a symmetric positive-definite D x D matrix (undefined when it is not one). */
function invert(m: Float64Array): Float64Array | undefined {
  const inv = new Float64Array(D * D);
  for (let c = 0; c < D; c++) {
    const e = new Float64Array(D);
    e[c] = 1;
    if (!solveCholesky(m.slice(), e, D)) return undefined;
    for (let a = 0; a < D; a++) inv[a * D + c] = e[a]!;
  }
  return inv;
}

/** Covariance (D x D) of the rows row(u) gives, over the users listed. */
function covariance(users: number[], row: (u: number, out: Float64Array) => void): Float64Array {
  const x = new Float64Array(D), sum = new Float64Array(D), cov = new Float64Array(D * D);
  for (const u of users) {
    row(u, x);
    for (let a = 0; a < D; a++) {
      sum[a]! += x[a]!;
      for (let b = 0; b < D; b++) cov[a * D + b]! += x[a]! * x[b]!;
    }
  }
  const n = users.length;
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) cov[a * D + b] = (cov[a * D + b]! - (sum[a]! * sum[b]!) / n) / (n - 1);
  return cov;
}

const s2 = NOISE_FLOOR ** 2;
const heavy: number[] = [];
for (let u = 0; u < nUsers; u++) if (trainCount(byUser, u) >= HEAVY) heavy.push(u);
// A heavy member's vector is their taste plus estimation noise of covariance σ²(AᵀA)⁻¹: take it out.
const noise = new Float64Array(D * D);
const gram = new Float64Array(D * D);
for (const u of heavy) {
  accumulate(byUser, u, mean, Q, itemBias, gram, undefined);
  const inv = invert(gram);
  if (inv) for (let k = 0; k < D * D; k++) noise[k]! += (s2 * inv[k]!) / heavy.length;
}
const userRow = (u: number, out: Float64Array): void => {
  for (let d = 0; d < K; d++) out[d] = P[u * K + d]!;
  out[K] = userBias[u]!;
};
const trace = (m: Float64Array): number => Array.from({ length: D }, (_, a) => m[a * D + a]!).reduce((s, v) => s + v, 0);

// The taste prior as the model serves it (tastePrior.ts), fitted on these vectors.
const nIn = inputLength(K);
const inputs = new Float64Array(nUsers * nIn);
for (let u = 0; u < nUsers; u++) {
  describeHistory({ factors: Q, bias: itemBias }, K, history.indices, history.indptr[u]!, history.indptr[u + 1]!, inputs.subarray(u * nIn, (u + 1) * nIn));
}
const fitUsers: number[] = [];
for (let u = 0; u < nUsers; u++) if (trainCount(byUser, u) >= PRIOR_MIN) fitUsers.push(u);
const prior = fitTastePrior(inputs, P, userBias, K, fitUsers, DEFAULT_TRAIN_OPTIONS.priorShrink);
const priorOut = new Float64Array(D);
const residualRow = (u: number, out: Float64Array): void => {
  userRow(u, out);
  applyTastePrior(prior, inputs.subarray(u * nIn, (u + 1) * nIn), history.indptr[u + 1]! - history.indptr[u]!, priorOut);
  for (let a = 0; a < D; a++) out[a] = out[a]! - priorOut[a]!;
};

/** cov - noise, nudged onto the positive-definite cone when the subtraction leaves it. */
function tasteCovariance(cov: Float64Array): Float64Array {
  const s = cov.map((v, k) => v - noise[k]!);
  const step = (1e-3 * trace(s)) / D;
  while (!invert(s)) for (let a = 0; a < D; a++) s[a * D + a]! += step;
  return s;
}
const tastes = tasteCovariance(covariance(heavy, userRow));
const residual = tasteCovariance(covariance(heavy, residualRow));
const explained = 1 - trace(residual) / trace(tastes);

/** Mean over the test ratings of σ² + xᵀSx, S the posterior covariance of the member given tastes ~ N(m, sigma). */
function bayesCeiling(sigma: Float64Array): number {
  const precision = invert(sigma)!;
  const m = new Float64Array(D * D), x = new Float64Array(D);
  let sum = 0, n = 0;
  for (let u = 0; u < nUsers; u++) {
    if (trainCount(testByUser, u) === 0) continue;
    accumulate(byUser, u, mean, Q, itemBias, m, undefined);
    for (let k = 0; k < D * D; k++) m[k] = m[k]! / s2 + precision[k]!;
    for (let k = testByUser.indptr[u]!; k < testByUser.indptr[u + 1]!; k++) {
      const i = testByUser.indices[k]!;
      for (let d = 0; d < K; d++) x[d] = Q[i * K + d]!;
      x[K] = 1;
      const z = x.slice();
      solveCholesky(m.slice(), z, D);
      let q = 0;
      for (let a = 0; a < D; a++) q += x[a]! * z[a]!;
      sum += s2 + q;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}
const ceilingPlain = bayesCeiling(tastes);
const ceilingPrior = bayesCeiling(residual);
log(`spread of tastes (trace, ${heavy.length} members with ${HEAVY}+ ratings): ${f4(trace(tastes))} after ${f4(trace(noise))} of estimation noise; the taste prior explains ${(100 * explained).toFixed(1)}%`);
log(`Bayes ceiling (anime factors known, noise ${NOISE_FLOOR}): ${f4(ceilingPlain)} from ratings alone, ${f4(ceilingPrior)} with the taste prior`);

const model = await trainEmbedding({ catalogue: ds.catalogue, ratings, splits, nUsers }, { quiet: true });
const oursAll = rmse(testRows, (u, i) => model.predict(u, i)), oursCore = rmse(coreRows, (u, i) => model.predict(u, i));
log(`ours (default model): test RMSE ${f4(oursAll)}, core ${f4(oursCore)}`);

// 3. The replica: the linear fit as the truth, scores drawn afresh on the same rows.
/** Φ, the standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; error < 2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
/** Mean and variance of clamp(round(truth + N(0, sd²)), 1, 10): the oracle's prediction and its expected error. */
function drawMoments(truth: number, sd: number): [number, number] {
  let m = 0, m2 = 0, below = 0;
  for (let k = 1; k <= 10; k++) {
    const upTo = k === 10 ? 1 : normalCdf((k + 0.5 - truth) / sd);
    const p = upTo - below;
    below = upTo;
    m += p * k;
    m2 += p * k * k;
  }
  return [m, m2 - m * m];
}
const truthOnTest = Array.from(testRows, (r) => linearScore(linear, ratings.userIx[r]!, ratings.itemIx[r]!));
const oracleExpected = (sd: number): number => Math.sqrt(truthOnTest.reduce((s, t) => s + drawMoments(t, sd)[1], 0) / truthOnTest.length);
let lo = 0.1, hi = 3;
for (let step = 0; step < 40; step++) [lo, hi] = oracleExpected((lo + hi) / 2) < NOISE_FLOOR ? [(lo + hi) / 2, hi] : [lo, (lo + hi) / 2];
const noiseSd = (lo + hi) / 2;
const draw = createRandom(7);
const replicaScore = new Int8Array(ratings.count);
for (let r = 0; r < ratings.count; r++) {
  const s = ratings.score[r]!;
  replicaScore[r] = s < 1 ? s : Math.min(10, Math.max(1, Math.round(linearScore(linear, ratings.userIx[r]!, ratings.itemIx[r]!) + noiseSd * gaussian(draw))));
}
const replica = { ...ratings, score: replicaScore };
const replicaOracle = rmse(testRows, (u, i) => drawMoments(linearScore(linear, u, i), noiseSd)[0], replicaScore);
const shareHigh = (score: Int8Array): string => {
  let high = 0, n = 0;
  for (const r of splits.train) {
    if (score[r]! < 1) continue;
    n++;
    if (score[r]! >= 9) high++;
  }
  return `${((100 * high) / n).toFixed(1)}%`;
};
log(`replica: noise sd ${f4(noiseSd)}; the truth itself scores ${f4(replicaOracle)}; 9s and 10s ${shareHigh(replicaScore)} of training scores (real ${shareHigh(ratings.score)})`);
const replicaModel = await trainEmbedding({ catalogue: ds.catalogue, ratings: replica, splits, nUsers }, { quiet: true });
const replicaOurs = rmse(testRows, (u, i) => replicaModel.predict(u, i), replicaScore);
const replicaLinear = fitLinear(buildCsr(replica, splits.train, { by: 'user', explicitOnly: true, nUsers }), buildCsr(replica, splits.train, { by: 'item', explicitOnly: true, nUsers }));
const replicaAls = rmse(testRows, predictLinear(replicaLinear), replicaScore);
log(`replica: ours ${f4(replicaOurs)}, linear ALS dim ${K} ${f4(replicaAls)}`);

const md = `### How low RMSE can go on this split (\`npx tsx bench/ceiling.ts\`)

${ratings.count.toLocaleString('en-US')} rating rows; the seed-42 split; ${testRows.length.toLocaleString('en-US')} test ratings. The Bayes ceiling assumes a ${K}-dimension linear model with its anime factors known exactly; the replica keeps who rated what and draws every score from that model's fit, with noise set so that the truth scores ${NOISE_FLOOR} (see the file's header).

| question | figure |
|---|---|
| the generator's noise floor (../shared/data/README.md) | about ${NOISE_FLOOR} |
| ours (default model), all test ratings | ${f4(oursAll)} |
| ours, the ${coreRows.length.toLocaleString('en-US')} test ratings of members with ${CORE_USER}+ training ratings, of anime with ${CORE_ITEM.toLocaleString('en-US')}+ | ${f4(oursCore)} |
| linear ALS, dim ${K} (the ceiling's model): all test ratings / the same core | ${f4(alsAll)} / ${f4(alsCore)} |
| Bayes ceiling, tastes learnt from ratings alone | ${f4(ceilingPlain)} |
| Bayes ceiling, with the taste prior (it explains ${(100 * explained).toFixed(0)}% of the spread of tastes) | ${f4(ceilingPrior)} |
| replica with a known truth (same rows, same split): the truth itself / ours / linear ALS | ${f4(replicaOracle)} / ${f4(replicaOurs)} / ${f4(replicaAls)} |
`;
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'ceiling.md'), md);
log('wrote bench/results/ceiling.md');
