/**
 * The embedding trainer's benchmark, beside LIBMF (C++, npm `libmf`) in the same run:
 * 1. throughput (rating updates/s) at dim 32 on both cores: the DEFAULT trainer's run (on this set,
 *    optimizer 'auto' resolves to row-wise AdaGrad then Adam fine-tuning; epochs as early stopping ends
 *    them), plus each optimiser alone at fixed epochs with the default kernel (wasm SIMD where it can
 *    run) on 2 threads and on 1, and with the JS kernel on 2 threads for comparison, vs LIBMF's
 *    per-epoch time (fit at 11 iterations minus fit at 1, so its file reading is not counted);
 * 2. ingest + train + save of the default model on the full synthetic set (target under 2 minutes);
 * 3. fold-in of a 100-rating person: p50/p99 (target <= 5 ms);
 * 4. held-out RMSE of ours vs LIBMF on synthetic and on the REAL sample (plus the hybrid, and anime
 *    with few ratings).
 * Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic) and ANIREC_SHARED_DATA/mal-sample.
 * Writes bench/results/train.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Model } from 'libmf';
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import type { Dataset } from '../src/data/types.js';
import { DEFAULT_TRAIN_OPTIONS, saveEmbeddingModel, trainEmbedding, type EmbeddingModel } from '../src/model/embedding/index.js';
import type { TrainingData } from '../src/model/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SYNTHETIC = resolve(ROOT, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const REAL = resolve(ROOT, process.env.ANIREC_SHARED_DATA ?? '../shared/data', 'mal-sample');
const FIXED_EPOCHS = 8;
const FOLD_IN_RUNS = 2_000;
const tmp = mkdtempSync(join(tmpdir(), 'anirec-bench-train-'));
/** LIBMF's own default L2 penalty (on both sides); the grid that tunes it on validation. */
const LIBMF_DEFAULT_LAMBDA = 0.1;
const LIBMF_GRID = { lambdas: [0.03, 0.05, 0.07, 0.1], iterations: [12, 20, 30] };

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function toData(ds: Dataset): TrainingData {
  return { catalogue: ds.catalogue, ratings: ds.ratings, splits: makeSplits(ds.ratings), nUsers: ds.ratings.userIds.length };
}

function explicitRows(data: TrainingData, rows: Uint32Array): Uint32Array {
  return rows.filter((r) => data.ratings.score[r]! >= 1);
}

function rmse(data: TrainingData, rows: Uint32Array, predict: (u: number, i: number) => number): number {
  let sse = 0;
  for (const r of rows) {
    const e = predict(data.ratings.userIx[r]!, data.ratings.itemIx[r]!) - data.ratings.score[r]!;
    sse += e * e;
  }
  return Math.sqrt(sse / rows.length);
}

function globalMean(data: TrainingData): number {
  let sum = 0, n = 0;
  for (const r of explicitRows(data, data.splits.train)) { sum += data.ratings.score[r]!; n++; }
  return sum / n;
}

/** LIBMF reads its training set from a text file "u i r" (faster than its JS object path). */
function writeLibmfFile(data: TrainingData, name: string): { path: string; n: number } {
  const rows = explicitRows(data, data.splits.train);
  const parts: string[] = [];
  for (const r of rows) parts.push(`${data.ratings.userIx[r]} ${data.ratings.itemIx[r]} ${data.ratings.score[r]}`);
  const path = join(tmp, name);
  writeFileSync(path, parts.join('\n') + '\n');
  return { path, n: rows.length };
}

function fitLibmf(path: string, iterations: number, lambda = LIBMF_DEFAULT_LAMBDA): { model: Model; seconds: number } {
  const model = new Model({ factors: 32, threads: 2, iterations, lambdaP2: lambda, lambdaQ2: lambda, quiet: true });
  const t0 = performance.now();
  model.fit(path);
  return { model, seconds: (performance.now() - t0) / 1000 };
}

/** LIBMF's prediction, clipped to the rating scale (its output is unbounded; ours is a sigmoid onto it). */
function libmfPredict(model: Model): (u: number, i: number) => number {
  return (u, i) => Math.min(10, Math.max(1, model.predict(u, i)));
}

/**
 * A fair peer is a tuned one: LIBMF at dim 32 with the L2 penalty and iteration count that give the best
 * validation RMSE over a small grid (its defaults, λ 0.1 and 20 iterations, are one point of it). Test
 * RMSE is read only for the winner.
 */
function tuneLibmf(data: TrainingData, path: string): { model: Model; lambda: number; iterations: number; validation: number } {
  const validation = explicitRows(data, data.splits.validation);
  let best: { model: Model; lambda: number; iterations: number; validation: number } | undefined;
  for (const lambda of LIBMF_GRID.lambdas) {
    for (const iterations of LIBMF_GRID.iterations) {
      const { model } = fitLibmf(path, iterations, lambda);
      const v = rmse(data, validation, libmfPredict(model));
      if (!best || v < best.validation) {
        best?.model.destroy();
        best = { model, lambda, iterations, validation: v };
      } else {
        model.destroy();
      }
    }
  }
  return best!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

const f2 = (x: number): string => x.toFixed(2);
const f3 = (x: number): string => x.toFixed(3);
const f4 = (x: number): string => x.toFixed(4);

// 2. The default pipeline on the full synthetic set: ingest (no cache) + train + save.
log(`load average at start: ${loadavg().map(f2).join(' ')}`);
const pipelineStart = performance.now();
const synthetic = await loadDataset(SYNTHETIC, { cache: false });
const ingestSeconds = seconds(pipelineStart);
const syn = toData(synthetic);
const trainStart = performance.now();
const model = await trainEmbedding(syn, { quiet: true });
const trainSeconds = seconds(trainStart);
const saveStart = performance.now();
await saveEmbeddingModel(model, join(tmp, 'model'));
const saveSeconds = seconds(saveStart);
const pipelineSeconds = seconds(pipelineStart);
const synTest = explicitRows(syn, syn.splits.test);
const synRmse = rmse(syn, synTest, (u, i) => model.predict(u, i));
const synMean = globalMean(syn);
const synMeanRmse = rmse(syn, synTest, () => synMean);
const notes = model.report.notes ?? {};
const defaultUps = Number(notes.updatesPerSecond);
log(`synthetic pipeline: ingest ${f2(ingestSeconds)} s, train ${f2(trainSeconds)} s (${notes.optimizer}, ${notes.kernel} kernel, dim ${notes.dim}, ${notes.bestEpoch} best of ${model.report.curve?.length} epochs, ${notes.threads} threads, ${f2(defaultUps / 1e6)} M updates/s), save ${f2(saveSeconds)} s, total ${f2(pipelineSeconds)} s`);
log(`synthetic held-out RMSE: ours ${f4(synRmse)}, global mean ${f4(synMeanRmse)}`);
const synHybrid = await trainEmbedding(syn, { quiet: true, hybrid: true });
const synHybridRmse = rmse(syn, synTest, (u, i) => synHybrid.predict(u, i));
const synHybridUps = Number(synHybrid.report.notes?.updatesPerSecond);
log(`synthetic held-out RMSE, hybrid: ${f4(synHybridRmse)} (${f2(synHybrid.report.seconds)} s, ${synHybrid.report.notes?.kernel} kernel, ${f2(synHybridUps / 1e6)} M updates/s)`);

// 1. Throughput at fixed epochs, dim 32: the default kernel on 2 threads and 1, the JS kernel on 2.
const fixed = { epochs: FIXED_EPOCHS, patience: 1_000, threads: 2, dim: 32, quiet: true } as const;
/**
 * cores: CPU seconds the process got per wall second from the end of epoch 1 to the last epoch (what a
 * shared machine lets the threads use; setup and post-training steps excluded).
 */
async function trainFixed(optimizer: 'adam' | 'rowAdagrad', kernel: 'auto' | 'js', threads: number): Promise<{ model: EmbeddingModel; ups: number; kernel: string; cores: number }> {
  const lr = optimizer === 'adam' ? DEFAULT_TRAIN_OPTIONS.lr : DEFAULT_TRAIN_OPTIONS.warmLr;
  const marks: { cpuMicros: number; at: number }[] = [];
  const onEpoch = (): void => {
    const cpu = process.cpuUsage();
    marks.push({ cpuMicros: cpu.user + cpu.system, at: performance.now() });
  };
  const m = await trainEmbedding(syn, { ...fixed, optimizer, lr, kernel, threads, onEpoch });
  const first = marks[0]!, last = marks.at(-1)!;
  const cores = (last.cpuMicros - first.cpuMicros) / 1e3 / Math.max(1e-9, last.at - first.at);
  return { model: m, ups: Number(m.report.notes?.updatesPerSecond), kernel: String(m.report.notes?.kernel), cores };
}
const adamRun = await trainFixed('adam', 'auto', 2);
const rowRun = await trainFixed('rowAdagrad', 'auto', 2);
const adam = adamRun.model, rowAdagrad = rowRun.model;
const adamUps = adamRun.ups, rowUps = rowRun.ups, fixedKernel = rowRun.kernel;
const adamOne = await trainFixed('adam', 'auto', 1);
const rowOne = await trainFixed('rowAdagrad', 'auto', 1);
const adamJs = await trainFixed('adam', 'js', 2);
const rowJs = await trainFixed('rowAdagrad', 'js', 2);
const rowRmse = rmse(syn, synTest, (u, i) => rowAdagrad.predict(u, i));
const adamRmse = rmse(syn, synTest, (u, i) => adam.predict(u, i));
const synFile = writeLibmfFile(syn, 'synthetic.txt');
const one = fitLibmf(synFile.path, 1);
one.model.destroy();
const eleven = fitLibmf(synFile.path, 11);
eleven.model.destroy();
const libmfEpoch = Math.max(1e-6, (eleven.seconds - one.seconds) / 10);
const libmfUps = synFile.n / libmfEpoch;
const libmf20 = fitLibmf(synFile.path, 20);
const libmfRmse = rmse(syn, synTest, libmfPredict(libmf20.model));
libmf20.model.destroy();
const synTuned = tuneLibmf(syn, synFile.path);
const libmfTunedRmse = rmse(syn, synTest, libmfPredict(synTuned.model));
synTuned.model.destroy();
log(`throughput (2 threads, dim 32): ours default trainer (${notes.optimizer}, ${notes.kernel} kernel) ${f2(defaultUps / 1e6)} M/s = ${f2(defaultUps / libmfUps)} x LIBMF; LIBMF ${f2(libmfUps / 1e6)} M/s`);
log(`throughput at ${FIXED_EPOCHS} fixed epochs, ${fixedKernel} kernel: 2 threads lazy Adam ${f2(adamUps / 1e6)} M/s, row-wise AdaGrad ${f2(rowUps / 1e6)} M/s (${f2(rowUps / libmfUps)} x LIBMF; the 2-thread runs got ${f2(adamRun.cores)} and ${f2(rowRun.cores)} cores of CPU); 1 thread lazy Adam ${f2(adamOne.ups / 1e6)} M/s (${adamOne.kernel}), row-wise AdaGrad ${f2(rowOne.ups / 1e6)} M/s (${rowOne.kernel})`);
log(`throughput at ${FIXED_EPOCHS} fixed epochs, ${rowJs.kernel} kernel, 2 threads: lazy Adam ${f2(adamJs.ups / 1e6)} M/s, row-wise AdaGrad ${f2(rowJs.ups / 1e6)} M/s`);
log(`synthetic held-out RMSE: LIBMF defaults (λ ${LIBMF_DEFAULT_LAMBDA}, 20 it) ${f4(libmfRmse)} in ${f2(libmf20.seconds)} s; LIBMF tuned on validation (λ ${synTuned.lambda}, ${synTuned.iterations} it) ${f4(libmfTunedRmse)}; ours at ${FIXED_EPOCHS} fixed epochs: Adam ${f4(adamRmse)}, row-wise AdaGrad ${f4(rowRmse)}`);

// 3. Fold-in of 100 ratings against the frozen synthetic model.
let seed = 12345;
const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const nItems = syn.ratings.nItems;
const times: number[] = [];
for (let run = 0; run < FOLD_IN_RUNS; run++) {
  const itemIx = Int32Array.from({ length: 100 }, () => Math.floor(next() * nItems));
  const score = Int8Array.from({ length: 100 }, () => 1 + Math.floor(next() * 10));
  const t0 = performance.now();
  model.foldIn({ itemIx, score });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const foldP50 = percentile(times, 0.5), foldP99 = percentile(times, 0.99);
log(`fold-in of 100 ratings (${FOLD_IN_RUNS} runs): p50 ${f3(foldP50)} ms, p99 ${f3(foldP99)} ms`);

// 4. The real sample: plain, hybrid, LIBMF, global mean; anime with few training ratings.
const real = toData(await loadDataset(REAL, { cache: false }));
const realTest = explicitRows(real, real.splits.test);
const plain = await trainEmbedding(real, { quiet: true });
const hybrid = await trainEmbedding(real, { quiet: true, hybrid: true });
const realFile = writeLibmfFile(real, 'real.txt');
const realLibmf = fitLibmf(realFile.path, 20);
const realTuned = tuneLibmf(real, realFile.path);
const realMean = globalMean(real);
const counts = new Int32Array(real.ratings.nItems);
for (const r of explicitRows(real, real.splits.train)) counts[real.ratings.itemIx[r]!]!++;
const rareTest = realTest.filter((r) => counts[real.ratings.itemIx[r]!]! <= 5);
const realRows = {
  plain: rmse(real, realTest, (u, i) => plain.predict(u, i)),
  hybrid: rmse(real, realTest, (u, i) => hybrid.predict(u, i)),
  libmf: rmse(real, realTest, libmfPredict(realLibmf.model)),
  libmfTuned: rmse(real, realTest, libmfPredict(realTuned.model)),
  mean: rmse(real, realTest, () => realMean),
  plainRare: rmse(real, rareTest, (u, i) => plain.predict(u, i)),
  hybridRare: rmse(real, rareTest, (u, i) => hybrid.predict(u, i)),
};
realLibmf.model.destroy();
realTuned.model.destroy();
// Held-out people folded in from their profile rows, judged on their targets.
function foldInRmse(data: TrainingData, m: EmbeddingModel): number {
  const byUser = new Map<number, { profile: number[]; target: number[] }>();
  const entry = (u: number) => byUser.get(u) ?? byUser.set(u, { profile: [], target: [] }).get(u)!;
  for (const r of data.splits.profile) entry(data.ratings.userIx[r]!).profile.push(r);
  for (const r of explicitRows(data, data.splits.target)) entry(data.ratings.userIx[r]!).target.push(r);
  let sse = 0, n = 0;
  for (const { profile, target } of byUser.values()) {
    const person = m.foldIn({ itemIx: Int32Array.from(profile, (r) => data.ratings.itemIx[r]!), score: Int8Array.from(profile, (r) => data.ratings.score[r]!) });
    for (const r of target) { const e = m.predictFolded(person, data.ratings.itemIx[r]!) - data.ratings.score[r]!; sse += e * e; n++; }
  }
  return Math.sqrt(sse / n);
}
const realFoldIn = foldInRmse(real, plain);
const realFoldInMean = (() => {
  const rows = explicitRows(real, real.splits.target);
  return rmse(real, rows, () => realMean);
})();
log(`real sample optimiser (auto): ${plain.report.notes?.optimizer}`);
log(`real sample held-out RMSE: embedding ${f4(realRows.plain)}, hybrid ${f4(realRows.hybrid)}, LIBMF defaults ${f4(realRows.libmf)}, LIBMF tuned (λ ${realTuned.lambda}, ${realTuned.iterations} it) ${f4(realRows.libmfTuned)}, global mean ${f4(realRows.mean)}`);
log(`real sample, anime with <= 5 training ratings (${rareTest.length} test rows): embedding ${f4(realRows.plainRare)}, hybrid ${f4(realRows.hybridRare)}`);
log(`real sample, held-out people folded in: embedding ${f4(realFoldIn)}, global mean ${f4(realFoldInMean)}`);
log(`load average at end: ${loadavg().map(f2).join(' ')}`);

const d = DEFAULT_TRAIN_OPTIONS;
const md = `### Embedding trainer (\`npx tsx bench/train.ts\`)

Defaults: dim ${d.dim}, optimizer ${d.optimizer} (here: ${notes.optimizer}; real sample: ${plain.report.notes?.optimizer}), kernel ${d.kernel} (here: ${notes.kernel}; hybrid: ${synHybrid.report.notes?.kernel}), AdaGrad lr ${d.warmLr}, Adam lr ${d.lr}, reg ${d.reg} x count^-${d.regExponent}, up to ${d.epochs} epochs per phase with patience ${d.patience}, Hogwild on all cores. Machine load average during the run: ${loadavg().map(f2).join(' ')} (2 cores, shared).

| goal | ours | peer | target |
|---|---|---|---|
| throughput, 2 threads, dim 32 (rating updates/s), default trainer (${notes.kernel} kernel) | ${f2(defaultUps / 1e6)} M/s (${f2(defaultUps / libmfUps)} x LIBMF) | LIBMF ${f2(libmfUps / 1e6)} M/s | >= half of LIBMF |
| throughput, each optimiser alone (${FIXED_EPOCHS} fixed epochs, ${fixedKernel} kernel), 2 threads (the machine gave them ${f2(adamRun.cores)} and ${f2(rowRun.cores)} cores) | lazy Adam ${f2(adamUps / 1e6)} M/s; row-wise AdaGrad ${f2(rowUps / 1e6)} M/s (${f2(rowUps / libmfUps)} x LIBMF) | LIBMF ${f2(libmfUps / 1e6)} M/s | |
| same, 1 thread (${rowOne.kernel} kernel) | lazy Adam ${f2(adamOne.ups / 1e6)} M/s; row-wise AdaGrad ${f2(rowOne.ups / 1e6)} M/s | | |
| same, JS kernel, 2 threads | lazy Adam ${f2(adamJs.ups / 1e6)} M/s; row-wise AdaGrad ${f2(rowJs.ups / 1e6)} M/s | | |
| ingest + train + save, full synthetic (${synFile.n.toLocaleString('en-US')} train ratings) | ${f2(pipelineSeconds)} s (ingest ${f2(ingestSeconds)}, train ${f2(trainSeconds)}, save ${f2(saveSeconds)}) | LIBMF 20 iterations (train only) ${f2(libmf20.seconds)} s | < 120 s |
| fold-in, 100 ratings | p50 ${f3(foldP50)} ms, p99 ${f3(foldP99)} ms | | <= 5 ms |
| held-out RMSE, synthetic | embedding ${f4(synRmse)}, hybrid ${f4(synHybridRmse)} (hybrid trains at ${f2(synHybridUps / 1e6)} M/s) | LIBMF tuned on validation (λ ${synTuned.lambda}, ${synTuned.iterations} it) ${f4(libmfTunedRmse)}; LIBMF defaults ${f4(libmfRmse)}; global mean ${f4(synMeanRmse)} | <= 1.10 |
| held-out RMSE, real sample | embedding ${f4(realRows.plain)}, hybrid ${f4(realRows.hybrid)} | LIBMF tuned on validation (λ ${realTuned.lambda}, ${realTuned.iterations} it) ${f4(realRows.libmfTuned)}; LIBMF defaults ${f4(realRows.libmf)}; global mean ${f4(realRows.mean)} | <= 1.22 |
| real sample, anime with <= 5 training ratings | embedding ${f4(realRows.plainRare)}, hybrid ${f4(realRows.hybridRare)} | | hybrid below embedding |
| real sample, held-out people folded in | ${f4(realFoldIn)} | global mean ${f4(realFoldInMean)} | |
`;
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'train.md'), md);
rmSync(tmp, { recursive: true, force: true });
log('wrote bench/results/train.md');
