/** `anirec eval`: fits every chosen model on one split and prints, saves and charts the comparison. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readConfig } from '../../config.js';
import { loadDataset } from '../../data/dataset.js';
import { renderBarChart, renderLineChart } from '../chart.js';
import { evaluateAll, type EvalRow, type EvalTable } from '../../model/evaluate.js';
import { MODEL_NAMES, parseModelList } from '../../model/registry.js';
import { HOLDOUT_PEERS, checkHoldoutPercent, evaluateHoldout, formatHoldoutTable } from '../../model/holdout.js';
import { InvalidOptionError } from '../../errors.js';
import { intOption, parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec eval [--data DIR] [--models a,b,...] [--out DIR] [--seed N]
       anirec eval --holdout P [--data DIR] [--models a,b,...] [--out DIR] [--seed N]

Fits every model on the same seeded split and compares them: held-out rating error of known users
(RMSE, MAE, MSE, R²) and, for held-out "new people" folded in from 80% of their list, Hit@10,
Recall@10 and NDCG@10 of the whole-catalogue ranking against their other anime rated 8 or more,
plus catalogue coverage of those top-10 lists and training time.

Options:
  --data DIR       data folder (default: ANIREC_DATA_DIR, else ./data)
  --models LIST    comma-separated models (default: all): ${MODEL_NAMES.join(', ')}
  --out DIR        where eval.json, comparison.svg and curves.svg go (default: ./eval-results)
  --seed N         split seed (default: 42, the one \`anirec train\` uses)
  --holdout P      remove a seeded random P% of known users' explicit rows first, train the served model
                   on the rest exactly as \`anirec train\` does, and score its predictions for the removed
                   rows beside peers fitted on the same rest (--models then names the peers; default:
                   ${HOLDOUT_PEERS.join(', ')}). Writes holdout.json.
`;

const num = (x: number | null, digits = 4): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The aligned text table printed on stdout, followed by n/a reasons, K-means WCSS and fit notes. */
export function formatEvalTable(table: EvalTable): string {
  const k = table.rows[0]?.k ?? 10;
  const header = ['model', 'RMSE', 'MAE', 'MSE', 'R²', `Hit@${k}`, `Recall@${k}`, `NDCG@${k}`, 'coverage', 'new RMSE', 'train s'];
  const body = table.rows.map((r) => [
    r.model,
    num(r.rmse),
    num(r.mae),
    num(r.mse),
    num(r.r2),
    num(r.hit),
    num(r.recall),
    num(r.ndcg),
    num(r.coverage),
    num(r.newPeopleRmse),
    r.trainSeconds.toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const out = [
    `data ${table.dataDir}, split seed ${table.seed}: ${table.split.train} train rows, ${table.split.test} test rows, ` +
      `${table.split.heldOutUsers} held-out users (${table.split.profile} profile rows, ${table.split.target} target rows)`,
    '',
    line(header),
    `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`,
    ...body.map(line),
  ];
  const ranked = table.rows.find((r) => r.rankedUsers > 0);
  if (ranked) {
    out.push('', `new people: ${ranked.rankedUsers} of ${table.split.heldOutUsers} held-out users ranked, ${ranked.skippedUsers} skipped (no target rated 8+)`);
  }
  const reasons = table.rows.flatMap((r) => {
    const byReason = new Map<string, string[]>();
    for (const [metric, reason] of Object.entries(r.notApplicable)) byReason.set(reason, [...(byReason.get(reason) ?? []), metric]);
    return [...byReason].map(([reason, metrics]) => `  ${r.model}: ${metrics.join(', ')} n/a: ${reason}`);
  });
  if (reasons.length > 0) out.push('', 'not applicable:', ...reasons);
  for (const s of table.skipped) out.push(`  ${s.model}: skipped: ${s.reason}`);
  const kmeans = table.rows.find((r) => r.model === 'kmeans');
  const wcss = Object.entries(kmeans?.report.notes ?? {}).filter(([key]) => key.startsWith('wcss'));
  if (wcss.length > 0) out.push('', 'K-means within-cluster sum of squares (sampled users):', ...wcss.map(([key, v]) => `  ${key.replace('wcss ', '')}: ${v}`));
  const notes = table.rows.filter((r) => r.report.notes && Object.keys(r.report.notes).length > 0);
  if (notes.length > 0) {
    out.push('', 'fit notes:');
    for (const r of notes) {
      const text = Object.entries(r.report.notes!).filter(([key]) => !key.startsWith('wcss')).map(([key, v]) => `${key}=${v}`).join(', ');
      out.push(`  ${r.model}: ${text}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The comparison chart: held-out RMSE and Hit@k per model. */
export function renderComparison(rows: EvalRow[]): string {
  const k = rows[0]?.k ?? 10;
  return renderBarChart(
    [
      { title: 'Held-out RMSE of known users (lower is better)', bars: rows.map((r) => ({ label: r.model, value: r.rmse })) },
      { title: `Hit@${k} for new people (higher is better)`, bars: rows.map((r) => ({ label: r.model, value: r.hit })) },
    ],
    { title: 'anirec eval' },
  );
}

/** The training-curve chart: validation RMSE per epoch of the models that report a curve. */
export function renderCurves(rows: EvalRow[]): string {
  return renderLineChart(
    rows
      .filter((r) => r.report.curve && r.report.curve.length > 0)
      .map((r) => ({ label: r.model, points: r.report.curve!.map((p) => ({ x: p.epoch, y: p.validationRmse })) })),
    { title: 'Validation RMSE per epoch', xLabel: 'epoch', yLabel: 'validation RMSE' },
  );
}

/** Writes eval.json, comparison.svg and curves.svg into dir; returns their paths. */
export function writeEvalResults(table: EvalTable, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'eval.json'), join(dir, 'comparison.svg'), join(dir, 'curves.svg')];
  const json = JSON.stringify(table, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
  writeFileSync(files[0]!, json + '\n');
  writeFileSync(files[1]!, renderComparison(table.rows));
  writeFileSync(files[2]!, renderCurves(table.rows));
  return files;
}

const command: Subcommand = {
  summary: 'compare every model (baselines, embedding, implicit, anirec) on one split; table, JSON and charts',
  usage: USAGE,
  async run(argv) {
    const values = parseOptions(argv, {
      data: { type: 'string' },
      models: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      holdout: { type: 'string' },
    });
    if (values.holdout !== undefined) return runHoldout(values);
    const names = parseModelList(values.models);
    const seed = intOption('seed', values.seed, 42, 0, 2 ** 31 - 1);
    const config = readConfig(process.env);
    const dir = values.data ?? config.dataDir;
    const out = resolve(values.out ?? 'eval-results');
    const started = performance.now();
    const dataset = await loadDataset(dir, { cacheDir: config.cacheDir });
    const log = (line: string) => process.stderr.write(line + '\n');
    log(`eval: ${dataset.ratings.count} rows loaded in ${dataset.report.seconds.toFixed(1)} s; models: ${names.join(', ')}`);
    const table = await evaluateAll(dataset, names, { seed, log });
    process.stdout.write(formatEvalTable(table));
    const files = writeEvalResults(table, out);
    process.stdout.write(`\nsaved ${files.join(', ')}\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return table.rows.length > 0 ? 0 : 1;
  },
};
/** `anirec eval --holdout P`: rows removed before training, the served pipeline on the rest, peers beside it. */
async function runHoldout(values: { data?: string; models?: string; out?: string; seed?: string; holdout?: string }): Promise<number> {
  const text = values.holdout!.trim().replace(/%$/, '');
  const percent = Number(text);
  if (text === '' || Number.isNaN(percent)) throw new InvalidOptionError('--holdout', `"${values.holdout}" is not a number`);
  checkHoldoutPercent(percent);
  const seed = intOption('seed', values.seed, 42, 0, 2 ** 31 - 1);
  const config = readConfig(process.env);
  const out = resolve(values.out ?? 'eval-results');
  const started = performance.now();
  const dataset = await loadDataset(values.data ?? config.dataDir, { cacheDir: config.cacheDir });
  const log = (line: string) => process.stderr.write(line + '\n');
  const peers = values.models === undefined ? undefined : parseModelList(values.models).filter((name) => name !== 'anirec');
  const table = await evaluateHoldout(dataset, {
    percent, seed, log, ...(peers ? { peers } : {}),
    train: { explicit: { threads: config.threads }, implicit: { threads: config.threads } },
  });
  process.stdout.write(formatHoldoutTable(table));
  mkdirSync(out, { recursive: true });
  const file = join(out, 'holdout.json');
  writeFileSync(file, JSON.stringify(table, null, 2) + '\n');
  process.stdout.write(`\nsaved ${file}\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

export default command;
