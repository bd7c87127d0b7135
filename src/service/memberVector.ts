/** A member's folded vector as the store keeps it (base64 float32), and the fingerprint of the model that folded it. */
import { createHash } from 'node:crypto';
import type { AnirecModel } from '../model/anirecModel.js';

/** Identifies a trained model, so vectors folded by another model are folded again. */
export function modelFingerprint(model: AnirecModel): string {
  // info carries trainedAt and the data fingerprint, so a retrained model hashes differently.
  const basis = JSON.stringify({ name: model.name, items: model.catalogue.anime.length, info: model.info ?? null });
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4));
}
