/** The explicit model's one scoring rule (embedding/scoring.ts). */
import { describe, expect, it } from 'vitest';
import { dotFrom, servedRating, sigmoidRating } from '../../../src/model/embedding/scoring.js';
import { mulberry32 } from '../../../support/planted.js';

describe('explicit scoring', () => {
  it('given vectors of every length then dotFrom is bit-identical to a plain loop from start', () => {
    const rand = mulberry32(8);
    for (let dim = 0; dim <= 11; dim++) {
      const a = Float32Array.from({ length: dim + 3 }, () => rand() - 0.5);
      const b = Float32Array.from({ length: 2 * dim + 1 }, () => rand() - 0.5);
      let z = 0.37;
      for (let d = 0; d < dim; d++) z += a[3 + d]! * b[dim + 1 + d]!;
      expect(dotFrom(a, 3, b, dim + 1, dim, 0.37)).toBe(z);
    }
    expect(dotFrom(Float32Array.of(2), 0, Float32Array.of(3), 0, 1)).toBe(6);
  });

  it('given logits then the rating is lo + span * sigmoid, clipped at the top score only where served', () => {
    expect(sigmoidRating(0, 1, 9.5)).toBe(1 + 9.5 / 2);
    expect(sigmoidRating(-800, 1, 9.5)).toBe(1);
    expect(sigmoidRating(5, 1, 9.5)).toBeCloseTo(1 + 9.5 / (1 + Math.exp(-5)), 12);
    expect(servedRating(5, 1, 10.5, 10)).toBe(10);
    expect(servedRating(0, 1, 10.5, 10)).toBe(1 + 9.5 / 2);
    expect(sigmoidRating(5, 1, 9.5)).toBeGreaterThan(10);
  });
});
