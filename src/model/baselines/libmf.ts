/**
 * LIBMF (C++, npm `libmf`) as a peer, the way a careful user would run it: r ≈ p_u·q_i at 32 factors on
 * both threads, its L2 penalty (λ on both sides) and iteration count chosen by validation RMSE over a small
 * grid (LIBMF's defaults, λ 0.1 and 20 iterations, are one point of it), then refitted on train +
 * validation rows with the chosen settings (validation is not wasted once it has chosen). LIBMF reads its
 * training set from a "u i r" text file (faster than its JS object path). The factors are copied out and
 * the native model freed, so prediction and fold-in are plain JS: clipped to the rating scale, and LIBMF's
 * own fallback (its mean rating b) where a user or anime had no rating. Fold-in: ridge for b_u, p against
 * the frozen Q on the ratings minus b (foldInRidge.ts).
 * The package is imported lazily, so a missing `libmf` is a ModelFitError naming the install command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFitError } from '../../errors.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from '../types.js';
import { clampRating } from './baseline.js';
import { cosineNeighbours } from './factorModel.js';
import { BiasedRidge, dot, tuneFoldInLambda, type RidgeFold } from './foldInRidge.js';

export interface LibmfOptions {
  factors?: number;
  threads?: number;
  lambdas?: number[];
  iterations?: number[];
}

export const LIBMF_DEFAULTS = { factors: 32, threads: 2, lambdas: [0.03, 0.05, 0.07, 0.1], iterations: [12, 20, 30] };

type LibmfModule = typeof import('libmf');
type NativeModel = InstanceType<LibmfModule['Model']>;

async function loadLibmf(): Promise<LibmfModule> {
  try {
    return await import('libmf');
  } catch (error) {
    throw new ModelFitError(`libmf is not installed: run npm install libmf (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** One grid point and its validation RMSE. */
export interface LibmfTrial {
  lambda: number;
  iterations: number;
  validationRmse: number;
}

interface LibmfUser extends FoldedUser {
  bu: number;
  p: Float32Array;
}

/** Writes the explicit rows among `rows` as LIBMF's "u i r" lines; returns how many. */
function writeRows(path: string, data: TrainingData, rows: Uint32Array[]): number {
  const { userIx, itemIx, score } = data.ratings;
  const lines: string[] = [];
  for (const part of rows) for (const r of part) if (score[r]! > 0) lines.push(`${userIx[r]} ${itemIx[r]} ${score[r]}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return lines.length;
}

function rmseOf(data: TrainingData, rows: Uint32Array, predict: (u: number, i: number) => number): number {
  const { userIx, itemIx, score } = data.ratings;
  let sse = 0;
  let n = 0;
  for (const r of rows) {
    if (score[r]! <= 0) continue;
    sse += (score[r]! - predict(userIx[r]!, itemIx[r]!)) ** 2;
    n++;
  }
  return n > 0 ? Math.sqrt(sse / n) : Number.NaN;
}

/** Copies a factor matrix out of LIBMF (NaN rows, for ids it never saw rated, become zeros). */
function copyFactors(rows: number[][], n: number, k: number): { f: Float32Array; known: Uint8Array } {
  const f = new Float32Array(n * k);
  const known = new Uint8Array(n);
  for (let r = 0; r < Math.min(n, rows.length); r++) {
    const row = rows[r]!;
    if (Number.isNaN(row[0])) continue;
    known[r] = 1;
    for (let c = 0; c < k; c++) f[r * k + c] = row[c]!;
  }
  return { f, known };
}

export class Libmf implements Recommender {
  readonly name = 'libmf';
  k = 0;
  /** LIBMF's fallback, its mean training rating. */
  b = Number.NaN;
  p: Float32Array = new Float32Array(0);
  q: Float32Array = new Float32Array(0);
  knownUser: Uint8Array = new Uint8Array(0);
  knownItem: Uint8Array = new Uint8Array(0);
  nItems = 0;
  lambda = Number.NaN;
  iterations = 0;
  foldLambda = 1;
  trials: LibmfTrial[] = [];
  private readonly settings: Required<LibmfOptions>;

  constructor(options: LibmfOptions = {}) {
    this.settings = { ...LIBMF_DEFAULTS, ...options };
  }

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const { Model } = await loadLibmf();
    const { factors, threads, lambdas, iterations } = this.settings;
    const dir = mkdtempSync(join(tmpdir(), 'anirec-libmf-'));
    try {
      const trainPath = join(dir, 'train.txt');
      const trainRatings = writeRows(trainPath, data, [data.splits.train]);
      if (trainRatings === 0) throw new ModelFitError('libmf: the training rows hold no explicit rating (1..10), so there is nothing to fit');
      const make = (lambda: number, it: number): NativeModel =>
        new Model({ factors, threads, iterations: it, lambdaP2: lambda, lambdaQ2: lambda, quiet: true });
      this.trials = [];
      let best: LibmfTrial | undefined;
      // The best trial's Q, for choosing the fold-in penalty on validation rows the refit will have seen.
      let bestQ: Float32Array = new Float32Array(0);
      for (const lambda of lambdas) {
        for (const it of iterations) {
          const model = make(lambda, it);
          try {
            model.fit(trainPath);
            const validationRmse = rmseOf(data, data.splits.validation, (u, i) => clampRating(model.predict(u, i)));
            const trial = { lambda, iterations: it, validationRmse };
            this.trials.push(trial);
            // With no validation rows (NaN) the first grid point stands.
            if (!best || validationRmse < best.validationRmse) {
              best = trial;
              bestQ = copyFactors(model.q(), data.ratings.nItems, factors).f;
            }
          } finally {
            model.destroy();
          }
        }
      }
      this.lambda = best!.lambda;
      this.iterations = best!.iterations;
      // The chosen settings, refitted on every row the model may learn from.
      const fullPath = join(dir, 'train-validation.txt');
      const refitRatings = writeRows(fullPath, data, [data.splits.train, data.splits.validation]);
      const model = make(this.lambda, this.iterations);
      try {
        model.fit(fullPath);
        this.k = model.factors();
        this.b = model.bias();
        this.nItems = data.ratings.nItems;
        const p = copyFactors(model.p(), data.nUsers, this.k);
        const q = copyFactors(model.q(), this.nItems, this.k);
        [this.p, this.knownUser, this.q, this.knownItem] = [p.f, p.known, q.f, q.known];
      } finally {
        model.destroy();
      }
      const tuned = tuneFoldInLambda(data, bestQ, this.k, () => this.b);
      this.foldLambda = tuned.lambda;
      return {
        seconds: (performance.now() - start) / 1000,
        notes: {
          factors,
          threads,
          lambda: this.lambda,
          iterations: this.iterations,
          validationRmse: Number(best!.validationRmse.toFixed(4)),
          trainRatings,
          refitRatings,
          foldInLambda: tuned.lambda,
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private get fitted(): this {
    if (Number.isNaN(this.b)) throw new ModelFitError('libmf is not fitted yet; call fit first');
    return this;
  }

  /** base + p·q_i, or `fallback` for an anime LIBMF never saw rated. */
  private estimate(base: number, p: Float32Array, po: number, itemIx: number, fallback: number): number {
    if (itemIx < 0 || itemIx >= this.nItems || !this.knownItem[itemIx]) return clampRating(fallback);
    return clampRating(base + dot(p, po, this.q, itemIx * this.k, this.k));
  }

  /** p_u·q_i clipped; LIBMF's b where the user or anime had no rating (its own fallback). */
  predict(userIx: number, itemIx: number): number {
    this.fitted;
    if (userIx < 0 || userIx >= this.knownUser.length || !this.knownUser[userIx]) return clampRating(this.b);
    return this.estimate(0, this.p, userIx * this.k, itemIx, this.b);
  }

  foldIn(profile: Profile): LibmfUser {
    this.fitted;
    const items: number[] = [];
    const targets: number[] = [];
    for (let t = 0; t < profile.itemIx.length; t++) {
      const i = profile.itemIx[t]!;
      const s = profile.score[t]!;
      if (s <= 0 || i < 0 || i >= this.nItems || !this.knownItem[i]) continue;
      items.push(i);
      targets.push(s - this.b);
    }
    const ridge = new BiasedRidge(this.k);
    ridge.accumulate(items, targets, this.q);
    const fold: RidgeFold = ridge.solve(this.foldLambda, { bu: 0, p: new Float32Array(this.k) });
    const user: LibmfUser = { model: this.name, bu: fold.bu, p: fold.p };
    return items.length === 0 ? { ...user, fallback: 'no explicit ratings of anime LIBMF knows in the profile: its mean rating' } : user;
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const u = user as LibmfUser;
    return this.estimate(this.b + u.bu, u.p, 0, itemIx, this.b + u.bu);
  }

  /** Ranks by predicted rating (unclipped). */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const u = user as LibmfUser;
    for (let i = 0; i < out.length; i++) out[i] = this.b + u.bu + (i < this.nItems ? dot(u.p, 0, this.q, i * this.k, this.k) : 0);
  }

  /** Cosine between anime factor vectors q_i. */
  similar(itemIx: number, k: number): Neighbour[] {
    this.fitted;
    return cosineNeighbours(this.q, this.k, this.nItems, itemIx, k);
  }
}
