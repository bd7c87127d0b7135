import { describe, expect, it } from 'vitest';
import { selectTopK } from '../../src/model/topK.js';
import { mulberry32 } from '../../support/planted.js';

/** The reference: sort every selectable index, best first, ties by lower index. */
function sortTopK(scores: ArrayLike<number>, k: number): number[] {
  const ixs = Array.from({ length: scores.length }, (_, i) => i).filter((i) => scores[i]! > -Infinity);
  return ixs.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, Math.max(0, k));
}

describe('selectTopK', () => {
  it('given ties that must be evicted from a full heap then the lower indices are kept', () => {
    expect(Array.from(selectTopK([1, 1, 2], 2))).toEqual([2, 0]);
    expect(Array.from(selectTopK([1, 1, 1, 1, 5, 5], 3))).toEqual([4, 5, 0]);
  });

  it('given k of zero, negative, fractional or above the length then it returns what fits', () => {
    expect(Array.from(selectTopK([3, 1, 2], 0))).toEqual([]);
    expect(Array.from(selectTopK([3, 1, 2], -4))).toEqual([]);
    expect(Array.from(selectTopK([3, 1, 2], 2.7))).toEqual([0, 2]);
    expect(Array.from(selectTopK([3, Number.NaN, 2], 10))).toEqual([0, 2]);
  });

  it('given random scores full of ties then it matches a full sort', () => {
    const rand = mulberry32(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const scores = Float32Array.from({ length: n }, () => (rand() < 0.1 ? -Infinity : Math.floor(rand() * 5)));
      const k = Math.floor(rand() * (n + 3));
      expect(Array.from(selectTopK(scores, k))).toEqual(sortTopK(scores, k));
    }
  });
});
