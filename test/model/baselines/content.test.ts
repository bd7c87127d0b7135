import { describe, expect, it } from 'vitest';
import { CfContent, Content, buildGenreVectors } from '../../../src/model/baselines/content.js';
import { makePlantedData } from '../plantedData.js';

const { data, planted } = makePlantedData();

describe('buildGenreVectors', () => {
  it('given anime with one genre each then each vector is that genre with weight 1', () => {
    const vectors = buildGenreVectors(data.catalogue);
    expect(Array.from(vectors.weights[0]!)).toEqual([1]);
    expect(vectors.genres[0]![0]).toBe(data.catalogue.genreIx[0]![0]);
  });
});

describe('Content', () => {
  it('given a person who rates one genre high and another low then that genre ranks first and similar() follows genre', async () => {
    const model = new Content();
    await model.fit(data);
    const group = 2;
    const items = [group, group + 4, 1, 5];
    const folded = model.foldIn({ itemIx: Int32Array.from(items), score: Int8Array.from([10, 9, 3, 2]) });
    const out = new Float32Array(data.ratings.nItems);
    model.scoreItems(folded, out);
    const top = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!).slice(0, 10);
    expect(top.every((i) => i === planted.groupOfItem.length || planted.groupOfItem[i] === group)).toBe(true);
    expect(model.similar(group, 3).every((n) => planted.groupOfItem[n.itemIx] === group)).toBe(true);
  });

  it('given planted genre tastes then the fitted genre weight is positive', async () => {
    const model = new Content();
    const report = await model.fit(data);
    expect(report.notes!.weight).toBeGreaterThan(0);
  });
});

describe('CfContent', () => {
  it('given validation rows then both blend weights are chosen from their grids', async () => {
    const model = new CfContent();
    const report = await model.fit(data);
    expect(model.ratingBlend).toBeGreaterThanOrEqual(0);
    expect(model.ratingBlend).toBeLessThanOrEqual(1);
    expect([0, 0.05, 0.1, 0.2, 0.35, 0.5]).toContain(model.rankBlend);
    expect(report.notes!.ratingBlend).toBe(model.ratingBlend);
  });
});
