/** The conditional SQL of a swap, shared by SQLite and PostgreSQL. */
import type { SwapOp } from './types.js';

/**
 * The conditional statement of a swap, in SQL both SQLite and PostgreSQL accept ($n placeholders).
 * `inTime(n)` is an extra condition on parameter $n holding the deadline (PostgreSQL's clock), or ''.
 */
export function swapSql(table: string, op: SwapOp, inTime?: (n: number) => string): { sql: string; values: string[] } | undefined {
  const timed = inTime !== undefined && op.deadline !== undefined;
  const deadline = timed ? [String(op.deadline)] : [];
  const and = (n: number) => (timed ? ` AND ${inTime(n)}` : '');
  if (op.expected === undefined && op.next !== undefined) {
    // INSERT ... SELECT needs a WHERE before ON CONFLICT (SQLite's parser): only the timed form uses it.
    const source = timed ? `SELECT $1, $2 WHERE ${inTime(3)}` : 'VALUES ($1, $2)';
    return { sql: `INSERT INTO ${table} (key, value) ${source} ON CONFLICT (key) DO NOTHING RETURNING key`, values: [op.key, op.next, ...deadline] };
  }
  if (op.expected !== undefined && op.next !== undefined) {
    return { sql: `UPDATE ${table} SET value = $1 WHERE key = $2 AND value = $3${and(4)} RETURNING key`, values: [op.next, op.key, op.expected, ...deadline] };
  }
  if (op.expected !== undefined) {
    return { sql: `DELETE FROM ${table} WHERE key = $1 AND value = $2${and(3)} RETURNING key`, values: [op.key, op.expected, ...deadline] };
  }
  return undefined; // absent -> absent: true when nothing is stored
}

/** PostgreSQL applies a swap only before its deadline, by the server's clock. */
export const PG_IN_TIME = (n: number) => `clock_timestamp() <= to_timestamp($${n}::double precision / 1000)`;
