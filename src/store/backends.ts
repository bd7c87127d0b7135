/**
 * The one atomic step a shared ratings store needs, on each backend: compare-and-swap of one stored string.
 * Keyv's adapters offer only get/set/delete (no read-modify-write), so two processes rewriting the same
 * member would lose each other's ratings; each backend here swaps a value only while it still holds the
 * bytes the writer read, which every backend can do natively:
 * - SQLite (@keyv/sqlite's table and connection): `UPDATE ... WHERE key = ? AND value = ? RETURNING key`,
 *   writes arriving together share one transaction and one sync (group commit);
 * - Redis (@keyv/redis's key layout, its node-redis client): a Lua script, atomic on the server;
 * - PostgreSQL (@keyv/postgres's table): the same conditional UPDATE, on anirec's own pg.Pool (the
 *   adapter's pool is private and would crash the process on an idle connection's error).
 * Values keep Keyv's serialised form and key prefix, so Keyv itself reads what anirec writes.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import { ConfigError } from '../errors.js';
import { createGroupWriter, OpFailed, WriteWithdrawn } from './groupCommit.js';

/** Replace `expected` (undefined: absent) by `next` (undefined: delete), only if `expected` is what is stored. */
export interface SwapOp {
  key: string;
  expected: string | undefined;
  next: string | undefined;
  /**
   * Milliseconds since the epoch after which the store must not apply the swap (Redis and PostgreSQL check
   * it against their own clock): a write the caller stopped waiting for cannot land minutes later.
   */
  deadline?: number;
}

export interface MemberBackend {
  /** Adapter name, for logs. */
  readonly module: string;
  /** false for adapters without an atomic swap here: safe for one process only. */
  readonly shared: boolean;
  /** The stored string of a (Keyv) key, or undefined. */
  read(key: string): Promise<string | undefined>;
  /**
   * true when swapped; false when the stored value was no longer `expected` (another writer came first).
   * Aborting `signal` withdraws the swap if it has not reached the store yet (rejecting with WriteWithdrawn).
   */
  swap(op: SwapOp, signal?: AbortSignal): Promise<boolean>;
  /** The Keyv in front of the adapter: its key prefix and serialisation. */
  readonly keyv: Keyv;
  close(): Promise<void>;
}

export interface BackendOptions {
  onError?: (error: unknown) => void;
}

async function importAdapter(name: string, protocol: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConfigError('ANIREC_STORE_URL', `${protocol}// needs its Keyv adapter: run \`npm install ${name}\``);
    }
    throw error;
  }
}

function adapterClass(mod: Record<string, unknown>): new (...args: unknown[]) => unknown {
  return (mod.default ?? Object.values(mod).find((v) => typeof v === 'function')) as new (...args: unknown[]) => unknown;
}

function keyvFor(store: unknown, options: BackendOptions): Keyv {
  // throwOnErrors: without it a failed read resolves undefined, indistinguishable from "no ratings".
  const keyv = new Keyv({ store: store as never, namespace: 'anirec', throwOnErrors: true });
  // Keyv emits 'error' as well as throwing; an unheard 'error' event would crash the process.
  keyv.on('error', (error: unknown) => options.onError?.(error));
  return keyv;
}

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

/**
 * The conditional statement of a swap, in SQL both SQLite and PostgreSQL accept ($n placeholders).
 * `inTime(n)` is an extra condition on parameter $n holding the deadline (PostgreSQL's clock), or ''.
 */
function swapSql(table: string, op: SwapOp, inTime?: (n: number) => string): { sql: string; values: string[] } | undefined {
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
const PG_IN_TIME = (n: number) => `clock_timestamp() <= to_timestamp($${n}::double precision / 1000)`;

/** Thrown when the store refused a swap because it arrived after its deadline (the caller had given up on it). */
export class SwapTooLate extends Error {
  constructor() {
    super('the write reached the store after its deadline and was not applied');
    this.name = 'SwapTooLate';
  }
}

/** How long a write waits for another process's write lock: still inside Discord's 3 s answer window. */
const BUSY_WAIT_MS = 2000;

async function openSqlite(url: string, options: BackendOptions): Promise<MemberBackend> {
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

// Swaps the value only while it is still the one the writer read; ARGV[1] '1' means "expected absent".
// ARGV[5], when not empty, is the deadline in ms by the server's clock: a late script changes nothing (-1).
const REDIS_SWAP = `
if ARGV[5] ~= '' then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[5]) then return -1 end
end
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;

interface RedisClientLike {
  connect(): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

async function openRedis(url: string, options: BackendOptions): Promise<MemberBackend> {
  const mod = await importAdapter('@keyv/redis', 'redis:');
  const createClient = mod.createClient as (options: unknown) => RedisClientLike;
  let readyOnce = false;
  const client = createClient({
    url,
    // Offline, a command fails at once ("not saved, try again") instead of waiting in a queue past
    // Discord's answer window; the client keeps reconnecting and the next command succeeds by itself.
    disableOfflineQueue: true,
    // A server that cannot be reached at start fails the start (a wrong URL says so); once connected,
    // the client reconnects for ever, backing off to 1 s.
    socket: { connectTimeout: 2000, reconnectStrategy: (attempts: number, cause: Error) => (readyOnce ? Math.min(50 * 2 ** attempts, 1000) : cause) },
  });
  client.on('ready', () => {
    readyOnce = true;
  });
  client.on('error', (error) => options.onError?.(error));
  await client.connect();
  const Redis = adapterClass(mod);
  const adapter = new Redis(client, { throwOnErrors: true }) as { createKeyPrefix(key: string, namespace?: string): string; namespace?: string };
  const keyv = keyvFor(adapter, options);
  // The adapter stores a Keyv key under its own namespace prefix; we address the same Redis key.
  const redisKey = (key: string) => adapter.createKeyPrefix(key, adapter.namespace);
  return {
    module: '@keyv/redis',
    shared: true,
    keyv,
    async read(key) {
      return (await client.get(redisKey(key))) ?? undefined;
    },
    async swap(op) {
      const absent = op.expected === undefined ? '1' : '0';
      const remove = op.next === undefined ? '1' : '0';
      const done = Number(await client.eval(REDIS_SWAP, { keys: [redisKey(op.key)], arguments: [absent, op.expected ?? '', remove, op.next ?? '', op.deadline === undefined ? '' : String(op.deadline)] }));
      if (done === -1) throw new SwapTooLate();
      return done === 1;
    },
    async close() {
      await keyv.disconnect();
    },
  };
}

interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  on(event: string, listener: (error: unknown) => void): unknown;
  end(): Promise<void>;
}

async function openPostgres(url: string, options: BackendOptions): Promise<MemberBackend> {
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

/** Any other Keyv adapter: get-compare-set, atomic within this process only. */
async function openKeyvOnly(module: string, protocol: string, create: (Adapter: new (...args: unknown[]) => unknown) => unknown, options: BackendOptions): Promise<MemberBackend> {
  const store = create(adapterClass(await importAdapter(module, protocol)));
  const keyv = keyvFor(store, options);
  const raw = store as { get(key: string): Promise<unknown>; set(key: string, value: string): Promise<unknown>; delete(key: string): Promise<unknown> };
  const read = async (key: string) => {
    const value = await raw.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    module,
    shared: false,
    keyv,
    read,
    async swap(op) {
      if ((await read(op.key)) !== op.expected) return false;
      if (op.next === undefined) await raw.delete(op.key);
      else await raw.set(op.key, op.next);
      return true;
    },
    close: () => keyv.disconnect(),
  };
}

const OPENERS: Record<string, (url: string, options: BackendOptions) => Promise<MemberBackend>> = {
  'sqlite:': openSqlite,
  'redis:': openRedis,
  'rediss:': openRedis,
  'postgres:': openPostgres,
  'postgresql:': openPostgres,
  'mysql:': (url, o) => openKeyvOnly('@keyv/mysql', 'mysql:', (A) => new A({ uri: url }), o),
  'mongodb:': (url, o) => openKeyvOnly('@keyv/mongo', 'mongodb:', (A) => new A({ url }), o),
};

/** The URL's protocol if anirec has a backend for it. */
export function backendProtocol(url: string): string | undefined {
  const protocol = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
  return protocol !== undefined && protocol in OPENERS ? protocol : undefined;
}

export function openBackend(protocol: string, url: string, options: BackendOptions): Promise<MemberBackend> {
  return OPENERS[protocol]!(url, options);
}
