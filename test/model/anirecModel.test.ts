import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSplits } from '../../src/data/splits.js';
import { WATCHED, type Dataset, type Ratings } from '../../src/data/types.js';
import { ModelMissingError } from '../../src/errors.js';
import { BAYES_MAX_ROWS, defaultExplicitKinds, HYBRID_MAX_ROWS, loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecUser } from '../../src/model/anirecModel.js';
import { hitsTopK } from '../../src/model/tuneBlend.js';
import type { Profile } from '../../src/model/types.js';
import { makePlanted } from '../../support/planted.js';

const planted = makePlanted({ users: 400, anime: 120, groups: 4, ratingsPerUser: 30, seed: 11 });
const dataset: Dataset = {
  dir: 'planted',
  catalogue: planted.catalogue,
  ratings: planted.ratings,
  report: {} as Dataset['report'],
  fingerprint: 'planted-11',
};
const splits = makeSplits(planted.ratings, { seed: 5 });
const model = await trainAnirecModel(dataset, {
  splits,
  explicit: { threads: 1, dim: 8 },
  implicit: { threads: 1, dim: 8 },
  quiet: true,
});
const nItems = planted.ratings.nItems;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
  dirs.push(dir);
  return dir;
}

const itemsOf = (group: number) => [...planted.groupOfItem.keys()].filter((i) => planted.groupOfItem[i] === group);

/** A new person who loves group `loved` (scores 9-10, a few just watched) and hates group `hated`. */
function tasteProfile(loved: number, hated: number): Profile {
  const likes = itemsOf(loved).slice(0, 8);
  const dislikes = itemsOf(hated).slice(0, 4);
  return {
    itemIx: Int32Array.from([...likes, ...dislikes]),
    score: Int8Array.from([10, 9, 10, 9, 10, -1, -1, 9, 2, 3, 2, 1]),
  };
}

function scores(user: ReturnType<typeof model.foldIn>): Float32Array {
  const out = new Float32Array(nItems);
  model.scoreItems(user, out);
  return out;
}

describe('the anirec composite model', () => {
  it('given a new person with planted tastes then their top 10 is their loved group, never their own anime', () => {
    const profile = tasteProfile(1, 3);
    const picks = model.recommend(model.foldIn(profile), 10, { exclude: profile.itemIx });
    expect(picks).toHaveLength(10);
    expect(picks.filter((p) => planted.groupOfItem[p.itemIx] === 1)).toHaveLength(10);
    expect(picks.some((p) => profile.itemIx.includes(p.itemIx))).toBe(false);
    expect(picks.map((p) => p.score)).toEqual([...picks.map((p) => p.score)].sort((a, b) => b - a));
  });

  it('given held-out planted users folded in from their profile then Hit@10 beats popularity clearly', () => {
    const r = planted.ratings;
    const profiles = new Map<number, { itemIx: number[]; score: number[] }>();
    const targets = new Map<number, Set<number>>();
    for (const row of splits.profile) {
      const p = profiles.get(r.userIx[row]!) ?? { itemIx: [], score: [] };
      profiles.set(r.userIx[row]!, p);
      p.itemIx.push(r.itemIx[row]!);
      p.score.push(r.score[row]!);
    }
    for (const row of splits.target) {
      if (r.score[row]! < 8) continue;
      const t = targets.get(r.userIx[row]!) ?? new Set<number>();
      targets.set(r.userIx[row]!, t.add(r.itemIx[row]!));
    }
    let ours = 0;
    let popular = 0;
    for (const [u, wanted] of targets) {
      const p = profiles.get(u)!;
      const exclude = new Set(p.itemIx);
      if (hitsTopK(scores(model.foldIn({ itemIx: Int32Array.from(p.itemIx), score: Int8Array.from(p.score) })), 10, exclude, wanted)) ours++;
      if (hitsTopK(model.popularity, 10, exclude, wanted)) popular++;
    }
    expect(targets.size).toBeGreaterThanOrEqual(20);
    expect(ours / targets.size).toBeGreaterThanOrEqual(popular / targets.size + 0.2);
  });

  it('given training then beta was tuned on validation users and the metrics are recorded', () => {
    const m = model.info.metrics;
    expect(Object.keys(m).sort()).toEqual(
      ['bayesValidationRmse', 'embeddingValidationRmse', 'hybridValidationRmse', 'testRmse', 'trainSeconds', 'validationHitAt10', 'validationHitAt10ImplicitOnly', 'validationHitAt10Popularity', 'validationRmse', 'validationUsers'].sort(),
    );
    // The lowest validation RMSE wins (the first tried on a tie); the test rows choose nothing.
    const tried = (['embedding', 'hybrid', 'bayes'] as const).map((kind) => ({ kind, rmse: m[`${kind}ValidationRmse`]! }));
    const best = tried.reduce((a, b) => (b.rmse < a.rmse ? b : a));
    expect(m.validationRmse).toBe(best.rmse);
    expect(model.info.explicitModel).toBe(best.kind);
    expect(m.validationHitAt10).toBeGreaterThanOrEqual(m.validationHitAt10ImplicitOnly!);
    expect(model.info.params.blend).toEqual(model.blend);
    expect(model.info.dataFingerprint).toBe('planted-11');
  });

  it('given the same profile twice then fold-in is identical and leaves the model untouched', () => {
    const profile = tasteProfile(0, 2);
    const itemFactors = Float32Array.from(model.explicit.itemFactors);
    const implicitFactors = Float32Array.from(model.implicit.exportState().itemFactors);
    const a = model.foldIn(profile);
    const b = model.foldIn(profile);
    expect(model.exportUser(b)).toEqual(model.exportUser(a));
    expect(scores(b)).toEqual(scores(a));
    expect(model.explicit.itemFactors).toEqual(itemFactors);
    expect(model.implicit.exportState().itemFactors).toEqual(implicitFactors);
  });

  it('given an exported person then importing them gives the same predictions and ranking', () => {
    const person = model.foldIn(tasteProfile(2, 0));
    const vector = model.exportUser(person);
    // Version 2 (4 for the linear bayes part): the member's known anime follow the vectors (the item-item part ranks from them).
    expect(vector.length).toBe(4 + model.explicit.dim + model.implicit.dim + (person as AnirecUser).items!.length);
    const back = model.importUser(Float32Array.from(vector)) as AnirecUser;
    expect(scores(back)).toEqual(scores(person));
    expect(model.predictFolded(back, 7)).toBe(model.predictFolded(person, 7));
    expect(back.mean).toBe((person as AnirecUser).mean);
  });

  it('given a stored vector of the wrong size then importUser says to fold in again', () => {
    // The bayes part (dim 16, linear link: version 4) won on this planted set.
    expect(model.info.explicitModel).toBe('bayes');
    expect(() => model.importUser(new Float32Array(3))).toThrowErrorMatchingInlineSnapshot(
      `[ModelFitError: a stored person vector of length 3 does not fit this model (expected version 4, at least 28); fold the person in again]`,
    );
  });

  it('given a person with no known anime then they fall back to popularity and say so, and survive export', () => {
    const person = model.foldIn({ itemIx: Int32Array.from([5000]), score: Int8Array.from([9]) });
    expect(person.fallback).toBe('no known anime in the profile: ranked by popularity');
    expect(scores(person)).toEqual(model.popularity);
    expect(model.importUser(model.exportUser(person)).fallback).toBe(person.fallback);
  });

  it('given a person who only watched (-1) then the ranking still follows what they watch', () => {
    const watched = itemsOf(3).slice(0, 6);
    const person = model.foldIn({ itemIx: Int32Array.from(watched), score: new Int8Array(watched.length).fill(-1) });
    const picks = model.recommend(person, 5, { exclude: new Set(watched) });
    expect(picks.filter((p) => planted.groupOfItem[p.itemIx] === 3).length).toBeGreaterThanOrEqual(4);
  });

  it('given a filter then recommend only returns anime that pass it', () => {
    const movies = (i: number) => planted.catalogue.anime[i]!.type === 'Movie';
    const picks = model.recommend(model.foldIn(tasteProfile(1, 0)), 6, { filter: movies });
    expect(picks).toHaveLength(6);
    expect(picks.every((p) => movies(p.itemIx))).toBe(true);
  });

  it('given a pick then explain names liked anime of the same taste group, not the disliked ones', () => {
    const profile = tasteProfile(1, 3);
    const [pick] = model.recommend(model.foldIn(profile), 1, { exclude: profile.itemIx });
    const because = model.explain(profile, pick!.itemIx, 3);
    expect(because).toHaveLength(3);
    expect(because.every((i) => planted.groupOfItem[i] === 1 && profile.itemIx.includes(i))).toBe(true);
  });

  it('given an anime then similar excludes it and finds its own group first', () => {
    const neighbours = model.similar(4, 5);
    expect(neighbours.map((n) => n.itemIx)).not.toContain(4);
    expect(neighbours.filter((n) => planted.groupOfItem[n.itemIx] === planted.groupOfItem[4]).length).toBeGreaterThanOrEqual(4);
    expect(model.similar(-1, 5)).toEqual([]);
  });

  it('given an anime nobody rated then similar leans entirely on shared genres', () => {
    const saved = model.ratingCount[4]!;
    model.ratingCount[4] = 0;
    try {
      const neighbours = model.similar(4, 5);
      expect(neighbours.every((n) => planted.groupOfItem[n.itemIx] === planted.groupOfItem[4] && n.score === 1)).toBe(true);
    } finally {
      model.ratingCount[4] = saved;
    }
  });

  it('given known and unknown ids then predict falls back to the anime estimate and the global mean', () => {
    const known = model.predictByIds(planted.ratings.userIds[0]!, planted.catalogue.anime[3]!.animeId);
    expect(known).toBe(model.predict(0, 3));
    expect(model.predictByIds(-5, planted.catalogue.anime[3]!.animeId)).toBe(model.explicit.predict(-1, 3));
    expect(model.predictByIds(planted.ratings.userIds[0]!, 424242)).toBe(model.globalMean);
  });

  it('given a saved model then loading it serves identical scores, neighbours and info', async () => {
    const dir = join(tempDir(), 'model');
    await saveAnirecModel(model, dir);
    const loaded = await loadAnirecModel(dir);
    const profile = tasteProfile(3, 1);
    const a = new Float32Array(nItems);
    const b = new Float32Array(nItems);
    model.scoreItems(model.foldIn(profile), a);
    loaded.scoreItems(loaded.foldIn(profile), b);
    expect(b).toEqual(a);
    expect(loaded.similar(9, 5)).toEqual(model.similar(9, 5));
    expect(loaded.info).toEqual(model.info);
    expect(loaded.popularity).toEqual(model.popularity);
    expect(loaded.catalogue.anime).toEqual(model.catalogue.anime);
    expect(loaded.predict(4, 9)).toBeCloseTo(model.predict(4, 9), 5);
  });

  it('given a model already in the folder then saving again replaces it and leaves no temporary folder', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    await saveAnirecModel(model, dir);
    await saveAnirecModel(model, dir);
    expect(readdirSync(parent)).toEqual(['model']);
    expect(readdirSync(dir).sort()).toEqual(['catalogue.json', 'ease.bin', 'ease.json', 'explicit', 'implicit.bin', 'implicit.json', 'info.json', 'items.json']);
  });

  it('given a folder with no model then loading says what to run', async () => {
    const dir = join(tempDir(), 'absent');
    const error = await loadAnirecModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelMissingError);
    expect((error as Error).message).toBe(`no trained model in ${dir}; run \`npm run anirec -- train\` first`);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('defaultExplicitKinds', () => {
  const ratingsOf = (explicit: number, watched: number): Ratings => {
    const n = explicit + watched;
    const score = new Int8Array(n).fill(7);
    score.fill(WATCHED, explicit);
    return { count: n, userIx: new Int32Array(n), itemIx: new Int32Array(n), score, userIds: new Int32Array(1), ixByUserId: new Map(), nItems: 1 };
  };
  const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

  it('given fewer explicit training ratings than HYBRID_MAX_ROWS then every explicit model is tried', () => {
    expect(defaultExplicitKinds(ratingsOf(HYBRID_MAX_ROWS - 1, 5), all(HYBRID_MAX_ROWS + 4))).toEqual(['embedding', 'hybrid', 'bayes']);
  });

  it('given HYBRID_MAX_ROWS explicit training ratings then the hybrid is not trained (watched rows do not count)', () => {
    const kinds = defaultExplicitKinds(ratingsOf(HYBRID_MAX_ROWS, 0), all(HYBRID_MAX_ROWS));
    expect(kinds).not.toContain('hybrid');
    expect(kinds).toContain('embedding');
  });

  it('given BAYES_MAX_ROWS explicit training ratings then the bayes model is not trained', () => {
    expect(defaultExplicitKinds(ratingsOf(BAYES_MAX_ROWS, 0), all(BAYES_MAX_ROWS))).toEqual(['embedding']);
    expect(defaultExplicitKinds(ratingsOf(BAYES_MAX_ROWS - 1, 0), all(BAYES_MAX_ROWS - 1))).toContain('bayes');
  });
});
