import { describe, expect, it } from 'vitest';
import { buildCsr, sharedCsr } from '../../src/model/sparse.js';
import type { Ratings } from '../../src/data/types.js';
import { selectTopK } from '../../src/model/topK.js';

const ratings: Ratings = {
  count: 5,
  userIx: Int32Array.from([1, 0, 1, 0, 2]),
  itemIx: Int32Array.from([2, 1, 0, 2, 1]),
  score: Int8Array.from([7, -1, 9, 4, 10]),
  userIds: Int32Array.from([10, 11, 12]),
  ixByUserId: new Map([[10, 0], [11, 1], [12, 2]]),
  nItems: 3,
};

describe('buildCsr', () => {
  it('given rows by user then columns come out ascending with their scores', () => {
    const csr = buildCsr(ratings, Uint32Array.from([0, 1, 2, 3]), { by: 'user' });
    expect(Array.from(csr.indptr)).toEqual([0, 2, 4, 4]);
    expect(Array.from(csr.indices)).toEqual([1, 2, 0, 2]);
    expect(Array.from(csr.values)).toEqual([-1, 4, 9, 7]);
  });

  it('given explicitOnly by item then watched rows are dropped', () => {
    const csr = buildCsr(ratings, Uint32Array.from([0, 1, 2, 3, 4]), { by: 'item', explicitOnly: true });
    expect(Array.from(csr.indptr)).toEqual([0, 1, 2, 4]);
    expect(Array.from(csr.indices)).toEqual([1, 2, 0, 1]);
    expect(Array.from(csr.values)).toEqual([9, 10, 4, 7]);
  });

  it('given the same rows twice then the shared CSR is built once', () => {
    const rows = Uint32Array.from([0, 2]);
    expect(sharedCsr(ratings, rows, { by: 'user' })).toBe(sharedCsr(ratings, rows, { by: 'user' }));
    expect(sharedCsr(ratings, rows, { by: 'user' })).not.toBe(sharedCsr(ratings, rows, { by: 'item' }));
  });
});

describe('selectTopK', () => {
  it('given scores with ties and excluded entries then it returns the best k, ties by lower index', () => {
    const scores = Float32Array.from([0.5, 2, -Infinity, 2, 1, Number.NaN, 3]);
    expect(Array.from(selectTopK(scores, 3))).toEqual([6, 1, 3]);
    expect(Array.from(selectTopK(scores, 10))).toEqual([6, 1, 3, 4, 0]);
  });
});
