/**
 * A member's fold-in as one Float32Array, so the bot can store it and serve them again without folding in:
 *   version 1: [1, flags, mean, explicit bias, explicit vector (de)..., implicit vector (di)...]
 *   version 2: the same, then the member's known anime (itemIx, exact in float32 below 2^24), for models
 *              with an item-item (EASE) part, which ranks from those anime rather than from a vector.
 *   versions 3 and 4: versions 1 and 2 for a linear-link explicit part (the Bayesian model), whose vector
 *              lives in another space: the same length must not let an embedding vector through.
 * A model refuses a vector of any other version (a model with an item-item part a version-1 vector: it
 * lacks the anime), so the member is folded in again once after such a model is first served.
 */
import { ModelFitError } from '../../errors.js';
import type { ExplicitFoldedUser, ExplicitPart } from './explicitPart.js';
import type { ImplicitModel, ImplicitUser } from '../implicit/index.js';
import { NO_PROFILE, type AnirecUser } from './types.js';

const EXPORT_VERSION = 1;
/** Added to the version for a linear-link explicit part (1 -> 3, 2 -> 4). */
const LINEAR_VERSION_SHIFT = 2;
const FLAG_EXPLICIT_FALLBACK = 1;
const FLAG_IMPLICIT_FALLBACK = 2;
const HEADER = 4;
const EMPTY_PROFILE = { itemIx: new Int32Array(0), score: new Int8Array(0) };

/** The export version of a model: its link, and whether it stores the member's anime. */
export function exportVersion(linear: boolean, withItems: boolean): number {
  return EXPORT_VERSION + (withItems ? 1 : 0) + (linear ? LINEAR_VERSION_SHIFT : 0);
}

export function exportMember(person: AnirecUser, linear = false): Float32Array {
  const de = person.explicit.vector.length;
  const di = person.implicit.vector.length;
  const items = person.items;
  const out = new Float32Array(HEADER + de + di + (items?.length ?? 0));
  out[0] = exportVersion(linear, items !== undefined);
  out[1] = (person.explicit.fallback !== undefined ? FLAG_EXPLICIT_FALLBACK : 0) | (person.implicit.fallback !== undefined ? FLAG_IMPLICIT_FALLBACK : 0);
  out[2] = person.mean;
  out[3] = person.explicit.bias;
  out.set(person.explicit.vector, HEADER);
  out.set(person.implicit.vector, HEADER + de);
  if (items !== undefined) out.set(items, HEADER + de + di);
  return out;
}

/**
 * The person back from exportMember's vector; a vector of another model's shape says to fold in again.
 * withItems: the model has an item-item part, so it needs a version-2 vector (with the member's anime).
 */
export function importMember(vector: Float32Array, explicit: ExplicitPart, implicit: ImplicitModel, withItems = false): AnirecUser {
  const de = explicit.dim;
  const di = implicit.dim;
  const version = exportVersion(explicit.link === 'linear', withItems);
  const fits = withItems ? vector.length >= HEADER + de + di : vector.length === HEADER + de + di;
  if (!fits || vector[0] !== version) {
    const expected = withItems ? `version ${version}, at least ${HEADER + de + di}` : `${HEADER + de + di}`;
    throw new ModelFitError(`a stored person vector of length ${vector.length} does not fit this model (expected ${expected}); fold the person in again`);
  }
  const flags = vector[1]!;
  // The parts' own fallback reasons, as a fold-in of nobody gives them.
  const explicitFallback = explicit.foldIn(EMPTY_PROFILE).fallback;
  const explicitUser: ExplicitFoldedUser = {
    model: explicit.name,
    vector: vector.slice(HEADER, HEADER + de),
    bias: vector[3]!,
    ...(flags & FLAG_EXPLICIT_FALLBACK && explicitFallback ? { fallback: explicitFallback } : {}),
  };
  const implicitFallback = flags & FLAG_IMPLICIT_FALLBACK ? implicit.foldIn(EMPTY_PROFILE).fallback : undefined;
  const implicitUser: ImplicitUser = { model: 'implicit', vector: vector.slice(HEADER + de), ...(implicitFallback ? { fallback: implicitFallback } : {}) };
  const items = withItems ? Int32Array.from(vector.subarray(HEADER + de + di)) : undefined;
  return { model: 'anirec', explicit: explicitUser, implicit: implicitUser, mean: vector[2]!, ...(items ? { items } : {}), ...(implicitFallback ? { fallback: NO_PROFILE } : {}) };
}
