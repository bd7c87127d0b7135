/**
 * `npm run bench [-- name ...]`: runs each benchmark in its own process (so memory figures are its own),
 * then pastes their result tables into docs/benchmarks.md between the bench markers.
 * Each bench/<name>.ts prints its figures and writes bench/results/<name>.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORDER = ['firstRun', 'titles', 'ingest', 'train', 'wrmf', 'foldin', 'discord', 'web', 'groups', 'import'];
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function benchNames(): string[] {
  const found = readdirSync(join(root, 'bench'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3));
  return [...ORDER.filter((n) => found.includes(n)), ...found.filter((n) => !ORDER.includes(n)).sort()];
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : benchNames();
let failed = 0;
for (const name of names) {
  process.stdout.write(`\n=== bench ${name}\n`);
  // Memory benches measure after a full GC.
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', `${name}.ts`)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench ${name} failed (exit ${result.status ?? result.signal})\n`);
  }
}

// Refresh the benchmarks page from every result present, so a partial run keeps the other figures.
const readmePath = join(root, 'docs', 'benchmarks.md');
if (existsSync(readmePath)) {
  const sections = benchNames()
    .map((n) => join(root, 'bench', 'results', `${n}.md`))
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p, 'utf8').trim());
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a >= 0 && b > a && sections.length > 0) {
    const stamp = `_Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` on ${process.platform}, Node ${process.versions.node}, ${(await import('node:os')).cpus().length} cores._`;
    const body = `${START}\n${stamp}\n\n${sections.join('\n\n')}\n${END}`;
    writeFileSync(readmePath, readme.slice(0, a) + body + readme.slice(b + END.length));
    process.stdout.write('\ndocs/benchmarks.md refreshed.\n');
  }
}
process.exitCode = failed > 0 ? 1 : 0;
