/** The item-item (EASE) model: its inverse, its weights against the closed form, and a planted known answer. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ratings } from '../../../src/data/types.js';
import { invertSpd } from '../../../src/model/bayes/dense.js';
import { chooseEaseItems, cooccurrence, easeColumns, easeScores, easeWeights, fitEase, invertSpdInPlace } from '../../../src/model/itemItem/ease.js';
import { invertSpdWasm } from '../../../src/model/itemItem/invertWasm.js';
import { loadEaseState, saveEaseState } from '../../../src/model/itemItem/persistence.js';
import { mulberry32 } from '../../../support/planted.js';

/** Ratings from (userIx, itemIx) pairs, every row watched (-1) or scored 7. */
function ratingsOf(pairs: [number, number][], nItems: number): Ratings {
  const nUsers = Math.max(...pairs.map(([u]) => u)) + 1;
  return {
    count: pairs.length,
    userIx: Int32Array.from(pairs, ([u]) => u),
    itemIx: Int32Array.from(pairs, ([, i]) => i),
    score: Int8Array.from(pairs, (_, r) => (r % 3 === 0 ? -1 : 7)),
    userIds: Int32Array.from({ length: nUsers }, (_, u) => 100 + u),
    ixByUserId: new Map(Array.from({ length: nUsers }, (_, u) => [100 + u, u])),
    nItems,
  };
}
const allRows = (r: Ratings) => Uint32Array.from({ length: r.count }, (_, i) => i);

/**
 * Two taste groups: people of group A watch most of anime 0-5, people of group B most of anime 6-11;
 * anime 12 is watched by one person only. Who watches what within a group is random.
 */
function plantedGroups(): Ratings {
  const rand = mulberry32(3);
  const pairs: [number, number][] = [];
  for (let u = 0; u < 60; u++) {
    const base = u % 2 === 0 ? 0 : 6;
    for (let i = 0; i < 6; i++) if (rand() < 0.7) pairs.push([u, base + i]);
    if (rand() < 0.1) pairs.push([u, 6 - base + Math.floor(rand() * 6)]);
  }
  pairs.push([0, 12]);
  return ratingsOf(pairs, 13);
}

describe('the EASE item-item model', () => {
  it('given a symmetric positive-definite matrix then the in-place inverse times it is the identity', () => {
    const rand = mulberry32(1);
    const m = 23;
    const x = Float64Array.from({ length: 40 * m }, () => rand() - 0.5);
    const a = new Float64Array(m * m);
    for (let r = 0; r < 40; r++) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j]! += x[r * m + i]! * x[r * m + j]!;
    for (let i = 0; i < m; i++) a[i * m + i]! += 0.5;
    const inv = Float64Array.from(a);
    expect(invertSpdInPlace(inv, m)).toBe(true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += a[i * m + k]! * inv[k * m + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
    expect(invertSpdInPlace(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });

  it('given the same matrix then the wasm SIMD inverse equals the JS loop, odd sizes included', async () => {
    const rand = mulberry32(2);
    for (const m of [1, 2, 7, 30]) {
      const a = new Float64Array(m * m);
      for (let r = 0; r < 3 * m; r++) {
        const x = Float64Array.from({ length: m }, () => (rand() < 0.4 ? 1 : 0));
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j]! += x[i]! * x[j]!;
      }
      for (let i = 0; i < m; i++) a[i * m + i]! += 2;
      const js = Float64Array.from(a);
      const wasm = Float64Array.from(a);
      expect(invertSpdInPlace(js, m)).toBe(true);
      expect(await invertSpdWasm(wasm, m)).toBe(true);
      for (let k = 0; k < m * m; k++) expect(wasm[k]).toBeCloseTo(js[k]!, 12);
    }
    expect(await invertSpdWasm(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });

  it('given the planted groups then B is -P_ij / P_jj of P = (XᵀX + λI)⁻¹ with a zero diagonal', async () => {
    const ratings = plantedGroups();
    const items = chooseEaseItems(ratings, allRows(ratings), { maxItems: 100, minCount: 1 });
    const m = items.length;
    const gram = cooccurrence(ratings, allRows(ratings), items);
    const p = new Float64Array(m * m);
    const withLambda = Float64Array.from(gram, (g, k) => (k % (m + 1) === 0 ? g + 5 : g));
    expect(invertSpd(withLambda, m, p)).toBe(true);
    const weights = await easeWeights(Float64Array.from(gram), m, 5);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(weights[i * m + j]).toBeCloseTo(i === j ? 0 : -p[i * m + j]! / p[j * m + j]!, 5);
  });

  it('given a person who watched three anime of group A then their top picks are the rest of group A', async () => {
    const ratings = plantedGroups();
    const state = await fitEase(ratings, allRows(ratings), { lambda: 5, minCount: 1 });
    const scores = new Float32Array(13);
    expect(easeScores(state, easeColumns(state), [0, 2, 4, 2], scores)).toBe(3);
    for (const own of [0, 2, 4]) scores[own] = -Infinity;
    const top3 = Array.from(scores).map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, i]) => i).sort();
    expect(top3).toEqual([1, 3, 5]);
  });

  it('given maxItems and minCount then only the most watched anime get a column and the others score 0', async () => {
    const ratings = plantedGroups();
    const state = await fitEase(ratings, allRows(ratings), { lambda: 5, maxItems: 8, minCount: 2 });
    expect(state.items.length).toBe(8);
    expect(Array.from(state.items)).not.toContain(12);
    const scores = new Float32Array(13).fill(9);
    easeScores(state, easeColumns(state), [0, 12, 99, -1], scores);
    const column = easeColumns(state);
    for (let i = 0; i < 13; i++) if (column[i] === -1) expect(scores[i]).toBe(0);
  });

  it('given no fixed λ then λ is lambdaPerPerson x the people with training rows', async () => {
    const ratings = plantedGroups();
    expect((await fitEase(ratings, allRows(ratings), { lambdaPerPerson: 0.5, minCount: 1 })).lambda).toBe(30);
  });

  it('given a fitted model then saving and loading it gives the same weights, and a folder without it gives none', async () => {
    const ratings = plantedGroups();
    const state = await fitEase(ratings, allRows(ratings), { lambda: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'anirec-ease-'));
    try {
      expect(await loadEaseState(dir)).toBeUndefined();
      await saveEaseState(state, dir);
      expect(await loadEaseState(dir)).toEqual(state);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
