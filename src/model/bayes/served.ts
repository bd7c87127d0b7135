/**
 * The Bayesian model as the composite's rating predictor (composite/explicitPart.ts): the posterior-mean
 * tables split into anime vectors and biases, a linear link clipped to 1..10. The members' implicit part
 * and the anime's genre rows are already in those tables, so serving sees a plain biased MF; a new
 * member's vector comes from BayesModel.foldIn (implicit part included) and ranks like any other.
 */
import { ModelFitError } from '../../errors.js';
import type { ExplicitFoldedUser, ExplicitPart } from '../composite/explicitPart.js';
import { dotFrom } from '../embedding/scoring.js';
import type { FoldedUser, Profile } from '../types.js';
import { BayesModel, clampRating } from './model.js';

export class BayesExplicit implements ExplicitPart {
  readonly name = 'bayes' as const;
  readonly link = 'linear' as const;
  readonly dim: number;
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  readonly globalOffset: number;
  readonly scale = { lo: 1, hi: 10 };
  readonly modelState: { userIds: Int32Array; userCounts: Int32Array; tables: { P: Float32Array; userBias: Float32Array } };
  /** A member the model never saw: the members' learnt prior mean (factors, then bias). */
  private readonly priorRow: Float32Array;

  constructor(readonly model: BayesModel) {
    // The composite serves one table per side: averaged samples would not match what is saved.
    if (model.options.serve !== 'mean') throw new ModelFitError('the composite serves the bayes model\'s posterior-mean tables (serve: \'mean\')');
    const p = model.posterior;
    const dim = p.k - 1;
    this.dim = dim;
    this.globalOffset = p.globalMean;
    this.itemFactors = new Float32Array(p.nItems * dim);
    this.itemBias = new Float32Array(p.nItems);
    for (let i = 0; i < p.nItems; i++) {
      this.itemFactors.set(p.items.subarray(i * p.k, i * p.k + dim), i * dim);
      this.itemBias[i] = p.items[i * p.k + dim]!;
    }
    const P = new Float32Array(p.nUsers * dim);
    const userBias = new Float32Array(p.nUsers);
    for (let u = 0; u < p.nUsers; u++) {
      P.set(p.users.subarray(u * p.k, u * p.k + dim), u * dim);
      userBias[u] = p.users[u * p.k + dim]!;
    }
    // Served from these tables (not the posterior's), so dropTrainedUsers' zeroed rows are what is served and saved.
    this.modelState = { userIds: model.userIds, userCounts: p.userCounts, tables: { P, userBias } };
    this.priorRow = Float32Array.from(p.userHyper.mu);
  }

  /** The model as saved: the posterior with the member tables as served (dropped members zeroed). */
  toBayesModel(): BayesModel {
    const p = this.model.posterior;
    const { P, userBias } = this.modelState.tables;
    const users = new Float32Array(p.nUsers * p.k);
    for (let u = 0; u < p.nUsers; u++) {
      users.set(P.subarray(u * this.dim, (u + 1) * this.dim), u * p.k);
      users[u * p.k + this.dim] = userBias[u]!;
    }
    return BayesModel.fromPosterior(this.model.options, { ...p, users }, this.model.schedule, this.modelState.userIds);
  }

  activate(z: number): number {
    return clampRating(z);
  }

  predict(userIx: number, itemIx: number): number {
    const { dim, itemFactors, itemBias } = this;
    const { P, userBias } = this.modelState.tables;
    if (!(itemIx >= 0 && itemIx < itemBias.length)) return this.activate(this.globalOffset);
    if (!(userIx >= 0 && userIx < userBias.length)) {
      return this.activate(dotFrom(this.priorRow, 0, itemFactors, itemIx * dim, dim, this.globalOffset + this.priorRow[dim]! + itemBias[itemIx]!));
    }
    return this.activate(dotFrom(P, userIx * dim, itemFactors, itemIx * dim, dim, this.globalOffset + userBias[userIx]! + itemBias[itemIx]!));
  }

  foldIn(profile: Profile): ExplicitFoldedUser {
    const { row, fallback } = this.model.foldIn(profile);
    return { model: 'bayes', vector: row.slice(0, this.dim), bias: row[this.dim]!, ...(fallback !== undefined ? { fallback } : {}) };
  }

  private asFolded(user: FoldedUser): ExplicitFoldedUser {
    const folded = user as ExplicitFoldedUser;
    if (user.model !== 'bayes' || !(folded.vector instanceof Float32Array) || folded.vector.length !== this.dim) {
      throw new ModelFitError(`the bayes model cannot use a person folded in by the ${user.model} model`);
    }
    return folded;
  }

  /** Unclipped: anime predicted past 10 keep their order (what the composite's ranking reads). */
  scoreItems(user: FoldedUser, out: Float32Array): void {
    const { vector, bias } = this.asFolded(user);
    const base = this.globalOffset + bias;
    const n = Math.min(out.length, this.itemBias.length);
    for (let i = 0; i < n; i++) out[i] = dotFrom(vector, 0, this.itemFactors, i * this.dim, this.dim, base + this.itemBias[i]!);
  }

  predictFolded(user: FoldedUser, itemIx: number): number {
    const { vector, bias } = this.asFolded(user);
    const base = this.globalOffset + bias;
    if (!(itemIx >= 0 && itemIx < this.itemBias.length)) return this.activate(base);
    return this.activate(dotFrom(vector, 0, this.itemFactors, itemIx * this.dim, this.dim, base + this.itemBias[itemIx]!));
  }
}
