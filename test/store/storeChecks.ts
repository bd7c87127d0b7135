/** Checks shared by the store tests: a stored vector against a fresh fold-in of the stored ratings. */
import { expect } from 'vitest';
import type { AnirecModel } from '../../src/model/anirecModel.js';
import type { MemberRecord } from '../../src/store/ratingsStore.js';
import { decodeVector, modelFingerprint } from '../../src/service/index.js';

/** The member's vector folded afresh from `ratings`, as the service folds it. */
export function freshVector(model: AnirecModel, ratings: Record<string, number>): Float32Array {
  const items: number[] = [];
  const scores: number[] = [];
  for (const [animeId, score] of Object.entries(ratings)) {
    const itemIx = model.catalogue.ixByAnimeId.get(Number(animeId));
    if (itemIx === undefined) continue;
    items.push(itemIx);
    scores.push(score);
  }
  return model.exportUser(model.foldIn({ itemIx: Int32Array.from(items), score: Int8Array.from(scores) }));
}

export function expectVectorIsFreshFoldIn(model: AnirecModel, record: MemberRecord | undefined): void {
  expect(record).toBeDefined();
  expect(record!.modelFingerprint).toBe(modelFingerprint(model));
  expect(Array.from(decodeVector(record!.vector!))).toEqual(Array.from(freshVector(model, record!.ratings)));
}
