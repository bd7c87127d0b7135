import { describe, expect, it } from 'vitest';
import type { Ratings } from '../../src/data/types.js';
import { catalogueCoverage, hitAt, mae, mse, ndcgAt, r2, recallAt, rmse, rmseOnRows } from '../../src/model/metrics.js';

describe('rating metrics', () => {
  const prediction = Float32Array.from([7, 8, 5, 10]);
  const truth = Float32Array.from([8, 8, 3, 9]);

  it('given errors -1, 0, 2, 1 then MSE is 6/4, RMSE its root and MAE 4/4', () => {
    expect(mse(prediction, truth)).toBe(1.5);
    expect(rmse(prediction, truth)).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(mae(prediction, truth)).toBe(1);
  });

  it('given truths 8, 8, 3, 9 (mean 7, SST 1+1+16+4 = 22) then R² is 1 - 6/22', () => {
    expect(r2(prediction, truth)).toBeCloseTo(1 - 6 / 22, 12);
    expect(r2(Float32Array.from([7, 7, 7, 7]), truth)).toBe(0);
  });

  it('given arrays of different lengths then it says so', () => {
    expect(() => mse([1], [1, 2])).toThrowErrorMatchingInlineSnapshot(`[RangeError: prediction has 1 values but truth has 2]`);
  });
});

describe('ranking metrics', () => {
  const ranked = [5, 3, 9, 1, 7];
  const relevant = new Set([9, 7, 42]);

  it('given relevant anime at ranks 3 and 5 then hit@k turns 1 from k = 3', () => {
    expect(hitAt(2, ranked, relevant)).toBe(0);
    expect(hitAt(3, ranked, relevant)).toBe(1);
  });

  it('given 2 of 3 relevant anime in the top 5 then recall@5 is 2/3 and recall@3 is 1/3', () => {
    expect(recallAt(5, ranked, relevant)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(3, ranked, relevant)).toBeCloseTo(1 / 3, 12);
  });

  it('given hits at ranks 3 and 5 then NDCG@5 is (1/log2 4 + 1/log2 6) / (1 + 1/log2 3 + 1/log2 4)', () => {
    const expected = (1 / 2 + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 1 / 2);
    expect(ndcgAt(5, ranked, relevant)).toBeCloseTo(expected, 12);
    expect(ndcgAt(5, [9, 7, 42], relevant)).toBeCloseTo(1, 12);
  });

  it('given lists covering anime 0, 1, 2 and 5 of 10 then coverage is 0.4', () => {
    expect(catalogueCoverage([[0, 1], [1, 2], [5]], 10)).toBe(0.4);
  });
});

describe('rmseOnRows', () => {
  const ratings: Ratings = {
    count: 4,
    userIx: Int32Array.from([0, 0, 1, 1]),
    itemIx: Int32Array.from([0, 1, 0, 1]),
    score: Int8Array.from([8, -1, 6, 10]),
    userIds: Int32Array.from([1, 2]),
    ixByUserId: new Map([[1, 0], [2, 1]]),
    nItems: 2,
  };

  it('given some rows then it scores only their explicit ratings (watched rows skipped)', () => {
    // Rows 0, 1 (watched, skipped), 3: errors 7-8 = -1 and 7-10 = -3 -> sqrt((1 + 9) / 2).
    expect(rmseOnRows(() => 7, ratings, Uint32Array.from([0, 1, 3]))).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('given only watched rows then it is NaN', () => {
    expect(rmseOnRows(() => 7, ratings, Uint32Array.from([1]))).toBeNaN();
  });
});
