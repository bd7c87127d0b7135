/**
 * A member's fold-in as one Float32Array, so the bot can store it and serve them again without folding in:
 *   [version, flags, mean, explicit bias, explicit vector (de)..., implicit vector (di)...]
 */
import { ModelFitError } from '../../errors.js';
import type { EmbeddingFoldedUser, EmbeddingModel } from '../embedding/index.js';
import type { ImplicitModel, ImplicitUser } from '../implicit/index.js';
import { NO_PROFILE, type AnirecUser } from './types.js';

const EXPORT_VERSION = 1;
const FLAG_EXPLICIT_FALLBACK = 1;
const FLAG_IMPLICIT_FALLBACK = 2;
const HEADER = 4;
const EMPTY_PROFILE = { itemIx: new Int32Array(0), score: new Int8Array(0) };

export function exportMember(person: AnirecUser): Float32Array {
  const de = person.explicit.vector.length;
  const out = new Float32Array(HEADER + de + person.implicit.vector.length);
  out[0] = EXPORT_VERSION;
  out[1] = (person.explicit.fallback !== undefined ? FLAG_EXPLICIT_FALLBACK : 0) | (person.implicit.fallback !== undefined ? FLAG_IMPLICIT_FALLBACK : 0);
  out[2] = person.mean;
  out[3] = person.explicit.bias;
  out.set(person.explicit.vector, HEADER);
  out.set(person.implicit.vector, HEADER + de);
  return out;
}

/** The person back from exportMember's vector; a vector of another model's shape says to fold in again. */
export function importMember(vector: Float32Array, explicit: EmbeddingModel, implicit: ImplicitModel): AnirecUser {
  const de = explicit.dim;
  const di = implicit.dim;
  if (vector.length !== HEADER + de + di || vector[0] !== EXPORT_VERSION) {
    throw new ModelFitError(`a stored person vector of length ${vector.length} does not fit this model (expected ${HEADER + de + di}); fold the person in again`);
  }
  const flags = vector[1]!;
  // The parts' own fallback reasons, as a fold-in of nobody gives them.
  const explicitFallback = explicit.foldIn(EMPTY_PROFILE).fallback;
  const explicitUser: EmbeddingFoldedUser = {
    model: explicit.name,
    vector: vector.slice(HEADER, HEADER + de),
    bias: vector[3]!,
    ...(flags & FLAG_EXPLICIT_FALLBACK && explicitFallback ? { fallback: explicitFallback } : {}),
  };
  const implicitFallback = flags & FLAG_IMPLICIT_FALLBACK ? implicit.foldIn(EMPTY_PROFILE).fallback : undefined;
  const implicitUser: ImplicitUser = { model: 'implicit', vector: vector.slice(HEADER + de), ...(implicitFallback ? { fallback: implicitFallback } : {}) };
  return { model: 'anirec', explicit: explicitUser, implicit: implicitUser, mean: vector[2]!, ...(implicitFallback ? { fallback: NO_PROFILE } : {}) };
}
