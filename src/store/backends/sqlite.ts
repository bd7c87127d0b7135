/** SQLite: @keyv/sqlite's table, swapped by a conditional UPDATE on a connection of our own; writes arriving together share one transaction (group commit). */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createGroupWriter, OpFailed, WriteWithdrawn } from '../groupCommit.js';
import { adapterClass, importAdapter, keyvFor } from './keyvAdapters.js';
import { swapSql } from './sqlSwap.js';
import { SwapTooLate, type BackendOptions, type MemberBackend, type SwapOp } from './types.js';

/** sqlite path of a sqlite:// URL, relative paths resolved from the working folder. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:\/\//i, '');
  return path === ':memory:' ? path : resolve(path);
}

interface SqliteConnection {
  all(sql: string, values: readonly string[]): Promise<unknown[]>;
  close(): Promise<void>;
}

async function openSqliteConnection(path: string, busyTimeoutMs: number): Promise<SqliteConnection> {
  const sqlite3 = (await import('sqlite3')).default;
  const db = await new Promise<InstanceType<typeof sqlite3.Database>>((resolve, reject) => {
    const opened = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(opened)));
  });
  db.configure('busyTimeout', busyTimeoutMs);
  return {
    all: (sql, values) => new Promise((resolve, reject) => db.all(sql, values, (error, rows) => (error ? reject(error) : resolve(rows)))),
    close: () => new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
  };
}

interface SqliteAdapter {
  opts: { table: string };
  query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
}

/** How long a write waits for another process's write lock: still inside Discord's 3 s answer window. */
const BUSY_WAIT_MS = 2000;

export async function openSqlite(url: string, options: BackendOptions): Promise<MemberBackend> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const Sqlite = adapterClass(await importAdapter('@keyv/sqlite', 'sqlite:'));
  // busyTimeout: a read meeting a checkpoint waits instead of failing with SQLITE_BUSY.
  const store = new Sqlite({ uri: `sqlite://${path}`, busyTimeout: BUSY_WAIT_MS }) as SqliteAdapter;
  // WAL with synchronous=FULL still syncs every commit before it returns (durable), but costs one sync
  // instead of the rollback journal's several; the writes arriving together share it (group commit).
  if (path !== ':memory:') {
    await store.query('PRAGMA journal_mode=WAL');
    await store.query('PRAGMA synchronous=FULL');
  }
  const table = store.opts.table;
  const query = (sql: string, values: readonly string[]) => store.query(sql.replace(/\$\d+/g, '?'), ...values);
  // Writes get a connection of their own: a read running on the adapter's connection at the moment
  // of BEGIN would pin an old snapshot, and SQLite then fails the write with SQLITE_BUSY at once
  // instead of waiting (the busy handler cannot help a snapshot another process moved past).
  // Its busy timeout is 0: SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries, far
  // longer than another process holds the lock (one commit, about a millisecond), so we retry each ms.
  const writeDb = path === ':memory:' ? undefined : await openSqliteConnection(path, 0);
  const write = writeDb === undefined ? query : (sql: string, values: readonly string[]) => writeDb.all(sql.replace(/\$\d+/g, '?'), values);
  const beginImmediate = async () => {
    const until = performance.now() + BUSY_WAIT_MS;
    for (;;) {
      try {
        return await write('BEGIN IMMEDIATE', []);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() > until) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  };
  const keyv = keyvFor(store, options);
  const writer = createGroupWriter<SwapOp, boolean>(
    async (ops, claim) => {
      // IMMEDIATE takes the write lock now (or waits for it), so no statement below meets SQLITE_BUSY.
      await beginImmediate();
      try {
        const results: (boolean | OpFailed)[] = [];
        for (const [i, op] of ops.entries()) {
          // A write its caller gave up on while this commit waited for the lock is not run at all.
          if (!claim(i)) {
            results.push(new OpFailed(new WriteWithdrawn()));
            continue;
          }
          const statement = swapSql(table, op);
          try {
            results.push(
              statement === undefined
                ? (await write(`SELECT key FROM ${table} WHERE key = $1`, [op.key])).length === 0
                : (await write(statement.sql, statement.values)).length === 1,
            );
          } catch (error) {
            results.push(new OpFailed(error));
          }
        }
        await write('COMMIT', []);
        return results;
      } catch (error) {
        await write('ROLLBACK', []).catch(() => undefined);
        throw error;
      }
    },
    { onError: (error) => options.onError?.(error) },
  );
  return {
    module: '@keyv/sqlite',
    shared: true,
    keyv,
    async read(key) {
      const rows = (await query(`SELECT value FROM ${table} WHERE key = $1`, [key])) as { value: string }[];
      return rows[0]?.value;
    },
    swap: (op, signal) => writer.submit(op, signal),
    async close() {
      await writer.idle();
      await writeDb?.close();
      await keyv.disconnect();
    },
  };
}
