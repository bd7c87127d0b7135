/** The ranking score and the pruned top-k over random serving tables, against plain references. */
import { describe, expect, it } from 'vitest';
import { prunedTopK } from '../../../src/model/composite/prunedTopK.js';
import { fillParts, rankingScratch, scoreAll } from '../../../src/model/composite/ranking.js';
import { selectTopK } from '../../../src/model/topK.js';
import { easeScores } from '../../../src/model/itemItem/ease.js';
import type { ServingTables } from '../../../src/model/composite/servingTables.js';
import { mulberry32 } from '../../../support/planted.js';
import { HI, LO, MU, randomTables, randomUser } from './tables.js';

describe('the composite ranking score', () => {
  it('given a person then scoreAll is preference / max + beta * (rating - mean), each part as a plain loop computes it', () => {
    const t = randomTables(3, { nItems: 90, di: 5, de: 7, zeroShare: 0.1 });
    const user = randomUser(mulberry32(4), t);
    const raw = new Float32Array(t.nItems);
    const rating = new Float32Array(t.nItems);
    for (let i = 0; i < t.nItems; i++) {
      let p = 0;
      for (let d = 0; d < t.di; d++) p += user.implicit.vector[d]! * t.rows[i * t.stride + d]!;
      raw[i] = t.hasImplicitVector[i] ? p : 0;
      let z = MU + user.explicit.bias + t.rows[i * t.stride + t.di + t.de]!;
      for (let d = 0; d < t.de; d++) z += user.explicit.vector[d]! * t.rows[i * t.stride + t.di + d]!;
      rating[i] = LO + (HI - LO) / (1 + Math.exp(-z));
    }
    const max = Math.max(0, ...raw);
    expect(max).toBeGreaterThan(0);
    const beta = 0.3;
    const expected = Float32Array.from(raw, (p, i) => Math.fround(p * (1 / max)) + beta * Math.fround(rating[i]! - user.mean));
    const out = new Float32Array(t.nItems);
    scoreAll(t, user, beta, 0, new Float32Array(t.nItems), rankingScratch(t.nItems), out);
    expect(out).toEqual(expected);
    // Ratings past the top score (10) are kept unclipped: the order of very good anime survives.
    const pref = new Float32Array(t.nItems);
    const parts = new Float32Array(t.nItems);
    fillParts(t, user, 0, pref, parts, new Float32Array(t.nItems));
    expect(parts).toEqual(Float32Array.from(rating, (r) => Math.fround(r) - user.mean));
  });

  it('given a person with no known anime then scoreAll is popularity', () => {
    const t = randomTables(5, { nItems: 30, di: 3, de: 3 });
    const popularity = Float32Array.from({ length: 30 }, (_, i) => 30 - i);
    const out = new Float32Array(30);
    scoreAll(t, randomUser(mulberry32(1), t, true), 0.2, 0.5, popularity, rankingScratch(30), out);
    expect(out).toEqual(popularity);
  });
});

describe('the item-item part of the ranking', () => {
  it('given an item-item part and easeWeight w then the watch preference is (1 - w) WRMF / max + w EASE / max', () => {
    const t = withEase(randomTables(8, { nItems: 60, di: 4, de: 3 }), 8);
    const user = { ...randomUser(mulberry32(9), t), items: Int32Array.of(3, 17, 40) };
    const w = 0.75;
    const [plainPref, ease, pref, rating] = [0, 1, 2, 3].map(() => new Float32Array(t.nItems)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    fillParts(t, user, 0, plainPref, rating, ease);
    fillParts(t, user, w, pref, rating, ease);
    const e = new Float32Array(t.nItems);
    easeScores(t.ease!.state, t.ease!.column, user.items, e);
    const maxE = Math.max(...e);
    expect(maxE).toBeGreaterThan(0);
    for (let i = 0; i < t.nItems; i++) expect(pref[i]).toBeCloseTo((1 - w) * plainPref[i]! + (w * e[i]!) / maxE, 6);
    // A person without anime listed (a model saved before the item-item part) ranks by WRMF alone.
    const without = new Float32Array(t.nItems);
    fillParts(t, { ...user, items: undefined }, w, without, rating, ease);
    expect(without).toEqual(plainPref);
  });
});

describe('the pruned top-k', () => {
  it('given random tables, people, blends, exclusions and filters then it equals full scoring and top-k, ties included', () => {
    let pruned = 0;
    for (const [seed, spread] of [[11, 1], [12, 4], [13, 0.2]] as const) {
      const plain = randomTables(seed, { nItems: 400, di: 6, de: 5, zeroShare: 0.15, copyShare: 0.2, spread });
      // The second and third tables carry an item-item part over some of the anime.
      const t = seed === 11 ? plain : withEase(plain, seed);
      const rand = mulberry32(seed + 100);
      const popularity = Float32Array.from({ length: t.nItems }, () => Math.floor(rand() * 5));
      const scratch = rankingScratch(t.nItems);
      for (let trial = 0; trial < 60; trial++) {
        const user = randomUser(rand, t, trial % 17 === 0);
        const beta = [0.1, 0, -0.4, 3, 0.02][trial % 5]!;
        const easeWeight = [0, 0.75, 1, 0.3][trial % 4]!;
        const person = t.ease === undefined ? user : { ...user, items: Int32Array.from({ length: 1 + (trial % 7) }, () => Math.floor(rand() * t.nItems)) };
        const n = [1, 5, 10, 64, t.nItems + 3][trial % 5]!;
        const exclude = Int32Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * t.nItems));
        const modulus = 2 + (trial % 3);
        const filter = trial % 4 === 0 ? (i: number) => i % modulus !== 0 : undefined;
        const full = new Float32Array(t.nItems);
        scoreAll(t, person, beta, easeWeight, popularity, rankingScratch(t.nItems), full);
        for (const i of exclude) full[i] = -Infinity;
        if (filter) for (let i = 0; i < t.nItems; i++) if (!filter(i)) full[i] = -Infinity;
        const expected = Array.from(selectTopK(full, n), (itemIx) => ({ itemIx, score: full[itemIx]! }));
        const got = prunedTopK(t, person, n, beta, easeWeight, popularity, scratch, { exclude, ...(filter ? { filter } : {}) });
        expect(got).toEqual(expected);
        pruned += scratch.scores.filter((s) => Number.isNaN(s)).length;
      }
    }
    // The pruning did skip anime (else this only tests the full path).
    expect(pruned).toBeGreaterThan(1000);
  });

  it('given a linear link (the bayes part) then it equals full scoring for every beta, and the rating term is the unclipped logit', () => {
    let pruned = 0;
    let pastTop = 0;
    for (const [seed, spread] of [[21, 1], [22, 8], [23, 0.3]] as const) {
      const plain = randomTables(seed, { nItems: 400, di: 6, de: 5, zeroShare: 0.15, copyShare: 0.2, spread, link: 'linear' });
      const t = seed === 21 ? plain : withEase(plain, seed);
      expect(t.link).toBe('linear');
      const rand = mulberry32(seed + 100);
      const popularity = Float32Array.from({ length: t.nItems }, () => Math.floor(rand() * 5));
      const scratch = rankingScratch(t.nItems);
      for (let trial = 0; trial < 60; trial++) {
        const user = randomUser(rand, t, trial % 17 === 0);
        const beta = [0.1, 0, -0.4, 3, 0.02][trial % 5]!;
        const easeWeight = [0, 0.75, 1, 0.3][trial % 4]!;
        const person = t.ease === undefined ? user : { ...user, items: Int32Array.from({ length: 1 + (trial % 7) }, () => Math.floor(rand() * t.nItems)) };
        const n = [1, 5, 10, 64, t.nItems + 3][trial % 5]!;
        const exclude = Int32Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * t.nItems));
        const full = new Float32Array(t.nItems);
        scoreAll(t, person, beta, easeWeight, popularity, rankingScratch(t.nItems), full);
        for (const i of exclude) full[i] = -Infinity;
        const expected = Array.from(selectTopK(full, n), (itemIx) => ({ itemIx, score: full[itemIx]! }));
        expect(prunedTopK(t, person, n, beta, easeWeight, popularity, scratch, { exclude })).toEqual(expected);
        pruned += scratch.scores.filter((x) => Number.isNaN(x)).length;
        if (trial === 1) {
          const pref = new Float32Array(t.nItems);
          const parts = new Float32Array(t.nItems);
          fillParts(t, person, 0, pref, parts, new Float32Array(t.nItems));
          for (let i = 0; i < t.nItems; i++) {
            let z = t.mu + person.explicit.bias + t.rows[i * t.stride + t.di + t.de]!;
            for (let d = 0; d < t.de; d++) z += person.explicit.vector[d]! * t.rows[i * t.stride + t.di + d]!;
            expect(parts[i]).toBeCloseTo(z - person.mean, 4);
            if (z > 10) pastTop++;
          }
        }
      }
    }
    expect(pruned).toBeGreaterThan(1000);
    // Some anime were predicted past 10 and kept their order (no clipping in the ranking).
    expect(pastTop).toBeGreaterThan(0);
  });

  it('given n of zero or less then it returns nothing', () => {
    const t = randomTables(2, { nItems: 20, di: 2, de: 2 });
    const user = randomUser(mulberry32(2), t);
    expect(prunedTopK(t, user, 0, 0.1, 0, new Float32Array(20), rankingScratch(20))).toEqual([]);
    expect(prunedTopK(t, user, -3, 0.1, 0, new Float32Array(20), rankingScratch(20))).toEqual([]);
  });
});

/** The tables with a random item-item part over every other anime (some weights negative). */
function withEase(t: ServingTables, seed: number): ServingTables {
  const rand = mulberry32(seed + 7);
  const items = Int32Array.from({ length: Math.ceil(t.nItems / 2) }, (_, c) => 2 * c);
  const m = items.length;
  const weights = Float32Array.from({ length: m * m }, (_, k) => (k % (m + 1) === 0 ? 0 : rand() - 0.3));
  const column = new Int32Array(t.nItems).fill(-1);
  items.forEach((ix, c) => (column[ix] = c));
  return { ...t, ease: { state: { options: { lambdaPerPerson: 1, maxItems: m, minCount: 1 }, lambda: 1, nItems: t.nItems, items, weights }, column } };
}
