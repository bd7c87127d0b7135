/**
 * What the composite needs of its rating predictor, so either explicit model can serve: the embedding
 * model (embedding/, sigmoid link) or the Bayesian factor model (bayes/served.ts, linear link). Both are
 * a biased MF once served: rating = link(mu + b_u + b_i + v_u·q_i), with lo..hi the range of the link.
 */
import type { FoldedUser, Profile } from '../types.js';

export type ExplicitKind = 'embedding' | 'hybrid' | 'bayes';

/**
 * 'sigmoid': rating = lo + (hi - lo) sigmoid(z); 'linear': rating = z (served clipped to lo..hi, ranked
 * unclipped so anime predicted past the top keep their order).
 */
export type ExplicitLink = 'sigmoid' | 'linear';

/** A person folded into the explicit part: a vector and bias against its frozen anime factors. */
export interface ExplicitFoldedUser extends FoldedUser {
  readonly model: ExplicitKind;
  readonly vector: Float32Array;
  readonly bias: number;
}

export interface ExplicitPart {
  readonly name: ExplicitKind;
  readonly link: ExplicitLink;
  readonly dim: number;
  /** nItems x dim anime vectors as served, and b_i per anime. */
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  /** mu: the offset inside the link. */
  readonly globalOffset: number;
  /** The range the link maps onto. */
  readonly scale: { lo: number; hi: number };
  /**
   * The trained members as served: userIx -> MyAnimeList user id, explicit training rows (0: never
   * trained), and their vectors (nUsers x dim) and biases. dropTrainedUsers zeroes rows here in place.
   */
  readonly modelState: {
    readonly userIds: Int32Array;
    readonly userCounts: Int32Array;
    readonly tables: { readonly P: Float32Array; readonly userBias: Float32Array };
  };
  /** The served rating of a logit. */
  activate(z: number): number;
  predict(userIx: number, itemIx: number): number;
  foldIn(profile: Profile): ExplicitFoldedUser;
  predictFolded(user: FoldedUser, itemIx: number): number;
  /** out[itemIx] = the rating term the composite ranks with: the link of the logit, unclipped. */
  scoreItems(user: FoldedUser, out: Float32Array): void;
}
