/**
 * The evaluation report the web page shows: the table of the latest `anirec eval` run (eval.json in its
 * --out folder) and the names of its charts. Read on each request, so a new eval run shows up without a
 * restart; a missing or unreadable folder just means "no report". Paths are shown relative to the working
 * directory, or by their last name when outside it: a visitor has no business learning the server's layout.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { EvalRow, EvalTable } from '../../model/evaluate.js';

export const REPORT_CHARTS = ['comparison.svg', 'curves.svg'] as const;
export type ReportChart = (typeof REPORT_CHARTS)[number];

export type ReportRow = Pick<EvalRow, 'model' | 'rmse' | 'mae' | 'mse' | 'r2' | 'hit' | 'recall' | 'ndcg' | 'coverage' | 'newPeopleRmse' | 'k' | 'trainSeconds'>;

export type EvalReport =
  | { available: false; reason: string }
  | {
      available: true;
      dataDir: string;
      seed: number;
      split: EvalTable['split'];
      savedAt: string;
      rows: ReportRow[];
      /** URL paths of the charts present. */
      charts: string[];
    };

/** A path as a visitor may see it: relative to the working directory, else its last name. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? basename(path) : rel;
}

export function chartPath(evalDir: string, chart: ReportChart): string {
  return join(evalDir, chart);
}

export async function readEvalReport(evalDir: string): Promise<EvalReport> {
  const file = join(evalDir, 'eval.json');
  let table: EvalTable;
  let savedAt: string;
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    table = JSON.parse(text) as EvalTable;
    savedAt = info.mtime.toISOString();
  } catch {
    return { available: false, reason: `no evaluation report yet: run \`anirec eval --out ${shownPath(evalDir)}\`` };
  }
  if (!Array.isArray(table.rows)) return { available: false, reason: `${shownPath(file)} is not an \`anirec eval\` report` };
  return {
    available: true,
    dataDir: typeof table.dataDir === 'string' ? shownPath(table.dataDir) : table.dataDir,
    seed: table.seed,
    split: table.split,
    savedAt,
    rows: table.rows.map((r) => ({
      model: r.model,
      rmse: r.rmse,
      mae: r.mae,
      mse: r.mse,
      r2: r.r2,
      hit: r.hit,
      recall: r.recall,
      ndcg: r.ndcg,
      coverage: r.coverage,
      newPeopleRmse: r.newPeopleRmse,
      k: r.k,
      trainSeconds: r.trainSeconds,
    })),
    charts: REPORT_CHARTS.filter((chart) => existsSync(chartPath(evalDir, chart))).map((chart) => `/report/${chart}`),
  };
}
