import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvalReport, shownPath } from '../../../src/interfaces/web/report.js';

describe('shownPath', () => {
  it('given a path inside the working directory then it is shown relative to it', () => {
    expect(shownPath('/srv/anirec/eval-results', '/srv/anirec')).toBe('eval-results');
    expect(shownPath('/srv/anirec/out/eval/eval.json', '/srv/anirec')).toBe('out/eval/eval.json');
    expect(shownPath('eval-results', '/srv/anirec')).toBe('eval-results');
    expect(shownPath('/srv/anirec', '/srv/anirec')).toBe('.');
  });

  it('given a path outside the working directory then only its last name is shown', () => {
    expect(shownPath('/home/owner/secret-project/data', '/srv/anirec')).toBe('data');
    expect(shownPath('../other/eval-results', '/srv/anirec')).toBe('eval-results');
    expect(shownPath('/srv/anirec-old/eval', '/srv/anirec')).toBe('eval');
  });
});

describe('readEvalReport', () => {
  it('given an eval.json that is not a report then the reason names the file without its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-report-'));
    writeFileSync(join(dir, 'eval.json'), '{"rows": "no"}');
    const report = await readEvalReport(dir);
    expect(report).toEqual({ available: false, reason: 'eval.json is not an `anirec eval` report' });
  });

  it('given an eval.json naming an absolute data folder then only its name is shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-report-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'eval.json'), JSON.stringify({ dataDir: '/home/owner/private/anime-data', seed: 1, split: {}, rows: [] }));
    const report = await readEvalReport(dir);
    expect(report).toMatchObject({ available: true, dataDir: 'anime-data' });
    expect(JSON.stringify(report)).not.toContain('/home/owner');
  });
});
