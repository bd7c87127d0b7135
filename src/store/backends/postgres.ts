/** PostgreSQL: @keyv/postgres's table, swapped by a conditional UPDATE on anirec's own pg.Pool, in time by the server's clock. */
import { adapterClass, importAdapter, keyvFor } from './keyvAdapters.js';
import { PG_IN_TIME, swapSql } from './sqlSwap.js';
import { SwapTooLate, type BackendOptions, type MemberBackend } from './types.js';
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  on(event: string, listener: (error: unknown) => void): unknown;
  end(): Promise<void>;
}

export async function openPostgres(url: string, options: BackendOptions): Promise<MemberBackend> {
  const Postgres = adapterClass(await importAdapter('@keyv/postgres', 'postgres:'));
  const adapter = new Postgres({ uri: url }) as { opts: { table: string; schema: string }; query(sql: string): Promise<unknown>; disconnect(): Promise<void> };
  // The adapter creates its table on connect; a failed start leaves it unusable, so fail here, clearly.
  await adapter.query('SELECT 1');
  const table = `"${adapter.opts.schema}"."${adapter.opts.table}"`;
  await adapter.disconnect();
  const pg = (await import('pg')).default as unknown as { Pool: new (options: unknown) => PgPool };
  // connectionTimeoutMillis: with the server gone a query fails in 2 s instead of waiting for it.
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 2000, query_timeout: 2500 });
  pool.on('error', (error) => options.onError?.(error));
  // Keyv keeps the adapter only for its key prefix and serialisation here: its pool is closed above.
  const keyv = keyvFor(adapter, options);
  return {
    module: '@keyv/postgres',
    shared: true,
    keyv,
    async read(key) {
      const { rows } = await pool.query(`SELECT value FROM ${table} WHERE key = $1`, [key]);
      return (rows[0] as { value: string } | undefined)?.value;
    },
    async swap(op) {
      const statement = swapSql(table, op, PG_IN_TIME);
      if (statement === undefined) return (await pool.query(`SELECT key FROM ${table} WHERE key = $1`, [op.key])).rows.length === 0;
      const { rows } = await pool.query(statement.sql, statement.values);
      if (rows.length === 1) return true;
      // No row: another writer came first, or the deadline passed (then the caller has stopped waiting).
      if (op.deadline !== undefined && Date.now() > op.deadline) throw new SwapTooLate();
      return false;
    },
    async close() {
      await pool.end();
      // @keyv/postgres ends its pool again on disconnect; a second end of a closed pool is not an error here.
      await keyv.disconnect().catch(() => undefined);
    },
  };
}
