/**
 * The served model against its peers on ratings nobody has seen (`anirec eval --holdout 10` on both shared
 * sets), and the time `anirec train` takes to build what is served on the full-scale set (selection on the
 * split, then the fit on every row), beside LIBMF fitted in the same run.
 * Goals: real sample at most 1.22 and below every peer; synthetic at most 1.14; the removed rows of users
 * the selection split holds out whole within 0.02 of everyone else's; train under 3 minutes.
 * Data: ANIREC_SHARED_DATA (default ../shared/data).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { evaluateHoldout, type HoldoutTable } from '../src/model/holdout.js';
import { trainDefaultModel } from '../src/model/trainDefault.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, process.env.ANIREC_SHARED_DATA ?? '../shared/data');
const work = mkdtempSync(join(tmpdir(), 'anirec-bench-holdout-'));
const log = (line: string) => process.stderr.write(line + '\n');
const f4 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));

function table(t: HoldoutTable, title: string): string {
  const lines = [
    `**${title}**: ${t.removedRows.toLocaleString('en')} explicit rows (${t.percent}%, seed ${t.seed}) removed before training; every model fitted on the other ${t.restRows.toLocaleString('en')} rows.`,
    '',
    '| model | RMSE | MAE | users held out by the selection split | other users | train s |',
    '|---|---:|---:|---:|---:|---:|',
    ...t.rows.map((r) => `| ${r.model === 'anirec' ? '**anirec**' : r.model} | ${r.model === 'anirec' ? `**${f4(r.rmse)}**` : f4(r.rmse)} | ${f4(r.mae)} | ${f4(r.groups?.heldOutUsers ?? null)} | ${f4(r.groups?.others ?? null)} | ${r.trainSeconds.toFixed(1)} |`),
  ];
  const skipped = t.rows.filter((r) => r.skipped).map((r) => `${r.model}: ${r.skipped}`);
  if (skipped.length > 0) lines.push('', `Skipped: ${skipped.join('; ')}.`);
  return lines.join('\n');
}

const load = loadavg()[0]!.toFixed(2);
const sections: string[] = [];
for (const [name, title] of [['mal-sample', 'Real MyAnimeList sample'], ['synthetic', 'Synthetic, full scale']] as const) {
  const dataset = await loadDataset(join(shared, name), { cacheDir: join(work, 'cache') });
  const t = await evaluateHoldout(dataset, { percent: 10, log });
  sections.push(table(t, `${title}` + ` (\`npm run anirec -- eval --holdout 10 --data ../shared/data/${name}\`)`));
}

// What `anirec train` does on the full synthetic folder: ingest, selection, fit on every row, save.
const started = performance.now();
const model = await trainDefaultModel(join(shared, 'synthetic'), join(work, 'model'), { cacheDir: join(work, 'cache2'), quiet: true });
const trainSeconds = (performance.now() - started) / 1000;
const selection = model.info.params.selection as { explicitKind: string; schedule: { epochs: number[]; refitSweeps: number } };

const md = [
  '### Ratings nobody has seen (`npx tsx bench/holdout.ts`)',
  '',
  `${cpus().length} cores, load average ${load} at the start. Peers are fitted on the same rest: those with fixed settings (Surprise's defaults) on every row of it, those that choose settings or stop early on a validation tenth of it (LIBMF then refits on all of it).`,
  '',
  ...sections.flatMap((s) => [s, '']),
  '| goal | ours | target |',
  '|---|---|---|',
  `| \`anirec train\` on the full synthetic folder (ingest, selection on the split, fit on every row, save) | ${trainSeconds.toFixed(1)} s (chose ${selection.explicitKind}, epochs ${selection.schedule.epochs.join(' + ')}, ${selection.schedule.refitSweeps} refit sweep(s)) | < 180 s |`,
].join('\n');
process.stdout.write(md + '\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'holdout.md'), md + '\n');
rmSync(work, { recursive: true, force: true });
console.log('wrote bench/results/holdout.md');
