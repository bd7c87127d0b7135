import { describe, expect, it } from 'vitest';
import { groupScore, rankForGroup, rankForGroupPruned } from '../../../src/service/groups/partyRanking.js';
import { mulberry32 } from '../../../support/planted.js';

describe('groupScore', () => {
  it('given members who agree then it is their score; given one low estimate then it sinks below the mean, not to the minimum', () => {
    expect(groupScore([7, 7, 7])).toBeCloseTo(7, 12);
    const split = groupScore([9, 9, 3]);
    expect(split).toBeLessThan(5);
    expect(split).toBeGreaterThan(3);
  });
});

describe('rankForGroup', () => {
  it('given a planted catalogue then the pick is the anime good for everyone, not the one with the best mean', () => {
    // Anime: 0 loved by two, hated by the third (best mean, 7.33); 1 fine for all (6.67 mean);
    // 2 the best for everyone but member 1 has seen it; 3 mediocre for all.
    const predictions = [Float32Array.from([9.5, 7, 9.9, 5]), Float32Array.from([9.5, 6.5, 9.9, 5]), Float32Array.from([3, 6.5, 9.9, 5])];
    const mean = (i: number) => predictions.reduce((s, p) => s + p[i]!, 0) / predictions.length;
    expect(mean(0)).toBeGreaterThan(mean(1)); // the plain mean would pick anime 0
    const picks = rankForGroup(predictions, new Set([2]), 3);
    expect(picks.map((p) => p.itemIx)).toEqual([1, 3, 0]);
    expect(picks[0]!.predicted).toEqual([7, 6.5, 6.5]);
  });

  it('given everything seen then no picks', () => {
    expect(rankForGroup([Float32Array.from([5, 6])], new Set([0, 1]), 5)).toEqual([]);
  });
});

describe('rankForGroupPruned', () => {
  it('given random parties then exactly the exhaustive picks, asking for fewer predictions', () => {
    const rand = mulberry32(21);
    for (let trial = 0; trial < 40; trial++) {
      const m = 1 + (trial % 10);
      const n = 3000;
      // A shared anime quality plus each member's own taste, on the 1..10 scale.
      const quality = Float32Array.from({ length: n }, () => 4 + 4 * rand());
      const predictions = Array.from({ length: m }, () => Float32Array.from(quality, (q) => Math.fround(Math.min(10, Math.max(1, q + 3 * (rand() - 0.5))))));
      const seen = new Set(Array.from({ length: 200 }, () => Math.floor(rand() * n)));
      let asked = 0;
      const pruned = rankForGroupPruned(predictions[0]!, (k, i) => (asked++, predictions[k]![i]!), m, seen, 10);
      expect(pruned).toEqual(rankForGroup(predictions, seen, 10));
      if (m > 1) expect(asked).toBeLessThan(((m - 1) * n) / 2);
    }
  });
});
