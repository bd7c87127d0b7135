/**
 * Training speed of the implicit (WRMF) model on every row of the data (rated and -1), at the default
 * settings. Peer, in the same run: the textbook ALS row solve of Hu, Koren & Volinsky (build
 * YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ + λI per user and solve it by Cholesky, O(nnz·k² + k³) per row) against our
 * conjugate-gradient solve (O(nnz·k) per step), timed over the same users half-sweep.
 * Goal: full synthetic set (7.25 M rows) well under a minute. Data: ANIREC_BENCH_DATA (default
 * ../shared/data/synthetic).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { DEFAULT_IMPLICIT_OPTIONS } from '../src/model/implicit/options.js';
import { trainWrmf } from '../src/model/implicit/trainWrmf.js';
import { buildConfidence } from '../src/model/implicit/csr.js';
import { computeGramian, solveCholesky } from '../src/model/linalg.js';
import { solveRows } from '../src/model/implicit/solveRows.js';
import type { Csr } from '../src/model/implicit/csr.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');

const ds = await loadDataset(dataDir);
const ratings = ds.ratings;
const rows = Uint32Array.from({ length: ratings.count }, (_, i) => i);
const nUsers = ratings.userIds.length;
const options = { ...DEFAULT_IMPLICIT_OPTIONS, threads: availableParallelism() };
const k = options.dim;

const cpu0 = process.cpuUsage();
const trained = await trainWrmf(ratings, rows, nUsers, options);
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`WRMF: ${ratings.count.toLocaleString('en')} rows, dim ${k}, ${options.iterations} sweeps, ${trained.threads} threads: ${trained.seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU`);

/** The peer: one users half-sweep by explicit normal equations and Cholesky, row by row. */
function solveRowsDirect(csr: Csr, other: Float32Array, gram: Float64Array, target: Float32Array): void {
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let row = 0; row < csr.nRows; row++) {
    a.set(gram);
    b.fill(0);
    for (let e = csr.indptr[row]!; e < csr.indptr[row + 1]!; e++) {
      const yo = csr.indices[e]! * k;
      const c1 = csr.extra[e]!;
      for (let p = 0; p < k; p++) {
        const yp = other[yo + p]!;
        b[p]! += (1 + c1) * yp;
        const w = c1 * yp;
        for (let q = 0; q < k; q++) a[p * k + q]! += w * other[yo + q]!;
      }
    }
    solveCholesky(a, b, k);
    for (let p = 0; p < k; p++) target[row * k + p] = b[p]!;
  }
}

const { byUser } = buildConfidence(ratings, rows, nUsers, options);
const gram = computeGramian(trained.itemFactors, ratings.nItems, k);
for (let d = 0; d < k; d++) gram[d * k + d]! += options.reg;
const ours = Float32Array.from(trained.userFactors);
let t0 = performance.now();
solveRows({ csr: byUser, other: trained.itemFactors, gram, target: ours, k, cgSteps: options.cgSteps, start: 0, end: nUsers });
const cgSeconds = (performance.now() - t0) / 1000;
const exact = new Float32Array(nUsers * k);
t0 = performance.now();
solveRowsDirect(byUser, trained.itemFactors, gram, exact);
const directSeconds = (performance.now() - t0) / 1000;
let diff = 0;
let norm = 0;
for (let j = 0; j < exact.length; j++) {
  diff += (ours[j]! - exact[j]!) ** 2;
  norm += exact[j]! ** 2;
}
const relError = Math.sqrt(diff / norm);
console.log(`users half-sweep, one thread: CG (ours) ${cgSeconds.toFixed(2)} s, Cholesky (peer) ${directSeconds.toFixed(2)} s; relative difference of the solutions ${relError.toExponential(1)}`);

const md = [
  `WRMF (implicit ALS) on every row of ${dataDir.split('/').slice(-1)[0]} (${(ratings.count / 1e6).toFixed(2)} M rows, ${nUsers.toLocaleString('en')} users x ${ratings.nItems.toLocaleString('en')} anime), dim ${k}:`,
  '',
  '| goal | ours | peer | target |',
  '|---|---|---|---|',
  `| train, ${options.iterations} sweeps, ${trained.threads} threads | ${trained.seconds.toFixed(1)} s (${cpuSeconds.toFixed(0)} s CPU) | | well under 60 s |`,
  `| one users half-sweep, 1 thread | ${cgSeconds.toFixed(2)} s (CG, ${options.cgSteps} steps, warm start) | ${directSeconds.toFixed(2)} s (Cholesky per user) | |`,
  '',
  `CG and the exact solve differ by ${relError.toExponential(1)} (relative), after training converged.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'wrmf.md'), md);
console.log('wrote bench/results/wrmf.md');
