/** The shared Hit@k loop against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import type { Ratings } from '../../src/data/types.js';
import { hitsTopK, judgedPeople, RankingTally, topKExcluding, usersWithRelevant } from '../../src/model/hitAtK.js';

// user 0: anime 0 (9), 1 (5), 2 (8), 3 (watched); user 1: anime 2 (10), 4 (3); user 2: anime 1 (7).
const ratings: Ratings = {
  count: 7,
  userIx: Int32Array.of(0, 0, 0, 0, 1, 1, 2),
  itemIx: Int32Array.of(0, 1, 2, 3, 2, 4, 1),
  score: Int8Array.of(9, 5, 8, -1, 10, 3, 7),
  userIds: Int32Array.of(10, 11, 12),
  ixByUserId: new Map([[10, 0], [11, 1], [12, 2]]),
  nItems: 5,
};

describe('the shared Hit@k', () => {
  it('given profile and target rows then each user gets their profile in row order and the targets rated relevantMin or more', () => {
    const people = judgedPeople(ratings, Uint32Array.of(3, 0, 5), Uint32Array.of(1, 2, 4, 6), [1, 0, 2], 8);
    expect(people.map((p) => p.userIx)).toEqual([1, 0, 2]);
    expect(people.map((p) => Array.from(p.profile.itemIx))).toEqual([[4], [3, 0], []]);
    expect(people.map((p) => Array.from(p.profile.score))).toEqual([[3], [-1, 9], []]);
    expect(people.map((p) => Array.from(p.targetRows))).toEqual([[4], [1, 2], [6]]);
    expect(people.map((p) => [...p.relevant])).toEqual([[2], [2], []]);
    expect(usersWithRelevant(ratings, Uint32Array.of(0, 1, 4, 6), 8)).toEqual([0, 1]);
  });

  it('given scores and exclusions then the top k leaves the excluded out, ties to the lower index, scores kept when copied', () => {
    const scores = Float32Array.of(0.5, 0.9, 0.7, 0.1, 0.7);
    const kept = Float32Array.from(scores);
    expect(Array.from(topKExcluding(scores, 2, [1], new Float32Array(5)))).toEqual([2, 4]);
    expect(scores).toEqual(kept);
    expect(hitsTopK(scores, 2, new Set([1]), new Set([4]))).toBe(true);
    expect(hitsTopK(scores, 1, new Set([1]), new Set([4]))).toBe(false);
    expect(scores).toEqual(kept);
    expect(Array.from(topKExcluding(scores, 3, Int32Array.of(2, 4, 9)))).toEqual([1, 0, 3]);
    expect(scores[2]).toBe(-Infinity);
  });

  it('given two ranked lists then Hit, Recall and NDCG sum as counted by hand', () => {
    const tally = new RankingTally(3, true);
    expect(tally.add(Int32Array.of(4, 2, 0), new Set([2, 3]))).toBe(true);
    expect(tally.add(Int32Array.of(1, 0, 5), new Set([7]))).toBe(false);
    expect(tally.users).toBe(2);
    expect(tally.hits).toBe(1);
    expect(tally.hitRate).toBe(0.5);
    expect(tally.recall).toBeCloseTo(1 / 2, 12);
    expect(tally.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(tally.lists).toHaveLength(2);
    expect(new RankingTally(3).hitRate).toBe(0);
  });

  it('given scores then rank excludes the profile before judging', () => {
    const tally = new RankingTally(1);
    expect(tally.rank(Float32Array.of(3, 2, 1), [0], new Set([1]))).toBe(true);
    expect(tally.rank(Float32Array.of(3, 2, 1), [], new Set([1]))).toBe(false);
    expect(tally.hits).toBe(1);
  });
});
