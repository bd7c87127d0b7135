/**
 * Surprise's SVD++: r ≈ mu + b_u + b_i + q_i·(p_u + |N(u)|^-1/2 Σ_{j∈N(u)} y_j), where N(u) is every
 * training row of the user, the watched-without-score (-1) rows included: they are the implicit signal
 * SVD++ was made for. Surprise's defaults (20 factors, 20 epochs, lr 0.007, reg 0.02, N(0, 0.1²) start).
 * The common efficient form: per user the implicit sum is computed once, the user's ratings are visited
 * (b_u, b_i, p_u, q_i updated as Surprise does), and the y_j gradient is accumulated and applied once at the
 * end of the user's ratings, with the decay of reg that Surprise would apply once per rating
 * ((1 - lr·reg)^n). Users are visited in a seeded shuffled order each epoch.
 * Fold-in: the profile's implicit sum, then ridge for b and p (factorModel.ts).
 */
import { createRandom, shuffleInPlace } from '../../random.js';
import type { Profile, TrainingData } from '../types.js';
import { trainCsr } from '../sparse.js';
import { FactorModel, factorRmse, normalFactors, type EpochCurve, type SgdOptions, type TrainedFactors } from './factorModel.js';
import { meanRating } from './globalMean.js';

export const SVDPP_DEFAULTS = { factors: 20, epochs: 20, lr: 0.007, reg: 0.02, initStd: 0.1, seed: 1 } as const;

export class SvdPp extends FactorModel {
  readonly name = 'svdpp';
  /** Implicit factors y_j, nItems x k. */
  y: Float32Array = new Float32Array(0);
  private readonly settings: Required<SgdOptions>;

  constructor(options: SgdOptions = {}) {
    super();
    this.settings = { ...SVDPP_DEFAULTS, ...options };
  }

  protected train(data: TrainingData): TrainedFactors {
    const { factors: k, epochs, lr, reg, initStd, seed } = this.settings;
    const rated = trainCsr(data, 'user', true);
    const all = trainCsr(data, 'user', false);
    const nUsers = rated.nRows;
    const nItems = data.ratings.nItems;
    const mu = meanRating(data.ratings.score, data.splits.train);
    const random = createRandom(seed);
    const p = normalFactors(nUsers, k, initStd, random);
    const q = normalFactors(nItems, k, initStd, random);
    const y = normalFactors(nItems, k, initStd, random);
    const bu = new Float32Array(nUsers);
    const bi = new Float32Array(nItems);
    const users: number[] = [];
    for (let u = 0; u < nUsers; u++) if (rated.indptr[u + 1]! > rated.indptr[u]!) users.push(u);
    const order = Int32Array.from(users);
    const implicitSum = new Float32Array(k);
    const grad = new Float32Array(k);
    const { indptr: rIndptr, indices: rIndices, values: rValues } = rated;
    const { indptr: nIndptr, indices: nIndices } = all;
    const curve: EpochCurve = [];
    let implicit = implicitTerms(all, y, k);
    const start = performance.now();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      shuffleInPlace(order, random);
      let sse = 0;
      let count = 0;
      for (let t = 0; t < order.length; t++) {
        const u = order[t]!;
        const nFrom = nIndptr[u]!;
        const nTo = nIndptr[u + 1]!;
        const norm = 1 / Math.sqrt(nTo - nFrom);
        implicitSum.fill(0);
        grad.fill(0);
        for (let e = nFrom; e < nTo; e++) {
          const yo = nIndices[e]! * k;
          for (let f = 0; f < k; f++) implicitSum[f]! += y[yo + f]!;
        }
        for (let f = 0; f < k; f++) implicitSum[f]! *= norm;
        const po = u * k;
        const rTo = rIndptr[u + 1]!;
        for (let e = rIndptr[u]!; e < rTo; e++) {
          const i = rIndices[e]!;
          const qo = i * k;
          let dotQ = 0;
          for (let f = 0; f < k; f++) dotQ += q[qo + f]! * (p[po + f]! + implicitSum[f]!);
          const err = rValues[e]! - (mu + bu[u]! + bi[i]! + dotQ);
          sse += err * err;
          bu[u]! += lr * (err - reg * bu[u]!);
          bi[i]! += lr * (err - reg * bi[i]!);
          for (let f = 0; f < k; f++) {
            const pf = p[po + f]!;
            const qf = q[qo + f]!;
            p[po + f] = pf + lr * (err * qf - reg * pf);
            q[qo + f] = qf + lr * (err * (pf + implicitSum[f]!) - reg * qf);
            grad[f]! += err * qf * norm;
          }
        }
        const ratings = rTo - rIndptr[u]!;
        count += ratings;
        const decay = (1 - lr * reg) ** ratings;
        for (let e = nFrom; e < nTo; e++) {
          const yo = nIndices[e]! * k;
          for (let f = 0; f < k; f++) y[yo + f] = y[yo + f]! * decay + lr * grad[f]!;
        }
      }
      implicit = implicitTerms(all, y, k);
      curve.push({
        epoch,
        trainLoss: count > 0 ? Math.sqrt(sse / count) : 0,
        validationRmse: factorRmse(data, mu, bu, bi, p, q, k, implicit),
        seconds: (performance.now() - start) / 1000,
      });
    }
    this.y = y;
    return {
      mu,
      bu,
      bi,
      p,
      q,
      implicit,
      curve,
      notes: {
        factors: k,
        epochs,
        lr,
        reg,
        ratings: rValues.length,
        implicitRows: nIndices.length,
        validationRmse: Number((curve.at(-1)?.validationRmse ?? Number.NaN).toFixed(4)),
      },
    };
  }

  /** |N|^-1/2 Σ y_j over the profile's known anime, watched rows included. */
  protected implicitOf(profile: Profile, out: Float32Array): void {
    out.fill(0);
    const k = this.k;
    let n = 0;
    for (let t = 0; t < profile.itemIx.length; t++) {
      const i = profile.itemIx[t]!;
      if (i < 0 || i >= this.nItems) continue;
      for (let f = 0; f < k; f++) out[f]! += this.y[i * k + f]!;
      n++;
    }
    if (n > 0) for (let f = 0; f < k; f++) out[f]! /= Math.sqrt(n);
  }
}

/** |N(u)|^-1/2 Σ_{j∈N(u)} y_j for every user (0 for a user with no rows), nUsers x k. */
function implicitTerms(all: { nRows: number; indptr: Uint32Array; indices: Int32Array }, y: Float32Array, k: number): Float32Array {
  const out = new Float32Array(all.nRows * k);
  for (let u = 0; u < all.nRows; u++) {
    const from = all.indptr[u]!;
    const to = all.indptr[u + 1]!;
    if (to === from) continue;
    const o = u * k;
    for (let e = from; e < to; e++) {
      const yo = all.indices[e]! * k;
      for (let f = 0; f < k; f++) out[o + f]! += y[yo + f]!;
    }
    const norm = 1 / Math.sqrt(to - from);
    for (let f = 0; f < k; f++) out[o + f]! *= norm;
  }
  return out;
}
