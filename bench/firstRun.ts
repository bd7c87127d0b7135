/**
 * The first five minutes: a fresh clone of this repository, built, then `npm start` with no data, model or
 * token (the demo set trains its model), and the four commands of the README typed into the console.
 * Goal: ready console under 90 s on 2 cores, npm install excluded (nothing may be fetched here, so the
 * clone borrows this checkout's node_modules). Peer, in the same run: the second start of the same clone,
 * with the model already trained (what every later start costs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS = ['/rate Steins;Gate 9', '/recommend', '/similar Clannad', '/seasonal'];
const say = (line: string) => process.stdout.write(line + '\n');

interface Run {
  /** Spawn to the "ready in" log line, seconds. */
  ready: number;
  /** Spawn to the last command's answer (the console closing on end of input), seconds. */
  answered: number;
  ok: boolean;
}

function newcomerEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(ANIREC_|DISCORD_|KAGGLE_|MAL_|CI$)/.test(name)));
}

function start(dir: string): Promise<Run> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: dir, env: newcomerEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let ready = Number.NaN;
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => {
    if (Number.isNaN(ready) && d.toString().includes('ready in')) ready = (performance.now() - started) / 1000;
  });
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stdin.end(COMMANDS.join('\n') + '\n');
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ ready, answered: (performance.now() - started) / 1000, ok: code === 0 && stdout.includes('Saved: Steins;Gate') && stdout.includes('== Like Clannad') }),
    ),
  );
}

say(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const dir = join(mkdtempSync(join(tmpdir(), 'anirec-firstrun-')), 'anirec');
execFileSync('git', ['clone', '--quiet', root, dir]);
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
const buildStart = performance.now();
execFileSync(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir });
const build = (performance.now() - buildStart) / 1000;
const first = await start(dir);
const second = await start(dir);
rmSync(dirname(dir), { recursive: true, force: true });

const row = (name: string, r: Run) => `| ${name} | ${r.ready.toFixed(1)} s | ${r.answered.toFixed(1)} s | ${r.ok ? 'yes' : 'NO'} |`;
const table = [
  '### First run: fresh clone to a ready console (`npx tsx bench/firstRun.ts`)',
  '',
  `Goal: under 90 s from \`npm start\` to a ready console on a fresh clone, offline, the demo model's training included (npm install excluded; the build that npm install runs took ${build.toFixed(1)} s). Load average at start ${loadavg()[0]!.toFixed(2)}.`,
  '',
  '| start | ready console | 4 commands answered | all answered |',
  '|---|---:|---:|---:|',
  row('first (trains the demo model)', first),
  row('peer: the next start (model on disk)', second),
].join('\n');
say(table);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'firstRun.md'), table + '\n');
if (!first.ok || !second.ok) process.exitCode = 1;
