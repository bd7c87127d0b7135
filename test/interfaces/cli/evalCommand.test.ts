import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import command from '../../../src/interfaces/cli/evalCommand.js';
import { makePlanted, writePlanted } from '../../../support/planted.js';

describe('anirec eval', () => {
  let dir: string;
  let stdout: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    writePlanted(join(dir, 'data'), makePlanted({ users: 200, anime: 60 }));
    vi.stubEnv('ANIREC_CACHE_DIR', join(dir, 'cache'));
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('given three models then it prints the table and saves eval.json and both charts', async () => {
    const out = join(dir, 'results');
    const code = await command.run(['--data', join(dir, 'data'), '--models', 'global-mean,baseline,popularity', '--out', out]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.find((l) => l.startsWith('| model'))).toBe(
      '| model       |   RMSE |    MAE |    MSE |      R² | Hit@10 | Recall@10 | NDCG@10 | coverage | new RMSE | train s |',
    );
    expect(lines.filter((l) => /^\| (global-mean|baseline|popularity) /.test(l))).toHaveLength(3);
    expect(stdout).toContain('global-mean: hit, recall, ndcg, coverage n/a: global-mean predicts one number for every anime, so it cannot rank them');
    const json = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(json.rows.map((r: { model: string }) => r.model)).toEqual(['global-mean', 'baseline', 'popularity']);
    expect(json.rows[0].hit).toBeNull();
    expect(readFileSync(join(out, 'comparison.svg'), 'utf8')).toContain('data-label="popularity"');
    expect(existsSync(join(out, 'curves.svg'))).toBe(true);
  });

  it('given an unknown model name then it refuses with the list of names', async () => {
    await expect(command.run(['--data', join(dir, 'data'), '--models', 'baseline,magic'])).rejects.toThrow(
      /^--models: unknown model "magic"; choose from global-mean, baseline, svd,/,
    );
  });
});
