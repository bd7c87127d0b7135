import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseModelSource, chooseTrainSource } from '../../src/app/modelSource.js';
import { findDemoDataDir } from '../../src/data/demoData.js';
import { locateDataFiles } from '../../src/data/dataFiles.js';

const ROOT = join(import.meta.dirname, '..', '..');

function folders() {
  const dir = mkdtempSync(join(tmpdir(), 'anirec-source-'));
  const config = { dataDir: join(dir, 'data'), modelDir: join(dir, 'models', 'default'), demoModelDir: join(dir, 'models', 'demo'), demo: true };
  mkdirSync(config.dataDir, { recursive: true });
  return { dir, config };
}

describe('the shipped demo set', () => {
  it('given the repository then the demo folder is found from src/ and holds both files, gzipped', () => {
    expect(findDemoDataDir()).toBe(join(ROOT, 'demo'));
    expect(locateDataFiles(join(ROOT, 'demo'))).toEqual({ dir: join(ROOT, 'demo'), animeFile: join(ROOT, 'demo', 'anime.csv.gz'), ratingFile: join(ROOT, 'demo', 'rating.csv.gz') });
  });

  it('given a folder outside any checkout then there is no demo folder', () => {
    expect(findDemoDataDir(mkdtempSync(join(tmpdir(), 'anirec-nodemo-')))).toBeUndefined();
  });
});

describe('chooseModelSource', () => {
  it('given no model and no data then the demo set trains into the demo model folder', () => {
    const { config } = folders();
    expect(chooseModelSource(config, '/demo')).toEqual({ kind: 'demo', dataDir: '/demo', modelDir: config.demoModelDir });
  });

  it('given the Kaggle files in the data folder then they win over the demo', () => {
    const { config } = folders();
    writeFileSync(join(config.dataDir, 'anime.csv'), 'anime_id,name,genre,type,episodes,rating,members\n');
    writeFileSync(join(config.dataDir, 'rating.csv.gz'), '');
    expect(chooseModelSource(config, '/demo')).toEqual({ kind: 'data', dataDir: config.dataDir, modelDir: config.modelDir });
  });

  it('given a trained model in the model folder and no data then that model serves', () => {
    const { config } = folders();
    mkdirSync(config.modelDir, { recursive: true });
    writeFileSync(join(config.modelDir, 'info.json'), '{}');
    expect(chooseModelSource(config, '/demo').kind).toBe('data');
  });

  it('given ANIREC_DEMO=false then the configured folders, so the missing data is named', () => {
    const { config } = folders();
    expect(chooseModelSource({ ...config, demo: false })).toEqual({ kind: 'data', dataDir: config.dataDir, modelDir: config.modelDir });
  });
});

describe('chooseTrainSource', () => {
  it('given --data then it is used with --model or the model folder, never the demo', () => {
    const { config } = folders();
    expect(chooseTrainSource(config, '/kaggle', undefined, '/demo')).toEqual({ kind: 'data', dataDir: '/kaggle', modelDir: config.modelDir });
    expect(chooseTrainSource(config, '/kaggle', '/out', '/demo')).toEqual({ kind: 'data', dataDir: '/kaggle', modelDir: '/out' });
  });

  it('given no --data and an empty data folder then the demo set, into the demo model folder unless --model says otherwise', () => {
    const { config } = folders();
    expect(chooseTrainSource(config, undefined, undefined, '/demo')).toEqual({ kind: 'demo', dataDir: '/demo', modelDir: config.demoModelDir });
    expect(chooseTrainSource(config, undefined, '/out', '/demo')).toEqual({ kind: 'demo', dataDir: '/demo', modelDir: '/out' });
  });
});
