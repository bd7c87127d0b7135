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
import { openKeyvOnly } from './keyvAdapters.js';
import { openPostgres } from './postgres.js';
import { openRedis } from './redis.js';
import { openSqlite } from './sqlite.js';
import type { BackendOptions, MemberBackend } from './types.js';

export type * from './types.js';
export { SwapTooLate } from './types.js';
export { sqlitePath } from './sqlite.js';
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
