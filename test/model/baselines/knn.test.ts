import { describe, expect, it } from 'vitest';
import { Baseline } from '../../../src/model/baselines/baseline.js';
import { ItemKnn, UserKnn } from '../../../src/model/baselines/knn.js';
import { makePlantedData, testRmse } from '../plantedData.js';

const { data, planted } = makePlantedData();

/** A newcomer who watched and loved 10 anime of one group (rated 9-10) and rated 3 of another 2. */
function lover(group: number, hated: number) {
  const items: number[] = [];
  const scores: number[] = [];
  let loved = 0;
  let disliked = 0;
  for (let i = 0; i < 40; i++) {
    if (planted.groupOfItem[i] === group && loved++ < 10) (items.push(i), scores.push(9 + (i % 2)));
    if (planted.groupOfItem[i] === hated && disliked++ < 3) (items.push(i), scores.push(2));
  }
  return { itemIx: Int32Array.from(items), score: Int8Array.from(scores) };
}

describe('ItemKnn', () => {
  it('given planted taste groups then the neighbours of an anime are mostly from its group', async () => {
    const model = new ItemKnn();
    await model.fit(data);
    for (const itemIx of [0, 1, 2, 3]) {
      const neighbours = model.similar(itemIx, 5);
      const same = neighbours.filter((n) => planted.groupOfItem[n.itemIx] === planted.groupOfItem[itemIx]).length;
      expect(same).toBeGreaterThanOrEqual(4);
    }
  });

  it('given planted structure then it beats the baseline on test RMSE, and a group-0 lover gets group-0 anime', async () => {
    const model = new ItemKnn();
    await model.fit(data);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)));
    const folded = model.foldIn(lover(0, 1));
    const inGroup = planted.groupOfItem.findIndex((g, i) => g === 0 && i >= 60);
    const hatedItem = planted.groupOfItem.findIndex((g, i) => g === 1 && i >= 60);
    expect(model.predictFolded(folded, inGroup)).toBeGreaterThan(model.predictFolded(folded, hatedItem) + 2);
  });
});

describe('UserKnn', () => {
  it('given planted structure then it beats the baseline on test RMSE', async () => {
    const model = new UserKnn();
    await model.fit(data);
    const baseline = new Baseline();
    await baseline.fit(data);
    expect(testRmse(data, (u, i) => model.predict(u, i))).toBeLessThan(testRmse(data, (u, i) => baseline.predict(u, i)));
  });

  it('given a group-0 lover then their top-ranked unseen anime are from group 0 and group 0 predicts above group 1', async () => {
    const model = new UserKnn();
    await model.fit(data);
    const profile = lover(0, 1);
    const folded = model.foldIn(profile);
    const out = new Float32Array(data.ratings.nItems);
    model.scoreItems(folded, out);
    for (const i of profile.itemIx) out[i] = -Infinity;
    const top = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!).slice(0, 5);
    expect(top.filter((i) => planted.groupOfItem[i] === 0).length).toBeGreaterThanOrEqual(4);
    const inGroup = planted.groupOfItem.findIndex((g, i) => g === 0 && i >= 60);
    const hatedItem = planted.groupOfItem.findIndex((g, i) => g === 1 && i >= 60);
    expect(model.predictFolded(folded, inGroup)).toBeGreaterThan(model.predictFolded(folded, hatedItem) + 2);
  });
});
