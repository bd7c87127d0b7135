/**
 * The whole eval table on the real sample (../shared/data/mal-sample): every registered model fitted on
 * one split, with honest facts asserted rather than figures (which belong in the README table).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { evaluateAll, type EvalRow, type EvalTable } from '../../src/model/evaluate.js';
import { MODEL_NAMES } from '../../src/model/registry.js';

const dataDir = resolve(process.env.ANIREC_SHARED_DATA ?? '../shared/data', 'mal-sample');
const METRICS = ['rmse', 'mae', 'mse', 'r2', 'hit', 'recall', 'ndcg', 'coverage', 'newPeopleRmse'] as const;

let table: EvalTable;
const row = (name: string): EvalRow => {
  const found = table.rows.find((r) => r.model === name);
  if (!found) throw new Error(`no row for ${name}; skipped: ${JSON.stringify(table.skipped)}`);
  return found;
};

beforeAll(async () => {
  const dataset = await loadDataset(dataDir, { cacheDir: mkdtempSync(join(tmpdir(), 'anirec-')) });
  table = await evaluateAll(dataset, MODEL_NAMES, { seed: 42 });
});

describe('evaluateAll on the real sample', () => {
  it('given every registered model then every one gets a row and none is skipped', () => {
    expect(table.skipped).toEqual([]);
    expect(table.rows.map((r) => r.model)).toEqual([...MODEL_NAMES]);
  });

  it('given each row then every metric is a finite number or n/a with a stated reason', () => {
    for (const r of table.rows) {
      for (const metric of METRICS) {
        const value = r[metric];
        if (value === null) expect(r.notApplicable[metric], `${r.model} ${metric}`).toMatch(/\w/);
        else expect(Number.isFinite(value), `${r.model} ${metric} = ${value}`).toBe(true);
      }
      expect(r.rmse, `${r.model} has a held-out RMSE`).not.toBeNull();
    }
  });

  it('given the held-out ratings then the baseline beats the global mean and the neighbourhood models beat the baseline', () => {
    expect(row('baseline').rmse!).toBeLessThan(row('global-mean').rmse! - 0.2);
    expect(row('item-knn').rmse!).toBeLessThan(row('baseline').rmse!);
    expect(row('global-mean').r2!).toBeCloseTo(0, 2);
  });

  it('given new people then popularity finds something they like for a good share of them, and global mean cannot rank', () => {
    expect(row('popularity').hit!).toBeGreaterThan(0.3);
    expect(row('global-mean').hit).toBeNull();
    expect(row('global-mean').notApplicable.hit).toBe('global-mean predicts one number for every anime, so it cannot rank them');
    expect(row('item-knn').hit!).toBeGreaterThan(row('content').hit!);
  });

  it('given the K-means row then its WCSS per k decreases', () => {
    const wcss = Object.entries(row('kmeans').report.notes!).filter(([key]) => key.startsWith('wcss')).map(([, v]) => Number(v));
    expect(wcss.length).toBeGreaterThanOrEqual(3);
    for (let t = 1; t < wcss.length; t++) expect(wcss[t]).toBeLessThan(wcss[t - 1]!);
  });
});
