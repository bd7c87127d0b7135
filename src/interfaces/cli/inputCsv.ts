/**
 * Input files of the CLI (pairs, profiles): CSV with a header naming the columns, any order, extra
 * columns ignored. Problems become one-line InputFileErrors naming the file, the line and the column.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputFileError } from '../../errors.js';

export interface InputRow {
  /** Physical line number in the file (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export function readInputCsv(file: string, required: readonly string[]): InputRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? (error as Error).message})`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as never;
  } catch (error) {
    throw new InputFileError(file, `not valid CSV (${(error as Error).message})`);
  }
  if (records.length === 0) throw new InputFileError(file, `empty; expected a header with the columns ${required.join(', ')}`);
  const header = records[0]!.record.map((h) => h.toLowerCase());
  for (const column of required) {
    if (!header.includes(column)) throw new InputFileError(file, `no "${column}" column in the header (found: ${header.join(', ')})`);
  }
  const at = required.map((c) => header.indexOf(c));
  return records.slice(1).map(({ record, info }) => ({
    line: info.lines,
    values: Object.fromEntries(required.map((c, k) => [c, record[at[k]!] ?? ''])),
  }));
}

/** A whole number cell, or an InputFileError naming file, line and column. */
export function readIntCell(file: string, row: InputRow, column: string): number {
  const text = row.values[column]!;
  if (!/^-?\d+$/.test(text)) throw new InputFileError(file, `line ${row.line}: ${column} "${text}" is not a whole number`);
  return Number(text);
}
