/**
 * Members' ratings in Keyv: SQLite by default, any Keyv adapter picked by the URL's protocol. One record
 * per Discord user id (ratings follow the person across guilds). A write is acknowledged only when
 * Keyv confirms it (set resolving true); reads that fail throw instead of looking like "no ratings",
 * which would let the next write wipe a member's history.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv from 'keyv';
import { ConfigError, StoreReadError, StoreWriteError } from '../errors.js';
import { createGroupWriter, type GroupWriter } from './groupCommit.js';
import { createKeyedMutex } from './keyedMutex.js';

/** Everything stored about one member. */
export interface MemberRecord {
  /** MyAnimeList anime id (as a string key) -> score 1..10, or WATCHED (-1). */
  ratings: Record<string, number>;
  /** The member's folded-in vector (model.exportUser), little-endian float32 in base64. */
  vector?: string;
  /** Fingerprint of the model that folded `vector`; a different model means fold in again. */
  modelFingerprint?: string;
  /** Milliseconds since the epoch of the last change. */
  updatedAt: number;
  /** Discord servers (guild ids) where the member used the bot; absent in stores older than /twins. */
  guilds?: string[];
  /** The member left /twins, /affinity and the other server lists (/privacy). */
  hidden?: boolean;
}

export interface RatingsStore {
  /** Adapter and location, password removed (for logs). */
  readonly description: string;
  get(userId: string): Promise<MemberRecord | undefined>;
  /** Resolves once the store confirmed the write; StoreWriteError otherwise. */
  set(userId: string, record: MemberRecord): Promise<void>;
  /** Removes the member; resolves true when there was something to remove. */
  delete(userId: string): Promise<boolean>;
  /**
   * Read-modify-write of one member, serialised per member in this process so concurrent updates
   * are never lost. `change` returns the new record, or null to delete it.
   */
  update<T>(userId: string, change: (current: MemberRecord | undefined) => { record: MemberRecord | null; result: T }): Promise<T>;
  /** Every stored record as [id, record] (for `anirec train` and `anirec data`); adapters without iteration throw. */
  entries(): AsyncIterable<[string, MemberRecord]>;
  /** Ids of the members who used the bot in a server (empty for a server never seen). */
  guildMembers(guildId: string): Promise<string[]>;
  /** Read-modify-write of a server's member list, serialised per server in this process. */
  updateGuildMembers(guildId: string, change: (members: string[]) => string[]): Promise<string[]>;
  close(): Promise<void>;
}

type AdapterFactory = (url: string) => Promise<unknown>;

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

/** sqlite path of a sqlite:// URL, relative paths resolved from the working folder. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:\/\//i, '');
  return path === ':memory:' ? path : resolve(path);
}

const ADAPTERS: Record<string, { module: string; create: AdapterFactory }> = {
  'sqlite:': {
    module: '@keyv/sqlite',
    create: async (url) => {
      const path = sqlitePath(url);
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const Sqlite = adapterClass(await importAdapter('@keyv/sqlite', 'sqlite:'));
      // busyTimeout 1 s: a read and a write each waiting on a lock must still fit Discord's 3 s answer window.
      const store = new Sqlite({ uri: `sqlite://${path}`, busyTimeout: 1000 }) as { query(sql: string): Promise<unknown> };
      // WAL with synchronous=FULL still syncs every commit before set() resolves (durable), but costs
      // one sync instead of the rollback journal's several: about 0.7 ms per write instead of 19 ms.
      // NORMAL would skip that sync (a write would survive a killed process but not a power cut), so
      // we keep FULL and share each sync among the writes that arrive together (group commit below).
      if (path !== ':memory:') {
        await store.query('PRAGMA journal_mode=WAL');
        await store.query('PRAGMA synchronous=FULL');
      }
      return store;
    },
  },
  'redis:': { module: '@keyv/redis', create: async (url) => new (adapterClass(await importAdapter('@keyv/redis', 'redis:')))(url) },
  'rediss:': { module: '@keyv/redis', create: async (url) => new (adapterClass(await importAdapter('@keyv/redis', 'rediss:')))(url) },
  'postgres:': {
    module: '@keyv/postgres',
    create: async (url) => new (adapterClass(await importAdapter('@keyv/postgres', 'postgres:')))({ uri: url }),
  },
  'postgresql:': {
    module: '@keyv/postgres',
    create: async (url) => new (adapterClass(await importAdapter('@keyv/postgres', 'postgresql:')))({ uri: url }),
  },
  'mysql:': {
    module: '@keyv/mysql',
    create: async (url) => new (adapterClass(await importAdapter('@keyv/mysql', 'mysql:')))({ uri: url }),
  },
  'mongodb:': {
    module: '@keyv/mongo',
    create: async (url) => new (adapterClass(await importAdapter('@keyv/mongo', 'mongodb:')))({ url }),
  },
};

interface SqliteAdapter {
  opts: { table: string };
  query(sql: string, ...parameters: unknown[]): Promise<unknown>;
}

/**
 * Writes through @keyv/sqlite's connection with group commit: one multi-row upsert is one implicit
 * transaction, so the rows of a batch share one commit (and one sync) and none is acknowledged before it.
 * The same upsert as the adapter's own set(), with the value Keyv itself would have serialised.
 */
function createSqliteWriter(store: SqliteAdapter, onError: ((error: unknown) => void) | undefined): GroupWriter {
  const table = store.opts.table;
  return createGroupWriter(
    async (rows) => {
      const values = rows.map(() => '(?, ?)').join(', ');
      await store.query(`INSERT INTO ${table} (key, value) VALUES ${values} ON CONFLICT(key) DO UPDATE SET value=excluded.value`, ...rows.flat());
    },
    { onError: (error) => onError?.(error) },
  );
}

/** The URL without its password, for logs. */
export function describeStoreUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

const key = (userId: string) => `member:${userId}`;
const guildKey = (guildId: string) => `guild:${guildId}`;
/** Members whose last committed record update() keeps in memory. */
const COMMITTED_CACHE_SIZE = 20_000;

function checkRecord(value: unknown, userId: string): MemberRecord | undefined {
  if (value === undefined || value === null) return undefined;
  const record = value as MemberRecord;
  if (typeof record !== 'object' || typeof record.ratings !== 'object' || record.ratings === null) {
    throw new StoreReadError(key(userId), { cause: new Error('stored value is not a member record') });
  }
  return record;
}

/**
 * Opens the store named by a Keyv URL (sqlite://path by default; redis://, postgres://... once their
 * adapter is installed). The SQLite folder is created when missing.
 */
export async function openRatingsStore(url: string, options: { onError?: (error: unknown) => void } = {}): Promise<RatingsStore> {
  const protocol = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
  const adapter = protocol === undefined ? undefined : ADAPTERS[protocol];
  if (adapter === undefined) {
    throw new ConfigError('ANIREC_STORE_URL', `unsupported store "${describeStoreUrl(url)}"; use sqlite://, redis:// or postgres://`);
  }
  const store = await adapter.create(url);
  // throwOnErrors: without it a failed read resolves undefined, indistinguishable from "no ratings".
  const keyv = new Keyv({ store: store as never, namespace: 'anirec', throwOnErrors: true });
  // Keyv emits 'error' as well as throwing; an unheard 'error' event would crash the process.
  keyv.on('error', (error: unknown) => options.onError?.(error));
  const mutex = createKeyedMutex();
  const writer = protocol === 'sqlite:' ? createSqliteWriter(store as SqliteAdapter, options.onError) : undefined;

  const get = async (userId: string) => {
    let value: unknown;
    try {
      value = await keyv.get(key(userId));
    } catch (error) {
      throw new StoreReadError(key(userId), { cause: error });
    }
    return checkRecord(value, userId);
  };
  // The last record this process committed per member, so update() needs no read for it: a /rate then
  // waits for one commit instead of a read queued behind the running commit plus its own. Sound because
  // this process is the only writer (the per-member lock already assumes so); dropped on any failure.
  const committed = new Map<string, MemberRecord | undefined>();
  const rememberCommitted = (userId: string, record: MemberRecord | undefined) => {
    committed.delete(userId);
    committed.set(userId, record);
    if (committed.size > COMMITTED_CACHE_SIZE) committed.delete(committed.keys().next().value!);
  };
  const set = async (userId: string, record: MemberRecord) => {
    committed.delete(userId);
    await write(userId, record);
    rememberCommitted(userId, record);
  };
  const write = async (userId: string, record: MemberRecord) => {
    let confirmed: boolean;
    try {
      // Serialised synchronously, so the write is queued in call order (a delete issued next waits for it).
      const serialized = writer === undefined ? undefined : keyv.serialize?.({ value: record, expires: undefined });
      if (writer !== undefined && typeof serialized === 'string') {
        await writer.set(keyv._getKeyPrefix(key(userId)), serialized);
        confirmed = true;
      } else confirmed = await keyv.set(key(userId), record);
    } catch (error) {
      throw new StoreWriteError(key(userId), { cause: error });
    }
    if (!confirmed) throw new StoreWriteError(key(userId));
  };
  const remove = async (userId: string) => {
    committed.delete(userId);
    let removed: boolean;
    try {
      // A queued write of the member must not land after (and undo) its deletion.
      await writer?.settled(keyv._getKeyPrefix(key(userId)));
      removed = await keyv.delete(key(userId));
    } catch (error) {
      throw new StoreWriteError(key(userId), { cause: error });
    }
    rememberCommitted(userId, undefined);
    return removed;
  };

  // Which members used the bot in a server: an index beside the member records (each record also lists its
  // servers), so /twins reads one key instead of scanning the store. Old stores simply have none yet.
  const guildMembers = async (guildId: string): Promise<string[]> => {
    let value: unknown;
    try {
      value = await keyv.get(guildKey(guildId));
    } catch (error) {
      throw new StoreReadError(guildKey(guildId), { cause: error });
    }
    const members = (value as { members?: unknown } | undefined)?.members;
    return Array.isArray(members) ? members.filter((m): m is string => typeof m === 'string') : [];
  };

  return {
    description: `${adapter.module} (${describeStoreUrl(protocol === 'sqlite:' ? `sqlite://${sqlitePath(url)}` : url)})`,
    get,
    set,
    delete: remove,
    update(userId, change) {
      return mutex.run(userId, async () => {
        const { record, result } = change(committed.has(userId) ? committed.get(userId) : await get(userId));
        if (record === null) await remove(userId);
        else await set(userId, record);
        return result;
      });
    },
    async *entries() {
      await writer?.idle();
      if (typeof keyv.iterator !== 'function') throw new ConfigError('ANIREC_STORE_URL', `${adapter.module} cannot list its records`);
      const prefix = key('');
      for await (const [storedKey, value] of keyv.iterator(undefined) as AsyncGenerator<[string, unknown]>) {
        // The adapter hands back the raw key (namespace included) and the value Keyv stored.
        const bare = storedKey.replace(/^anirec:/, '');
        if (!bare.startsWith(prefix)) continue;
        const id = bare.slice(prefix.length);
        const record = checkRecord(value, id);
        if (record !== undefined) yield [id, record];
      }
    },
    guildMembers,
    updateGuildMembers(guildId, change) {
      return mutex.run(guildKey(guildId), async () => {
        const members = change(await guildMembers(guildId));
        let confirmed: boolean;
        try {
          confirmed = await keyv.set(guildKey(guildId), { members });
        } catch (error) {
          throw new StoreWriteError(guildKey(guildId), { cause: error });
        }
        if (!confirmed) throw new StoreWriteError(guildKey(guildId));
        return members;
      });
    },
    async close() {
      await writer?.idle();
      await keyv.disconnect();
    },
  };
}
