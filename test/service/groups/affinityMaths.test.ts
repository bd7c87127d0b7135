import { describe, expect, it } from 'vitest';
import { WATCHED } from '../../../src/data/types.js';
import {
  affinityAgainst,
  affinityFigure,
  biggestDisagreement,
  MAL_MIN_SHARED,
  packScores,
  scoredList,
  sharedLoves,
  sharedScores,
  sharedStats,
} from '../../../src/service/groups/affinityMaths.js';
import { mulberry32 } from '../../../support/planted.js';

/** Pearson the long way: two passes over plain arrays of the anime both scored (an independent computation). */
function referencePearson(a: Map<number, number>, b: Map<number, number>): { n: number; r: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [item, x] of a) {
    const y = b.get(item);
    if (y === undefined || x === WATCHED || y === WATCHED) continue;
    xs.push(x);
    ys.push(y);
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let k = 0; k < xs.length; k++) {
    num += (xs[k]! - mx) * (ys[k]! - my);
    dx += (xs[k]! - mx) ** 2;
    dy += (ys[k]! - my) ** 2;
  }
  return { n: xs.length, r: num / Math.sqrt(dx * dy) };
}

const profileOf = (m: Map<number, number>) => {
  // Insertion order on purpose unsorted: scoredList must sort.
  const entries = [...m].reverse();
  return { itemIx: Int32Array.from(entries, (e) => e[0]), score: Int8Array.from(entries, (e) => e[1]) };
};

function randomMember(rand: () => number, nItems: number, count: number): Map<number, number> {
  const m = new Map<number, number>();
  while (m.size < count) m.set(Math.floor(rand() * nItems), rand() < 0.15 ? WATCHED : 1 + Math.floor(rand() * 10));
  return m;
}

describe('affinity', () => {
  it('given random members then the figure is the Pearson correlation of the shared scores x 100, as computed independently', () => {
    const rand = mulberry32(11);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const a = randomMember(rand, 120, 20 + Math.floor(rand() * 60));
      const b = randomMember(rand, 120, 20 + Math.floor(rand() * 60));
      const stats = sharedStats(scoredList(profileOf(a)), scoredList(profileOf(b)));
      const want = referencePearson(a, b);
      expect(stats.n).toBe(want.n);
      if (want.n < MAL_MIN_SHARED || !Number.isFinite(want.r)) continue;
      const figure = affinityFigure(stats, undefined, undefined)!;
      expect(figure.kind).toBe('mal');
      expect(figure.value).toBeCloseTo(100 * want.r, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('given 10 shared scores then no MAL figure (the estimate instead); from 11 the MAL figure', () => {
    const base = new Map(Array.from({ length: 11 }, (_, i) => [i, 1 + (i % 10)] as [number, number]));
    const other = new Map(Array.from({ length: 11 }, (_, i) => [i, 10 - (i % 10)] as [number, number]));
    const taste = Float32Array.from([0.6, 0.8]);
    const tasteOther = Float32Array.from([0.8, 0.6]);
    const eleven = affinityFigure(sharedStats(scoredList(profileOf(base)), scoredList(profileOf(other))), taste, tasteOther)!;
    expect(eleven).toMatchObject({ kind: 'mal', shared: 11 });
    expect(eleven.value).toBeCloseTo(100 * referencePearson(base, other).r, 9);
    other.delete(10);
    const ten = affinityFigure(sharedStats(scoredList(profileOf(base)), scoredList(profileOf(other))), taste, tasteOther)!;
    expect(ten).toEqual({ kind: 'estimate', shared: 10, value: expect.closeTo(96, 4) });
    // Without taste vectors (a member the model does not know) there is no figure at all.
    expect(affinityFigure(sharedStats(scoredList(profileOf(base)), scoredList(profileOf(other))), undefined, tasteOther)).toBeUndefined();
  });

  it('given one member against many then the one-pass figures equal the pairwise ones, MAL\'s or the estimate', () => {
    const rand = mulberry32(3);
    const unit = () => {
      const v = Float32Array.from({ length: 8 }, () => rand() - 0.5);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const me = randomMember(rand, 60, 40);
    const myScored = scoredList(profileOf(me));
    const myTaste = unit();
    const others = Array.from({ length: 300 }, () => ({ scored: scoredList(profileOf(randomMember(rand, 60, 5 + Math.floor(rand() * 40)))), taste: unit() }));
    const dense = new Int8Array(60);
    myScored.items.forEach((ix, j) => (dense[ix] = myScored.scores[j]!));
    const values = new Float64Array(others.length);
    const isMal = new Uint8Array(others.length);
    const tastes = { dim: 8, vectors: new Float32Array(others.length * 8), has: new Uint8Array(others.length) };
    others.forEach((o, k) => {
      tastes.vectors.set(o.taste, k * 8);
      tastes.has[k] = k % 7 === 0 ? 0 : 1; // some members unknown to the model: no estimate for them
    });
    affinityAgainst(dense, myTaste, packScores(others.map((o) => o.scored)), tastes, values, isMal);
    let mal = 0;
    others.forEach((o, k) => {
      const want = affinityFigure(sharedStats(myScored, o.scored), myTaste, tastes.has[k] === 1 ? o.taste : undefined);
      if (want === undefined) expect(values[k]).toBeNaN();
      else {
        expect(values[k]).toBeCloseTo(want.value, 5);
        expect(isMal[k] === 1).toBe(want.kind === 'mal');
      }
      mal += isMal[k]!;
    });
    expect(mal).toBeGreaterThan(30);
    expect(mal).toBeLessThan(290);
  });

  it('given watched-only entries then they are not scores: they neither count as shared nor move the figure', () => {
    const a = new Map<number, number>([[1, WATCHED], [2, 8]]);
    const b = new Map<number, number>([[1, 9], [2, 7]]);
    expect(sharedStats(scoredList(profileOf(a)), scoredList(profileOf(b))).n).toBe(1);
  });

  it('given shared scores then the loves are those both scored 8+, best first, and the disagreement is the widest gap', () => {
    const a = scoredList(profileOf(new Map([[1, 9], [2, 10], [3, 8], [4, 10], [5, 2], [6, 7]])));
    const b = scoredList(profileOf(new Map([[1, 9], [2, 8], [3, 10], [4, 10], [5, 9], [6, 7]])));
    const shared = sharedScores(a, b);
    expect(sharedLoves(shared, 3)).toEqual([4, 1, 2]);
    expect(biggestDisagreement(shared)).toEqual([5, 2, 9]);
  });
});
