/** Explanations and likeness over hand-made serving tables. */
import { describe, expect, it } from 'vitest';
import { WATCHED } from '../../../src/data/types.js';
import { EXPLAIN_CANDIDATES, explainPick, likedCandidates } from '../../../src/model/composite/explain.js';
import { servedRating } from '../../../src/model/embedding/scoring.js';
import { servingTablesFrom } from '../../../src/model/composite/servingTables.js';
import { genreWeight, likeness, similarAnime } from '../../../src/model/composite/similarity.js';

const profileOf = (rows: [number, number][]) => ({ itemIx: Int32Array.from(rows, (r) => r[0]), score: Int8Array.from(rows, (r) => r[1]) });

// Anime 0 is the pick. 1 points the same way in both spaces, 2 is orthogonal, 3 opposite; 4 shares the pick's genres only.
const t = servingTablesFrom({
  nItems: 5, di: 2, de: 2,
  implicitFactors: Float32Array.of(1, 0, 2, 0, 0, 1, -1, 0, 0, 3),
  explicitFactors: Float32Array.of(0, 1, 0, 3, 1, 0, 0, -1, 1, 0),
  explicitBias: new Float32Array(5),
  itemCount: new Float32Array(5),
  genreIx: [Uint16Array.of(0, 1), Uint16Array.of(5), Uint16Array.of(6), Uint16Array.of(7), Uint16Array.of(0, 1)],
  mu: 0, lo: 1, hi: 10, activate: (z) => servedRating(z, 1, 10, 10),
});
const confidence = { ratingCount: Float32Array.of(100, 60, 60, 60, 0), genrePrior: 20 };

describe('likeness and similar', () => {
  it('given two anime then likeness is (1 - w_a)(1 - w_b) cosine + w_a Jaccard', () => {
    const wa = genreWeight(confidence, 0);
    expect(wa).toBeCloseTo(20 / 120, 12);
    expect(likeness(t, confidence, 0, wa, 1)).toBeCloseTo((1 - wa) * (1 - 20 / 80) * 1, 6);
    expect(likeness(t, confidence, 0, wa, 3)).toBeCloseTo(-(1 - wa) * (1 - 20 / 80), 6);
    // Anime 4 has no ratings: its cosine counts for nothing, the shared genres count in full.
    expect(likeness(t, confidence, 0, wa, 4)).toBeCloseTo(wa * 1, 12);
  });

  it('given an anime then similar ranks the others by likeness, itself excluded', () => {
    const got = similarAnime(t, confidence, 0, 10, new Float32Array(5));
    expect(got.map((n) => n.itemIx)).toEqual([1, 4, 2, 3]);
    for (const n of got) expect(n.score).toBeCloseTo(likeness(t, confidence, 0, genreWeight(confidence, 0), n.itemIx), 6);
    expect(similarAnime(t, confidence, 5, 3, new Float32Array(5))).toEqual([]);
    expect(similarAnime(t, confidence, 0, 0, new Float32Array(5))).toEqual([]);
  });
});

describe('explanations', () => {
  it('given scores then the candidates are the 8+ anime, else those at least the mean, else the watched ones', () => {
    expect(likedCandidates(profileOf([[1, 9], [2, 5], [3, 8], [0, 10], [7, 10]]), 0, 5).map((r) => r.ix)).toEqual([1, 3]);
    expect(likedCandidates(profileOf([[1, 3], [2, 6], [3, 7]]), 0, 5).map((r) => r.ix)).toEqual([2, 3]);
    expect(likedCandidates(profileOf([[1, WATCHED], [2, WATCHED]]), 0, 5).map((r) => r.ix)).toEqual([1, 2]);
    expect(likedCandidates(profileOf([]), 0, 5)).toEqual([]);
  });

  it('given more liked anime than are compared then the best scored are kept', () => {
    const rows: [number, number][] = Array.from({ length: EXPLAIN_CANDIDATES + 50 }, (_, j) => [j + 1, j < 10 ? 10 : 8]);
    const kept = likedCandidates(profileOf(rows), 0, EXPLAIN_CANDIDATES + 60);
    expect(kept).toHaveLength(EXPLAIN_CANDIDATES);
    expect(kept.slice(0, 10).every((r) => r.score === 10)).toBe(true);
  });

  it('given liked anime then the pick is explained by the most alike in both spaces, each named once', () => {
    const profile = profileOf([[3, 9], [2, 9], [1, 8], [1, 8], [4, 2]]);
    expect(explainPick(t, confidence, profile, 0, 3)).toEqual([1, 2, 3]);
    expect(explainPick(t, confidence, profile, 0, 1)).toEqual([1]);
    expect(explainPick(t, confidence, profile, 0, 0)).toEqual([]);
  });
});
