import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, REPO_ROOT, spawnAnirec } from '../../../support/childProcess.js';
import { savePlantedModel } from '../../service/plantedModel.js';

let env: Record<string, string>;

beforeAll(async () => {
  const { modelDir } = await savePlantedModel();
  const dir = mkdtempSync(join(tmpdir(), 'anirec-webcmd-'));
  env = { ANIREC_MODEL_DIR: modelDir, ANIREC_STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`, ANIREC_EVAL_DIR: join(dir, 'no-eval'), ANIREC_LOG_LEVEL: 'info' };
});
afterAll(killAllChildren);

const URL_LINE = /web page at (http:\/\/127\.0\.0\.1:\d+)/;

describe('anirec web', () => {
  it('given a trained model then it serves the page and the API until SIGTERM, then exits 0', async () => {
    const child = spawnAnirec(['web', '--port', '0'], env);
    const url = URL_LINE.exec(await child.waitForOutput(URL_LINE, 60_000))![1]!;
    expect((await fetch(url)).status).toBe(200);
    const search = (await (await fetch(`${url}/api/search?q=action%20story%201`)).json()) as { results: { animeId: number; name: string }[] };
    expect(search.results[0]).toMatchObject({ animeId: 1000, name: 'Action Story 1' });
    expect(await child.stop()).toBe(0);
    expect(child.stderr()).toContain('SIGTERM: shutting down');
  });

  it('given a port that is not a number then it says so and exits 1', async () => {
    const child = spawnAnirec(['web', '--port', 'eighty'], env);
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toBe('anirec web: --port: "eighty" is not a whole number\n');
  });
  it('given a port already in use then it says so in one line and exits 1', async () => {
    const first = spawnAnirec(['web', '--port', '0'], env);
    const url = URL_LINE.exec(await first.waitForOutput(URL_LINE, 60_000))![1]!;
    const port = new URL(url).port;
    const second = spawnAnirec(['web', '--port', port], env);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`anirec web: port: ${port} on 127.0.0.1 is already in use; choose another with --port or ANIREC_WEB_PORT\n`);
    expect(await first.stop()).toBe(0);
  });
});

describe('anirec start with ANIREC_WEB_PORT', () => {
  it('given ANIREC_WEB_PORT then the page is served beside the console, on the same service, until the console ends', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'start'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ANIREC_WEB_PORT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = URL_LINE.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`start exited early:\n${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const answer = await fetch(`${url}/api/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ratings":[{"animeId":1000,"score":10}],"count":3}' });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { picks: unknown[] }).picks).toHaveLength(3);
    child.stdin.end('/similar Action Story 1\n');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Action Story 1');
    // The console's end closed the web page too.
    await expect(fetch(url)).rejects.toThrow();
  });
});
