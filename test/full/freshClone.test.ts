/**
 * The first five minutes, as a newcomer has them: a fresh clone of this repository (its committed files
 * only), its build, then `npm start` with no data, no model, no token and no anirec settings. The demo
 * model trains, the console opens, and the four commands of the README answer. (npm install is left out:
 * the clone borrows this checkout's node_modules, since nothing may be fetched here.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The environment of a newcomer's shell: nothing of anirec's, Discord's or Kaggle's, and no CI flag. */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(ANIREC_|DISCORD_|KAGGLE_|MAL_|CI$|VITEST)/.test(name)) env[name] = value;
  }
  return env;
}

it('given a fresh clone with no data, model or token then npm start trains the demo model and the console answers /rate, /recommend, /similar and /seasonal', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'anirec-clone-')), 'anirec');
  execFileSync('git', ['clone', '--quiet', ROOT, dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir });

  const child = spawn('npm', ['start', '--silent'], { cwd: dir, env: newcomerEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end('/rate Steins;Gate 9\n/recommend\n/similar Clannad\n/seasonal\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect({ code, stderr: stderr.includes('ready in') }).toEqual({ code: 0, stderr: true });
  expect(stderr).toContain(`no trained model in ${join(dir, 'models', 'demo')}: training one from ${join(dir, 'demo')}`);
  expect(stderr).toMatch(/demo model: trained on the demo set shipped in demo\/.*For the full 7\.8 M ratings/);
  expect(stdout).toContain('Saved: Steins;Gate 9/10. You have rated 1 anime.');
  expect(stdout).toMatch(/== Picked for you ==\n1\. /);
  expect(stdout).toMatch(/== Like Clannad <https:\/\/myanimelist\.net\/anime\/2167> ==\n1\. /);
  // /seasonal names a season and lists its anime (this one, or the catalogue's newest while it has none of this one).
  expect(stdout).toMatch(/== (Winter|Spring|Summer|Fall) \d{4}: picked for you ==/);
}, 600_000);
