/**
 * Removes people from a trained model before it is saved: `anirec train` trains on the store's members
 * (as extra users) so the anime they rated get real vectors, but a member's own vector is not kept in
 * the model folder (the bot folds members in from their ratings, as before). Their rows are zeroed and
 * marked untrained; the implicit model keeps no user vectors at all.
 *
 * Reads the explicit model's state through its public `modelState` getter (the one place that knows it).
 */
import type { AnirecComposite } from './anirecComposite.js';

/** Zeroes the explicit user rows whose id passes `drop`; returns how many were dropped. */
export function dropTrainedUsers(model: AnirecComposite, drop: (userId: number) => boolean): number {
  const state = model.explicit.modelState;
  const { P, userBias } = state.tables;
  const dim = model.explicit.dim;
  let dropped = 0;
  for (let u = 0; u < state.userIds.length; u++) {
    if (!drop(state.userIds[u]!)) continue;
    P.fill(0, u * dim, (u + 1) * dim);
    userBias[u] = 0;
    state.userCounts[u] = 0;
    // The member's place in the table says nothing once its id is gone.
    state.userIds[u] = 0;
    dropped++;
  }
  return dropped;
}
