/**
 * The composite's fast serving paths against plain references: recommend's pruned scoring against a
 * full scoreItems + selectTopK, scoreItems against its parts' own scoreItems, similar against the
 * cosine + genre Jaccard formula.
 */
import { describe, expect, it } from 'vitest';
import { makeSplits } from '../../src/data/splits.js';
import type { Dataset } from '../../src/data/types.js';
import { WATCHED } from '../../src/data/types.js';
import { trainAnirecModel, type AnirecUser } from '../../src/model/anirecModel.js';
import { EXPLAIN_CANDIDATES } from '../../src/model/anirecComposite.js';
import type { Profile } from '../../src/model/types.js';
import { selectTopK } from '../../src/model/topK.js';
import { easeColumns, easeScores } from '../../src/model/itemItem/index.js';
import { makePlanted, mulberry32 } from '../../support/planted.js';

const planted = makePlanted({ users: 300, anime: 260, groups: 4, ratingsPerUser: 25, seed: 23 });
const dataset: Dataset = { dir: 'planted', catalogue: planted.catalogue, ratings: planted.ratings, report: {} as Dataset['report'], fingerprint: 'planted-23' };
const model = await trainAnirecModel(dataset, { splits: makeSplits(planted.ratings, { seed: 2 }), explicit: { threads: 1, dim: 6 }, implicit: { threads: 1, dim: 5 }, quiet: true });
const nItems = planted.ratings.nItems;

function randomProfile(rand: () => number, size: number): Profile {
  const items = new Set<number>();
  while (items.size < size) items.add(Math.floor(rand() * nItems));
  return { itemIx: Int32Array.from(items), score: Int8Array.from(items, () => (rand() < 0.2 ? WATCHED : 1 + Math.floor(rand() * 10))) };
}

function referenceTop(user: AnirecUser, n: number, exclude: Int32Array, filter?: (i: number) => boolean) {
  const scores = new Float32Array(nItems);
  model.scoreItems(user, scores);
  for (const i of exclude) scores[i] = -Infinity;
  if (filter) for (let i = 0; i < nItems; i++) if (!filter(i)) scores[i] = -Infinity;
  return Array.from(selectTopK(scores, n), (itemIx) => ({ itemIx, score: scores[itemIx]! }));
}

describe('the composite serving paths', () => {
  it('given random people, blends, filters and sizes then recommend equals a full scoring and top-k, ties included', () => {
    const rand = mulberry32(5);
    const beta = model.blend.beta;
    try {
      for (const b of [beta, 0, -0.3, 2, 0.05]) {
        model.blend = { ...model.blend, beta: b };
        for (let trial = 0; trial < 30; trial++) {
          const profile = randomProfile(rand, 1 + Math.floor(rand() * 20));
          const user = model.foldIn(profile) as AnirecUser;
          const n = [1, 3, 10, 40, nItems + 5][trial % 5]!;
          const genre = trial % 3 === 0 ? Math.floor(rand() * planted.catalogue.genreNames.length) : undefined;
          const filter = genre === undefined ? undefined : (i: number) => Array.from(planted.catalogue.genreIx[i]!).includes(genre);
          const picks = model.recommend(user, n, { exclude: profile.itemIx, ...(filter ? { filter } : {}) });
          expect(picks).toEqual(referenceTop(user, n, profile.itemIx, filter));
          expect(model.recommend(user, n, { exclude: new Set(profile.itemIx), ...(filter ? { filter } : {}) })).toEqual(picks);
        }
      }
    } finally {
      model.blend = { ...model.blend, beta };
    }
  });

  it('given a person then scoreItems is exactly (1 - w) preference / max + w EASE / max + beta * (rating - mean) from the parts', () => {
    const profile = randomProfile(mulberry32(9), 12);
    const user = model.foldIn(profile) as AnirecUser;
    const preference = new Float32Array(nItems);
    const rating = new Float32Array(nItems);
    model.implicit.scoreItems(user.implicit, preference);
    model.explicit.scoreItems(user.explicit, rating);
    const max = Math.max(0, ...preference);
    const ease = new Float32Array(nItems);
    easeScores(model.ease!, easeColumns(model.ease!), user.items!, ease);
    const w = model.blend.easeWeight;
    const easeScale = w / Math.max(0, ...ease);
    const expected = new Float32Array(nItems);
    for (let i = 0; i < nItems; i++) {
      const watch = Math.fround((1 - w) * Math.fround(preference[i]! * (1 / max)) + easeScale * ease[i]!);
      expected[i] = watch + model.blend.beta * Math.fround(rating[i]! - user.mean);
    }
    const out = new Float32Array(nItems);
    model.scoreItems(user, out);
    expect(out).toEqual(expected);
  });

  it('given anime then similar ranks by (1 - w_a)(1 - w_b) cosine + w_a genre Jaccard, best first, itself excluded', () => {
    const q = model.explicit.itemFactors;
    const dim = model.explicit.dim;
    const norm = (i: number) => Math.hypot(...q.subarray(i * dim, (i + 1) * dim));
    for (const a of [0, 7, 42, 149, 259]) {
      const w = model.blend.genrePrior / (model.blend.genrePrior + model.ratingCount[a]!);
      const ga = new Set(planted.catalogue.genreIx[a]!);
      const expected = new Float32Array(nItems);
      for (let b = 0; b < nItems; b++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += q[a * dim + d]! * q[b * dim + d]!;
        const denom = norm(a) * norm(b);
        const gb = new Set(planted.catalogue.genreIx[b]!);
        const common = [...ga].filter((g) => gb.has(g)).length;
        const jaccard = ga.size === 0 || gb.size === 0 ? 0 : common / (ga.size + gb.size - common);
        const wb = model.blend.genrePrior / (model.blend.genrePrior + model.ratingCount[b]!);
        expected[b] = (1 - w) * (1 - wb) * (denom > 0 ? dot / denom : 0) + w * jaccard;
      }
      const neighbours = model.similar(a, 10);
      expect(neighbours).toHaveLength(10);
      expect(neighbours.map((n) => n.itemIx)).not.toContain(a);
      for (let j = 0; j < neighbours.length; j++) {
        expect(neighbours[j]!.score).toBeCloseTo(expected[neighbours[j]!.itemIx]!, 5);
        if (j > 0) expect(neighbours[j]!.score).toBeLessThanOrEqual(neighbours[j - 1]!.score);
      }
      expected[a] = -Infinity;
      const tenth = [...expected].sort((x, y) => y - x)[9]!;
      expect(neighbours[9]!.score).toBeCloseTo(tenth, 5);
    }
  });

  it('given more liked anime than explain compares then only the best scored are candidates', () => {
    const pick = 0;
    const others = Array.from({ length: nItems - 1 }, (_, j) => j + 1);
    // Every other anime liked (8), the last one loved (10): it must survive the bound.
    const profile: Profile = { itemIx: Int32Array.from(others), score: Int8Array.from(others, (_, j) => (j === others.length - 1 ? 10 : 8)) };
    const because = model.explain(profile, pick, nItems);
    expect(because).toHaveLength(EXPLAIN_CANDIDATES);
    expect(because).toContain(nItems - 1);
    expect(new Set(because).size).toBe(EXPLAIN_CANDIDATES);
  });
});
