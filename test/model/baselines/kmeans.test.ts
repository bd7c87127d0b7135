import { describe, expect, it } from 'vitest';
import { KMeans } from '../../../src/model/baselines/kmeans.js';
import { makePlantedData } from '../plantedData.js';

const { data, planted } = makePlantedData({ users: 300, noise: 0.3 });

describe('KMeans', () => {
  it('given four planted taste groups and k = 4 then clusters follow the loved group', async () => {
    const model = new KMeans({ k: 4 });
    await model.fit(data);
    expect(model.k).toBe(4);
    // Purity: each cluster's most common loved group, summed over clusters, over all clustered users.
    const counts = Array.from({ length: 4 }, () => new Int32Array(4));
    let n = 0;
    for (let u = 0; u < data.nUsers; u++) {
      const c = model.assignment[u]!;
      if (c < 0 || data.splits.heldOutUsers.includes(u)) continue;
      counts[c]![planted.lovedGroup[u]!]!++;
      n++;
    }
    const purity = counts.reduce((sum, row) => sum + Math.max(...row), 0) / n;
    expect(purity).toBeGreaterThan(0.8);
  });

  it('given the k sweep then the within-cluster sum of squares decreases as k grows', async () => {
    const model = new KMeans({ kGrid: [1, 2, 4, 8] });
    const report = await model.fit(data);
    const wcss = model.wcssByK.map((w) => w.wcss);
    expect(model.wcssByK.map((w) => w.k)).toEqual([1, 2, 4, 8]);
    for (let t = 1; t < wcss.length; t++) expect(wcss[t]).toBeLessThan(wcss[t - 1]!);
    expect(report.notes!['wcss k=4']).toBeCloseTo(wcss[2]!, 1);
  });

  it('given a newcomer who loves group 2 then fold-in places them with group-2 lovers', async () => {
    const model = new KMeans({ k: 4 });
    await model.fit(data);
    const items: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 60; i++) {
      if (planted.groupOfItem[i] === 2) (items.push(i), scores.push(10));
      else if (i % 3 === 0) (items.push(i), scores.push(4));
    }
    const folded = model.foldIn({ itemIx: Int32Array.from(items), score: Int8Array.from(scores) }) as unknown as { cluster: number };
    const members = Array.from({ length: data.nUsers }, (_, u) => u).filter((u) => model.assignment[u] === folded.cluster);
    const lovers = members.filter((u) => planted.lovedGroup[u] === 2).length;
    expect(lovers / members.length).toBeGreaterThan(0.7);
  });
});
