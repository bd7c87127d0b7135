/**
 * Members' ratings in Keyv: SQLite by default, Redis and PostgreSQL shared by any number of processes,
 * any other Keyv adapter for one process. One record per Discord user id (ratings follow the person
 * across guilds), holding the ratings AND the vector folded from them, so the two can never disagree.
 *
 * Every change is a compare-and-swap (storeBackends.ts): the new record replaces the one it was computed
 * from only if no other process changed it meanwhile, else the change is applied again to what is stored
 * now. So no acknowledged rating is ever overwritten, whichever process wrote it. A write is acknowledged
 * only once the backend confirmed it; reads that fail throw instead of looking like "no ratings", and a
 * store that does not answer in time fails the command ("not saved, try again") instead of hanging it.
 */
import { ConfigError, StoreReadError, StoreWriteError, StoreWriteUnknownError } from '../errors.js';
import type { MemberRecord, RatingsStore, StoreOperation, StoreOptions } from './records.js';
import { WriteWithdrawn } from './groupCommit.js';
import { createKeyedMutex } from './keyedMutex.js';
import { isCommunityId } from './communityRecords.js';
import { addToServerList, readServerList, removeFromServerList } from './serverLists.js';
import { maskUrlPasswords } from '../log.js';
import { backendProtocol, openBackend, sqlitePath, type MemberBackend, type SwapOp } from './backends/index.js';

export { sqlitePath } from './backends/index.js';

export type { MemberRecord, RatingsStore, StoreOperation, StoreOptions, StoreOutcome } from './records.js';

/** The URL without its password in any form (userinfo or ?password=), for logs. */
export function describeStoreUrl(url: string): string {
  return maskUrlPasswords(url);
}

const key = (userId: string) => `member:${userId}`;
/** Members whose last committed record update() keeps in memory. */
const COMMITTED_CACHE_SIZE = 20_000;
/** Members whose last seen stored bytes (and their parsed record) this process keeps. */
const KNOWN_CACHE_SIZE = 20_000;
/** A change meeting this many newer writes in a row gives up (never seen below 5 with 4 processes). */
const MAX_ATTEMPTS = 50;

function checkRecord(value: unknown, userId: string): MemberRecord | undefined {
  if (value === undefined || value === null) return undefined;
  const record = value as MemberRecord;
  if (typeof record !== 'object' || typeof record.ratings !== 'object' || record.ratings === null) {
    throw new StoreReadError(key(userId), { cause: new Error('stored value is not a member record') });
  }
  return record;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** A write not answered in time that had reached the store: it may or may not have landed. */
class WriteOutcomeUnknown extends Error {
  constructor(ms: number) {
    super(`the store did not answer within ${ms} ms and the write could not be withdrawn`);
    this.name = 'WriteOutcomeUnknown';
  }
}

/** The error a failed write becomes: "not saved" when that is certain, "may not have been saved" otherwise. */
function writeError(key: string, error: unknown): StoreWriteError | StoreWriteUnknownError {
  return error instanceof WriteOutcomeUnknown ? new StoreWriteUnknownError(key, { cause: error }) : new StoreWriteError(key, { cause: error });
}

/** What this process last saw stored for a member: the bytes, and the record parsed from them. */
interface Known {
  raw: string | undefined;
  record: MemberRecord | undefined;
}

/**
 * Opens the store named by a Keyv URL (sqlite://path by default; redis://, postgres://... once their
 * adapter is installed). The SQLite folder is created when missing.
 */
export async function openRatingsStore(url: string, options: StoreOptions = {}): Promise<RatingsStore> {
  const protocol = backendProtocol(url);
  if (protocol === undefined) {
    throw new ConfigError('ANIREC_STORE_URL', `unsupported store "${describeStoreUrl(url)}"; use sqlite://, redis:// or postgres://`);
  }
  const backend: MemberBackend = await openBackend(protocol, url, { ...(options.onError ? { onError: options.onError } : {}) });
  const keyv = backend.keyv;
  const timeoutMs = options.timeoutMs ?? 2500;
  // Serialised exactly as Keyv's own set() would, so Keyv (and older anirec) read these records.
  const serialize = (record: MemberRecord) => keyv.serialize!({ value: record, expires: undefined }) as string;
  const storedKey = (userId: string) => keyv._getKeyPrefix(key(userId));

  const timed = async <T>(operation: StoreOperation, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await withTimeout(work(), timeoutMs);
      options.observe?.(operation, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      options.observe?.(operation, 'error', (performance.now() - started) / 1000);
      options.onError?.(error);
      throw error;
    }
  };

  /**
   * One swap, answered within the timeout. Past it the swap is withdrawn if it has not reached the store
   * (SQLite: still waiting for its commit); one that has reached it carries a deadline the backend checks
   * (Redis, PostgreSQL), so it lands by then or never, and the caller hears that it may have landed.
   */
  const swapInTime = async (op: Omit<SwapOp, 'deadline'>): Promise<boolean> => {
    const started = performance.now();
    const controller = new AbortController();
    const work = backend.swap({ ...op, deadline: Date.now() + timeoutMs }, controller.signal);
    // Settled after we stop waiting: never an unhandled rejection.
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeoutMs)));
    const fail = (error: unknown) => {
      options.observe?.('write', 'error', (performance.now() - started) / 1000);
      options.onError?.(error);
      return error;
    };
    let first: boolean | 'expired';
    try {
      first = await Promise.race([work, expired]);
    } catch (error) {
      throw fail(error);
    } finally {
      clearTimeout(timer);
    }
    if (first !== 'expired') {
      options.observe?.('write', first ? 'ok' : 'conflict', (performance.now() - started) / 1000);
      return first;
    }
    controller.abort();
    // A withdrawal rejects at once; give it (or an answer arriving just now) one turn of the event loop.
    const late = await Promise.race([
      work.then(
        (swapped) => ({ swapped }),
        (error: unknown) => ({ error }),
      ),
      new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
    ]);
    if (late !== undefined && 'swapped' in late) return late.swapped;
    if (late !== undefined && late.error instanceof WriteWithdrawn) throw fail(new Error(`the store did not answer within ${timeoutMs} ms; the write was withdrawn before it reached the store`, { cause: late.error }));
    throw fail(late?.error ?? new WriteOutcomeUnknown(timeoutMs));
  };

  // Saves re-parsing unchanged bytes, keeps record identity stable for callers, and gives update() the
  // expected bytes of its swap without a read. Never trusted as the truth: a stale entry only makes a
  // swap fail, which reads the store again.
  const known = new Map<string, Known>();
  const remember = (userId: string, entry: Known) => {
    known.delete(userId);
    known.set(userId, entry);
    if (known.size > KNOWN_CACHE_SIZE) known.delete(known.keys().next().value!);
  };

  const readKnown = async (userId: string): Promise<Known> => {
    let raw: string | undefined;
    try {
      raw = await timed('read', () => backend.read(storedKey(userId)));
    } catch (error) {
      known.delete(userId);
      throw new StoreReadError(key(userId), { cause: error });
    }
    const cached = known.get(userId);
    if (cached !== undefined && cached.raw === raw) return cached;
    const record = raw === undefined ? undefined : checkRecord((keyv.deserialize!(raw) as { value?: unknown } | undefined)?.value, userId);
    const entry = { raw, record };
    remember(userId, entry);
    return entry;
  };

  const mutex = createKeyedMutex();
  const update: RatingsStore['update'] = (userId, change) =>
    // The in-process lock only saves futile swaps between this process's own writers; the swap is what
    // keeps other processes' writes.
    mutex.run(userId, async () => {
      // A change that cannot read the member records nothing: the member hears "not saved, try again".
      const reread = () =>
        readKnown(userId).catch((error: unknown) => {
          throw new StoreWriteError(key(userId), { cause: error instanceof StoreReadError ? error.cause : error });
        });
      let current = known.get(userId) ?? (await reread());
      for (let attempt = 1; ; attempt++) {
        const { record, result } = change(current.record);
        const next = record === null ? undefined : serialize(record);
        let swapped: boolean;
        try {
          swapped = await swapInTime({ key: storedKey(userId), expected: current.raw, next });
        } catch (error) {
          // The write may or may not have landed: forget what we knew, the next change reads the store.
          known.delete(userId);
          throw writeError(key(userId), error);
        }
        if (swapped) {
          remember(userId, { raw: next, record: record ?? undefined });
          return result;
        }
        if (attempt >= MAX_ATTEMPTS) throw new StoreWriteError(key(userId), { cause: new Error(`${attempt} concurrent writes in a row`) });
        current = await reread();
      }
    });
  /**
   * A small shared value beside the member records (server lists, the privacy feed, pending /forget-me):
   * read-modify-write by compare-and-swap on the backend's own write path, like member records, so it is
   * safe across processes; on SQLite it never waits on the write connection's lock through a second one.
   */
  const readValue = async (name: string): Promise<{ raw: string | undefined; value: unknown }> => {
    const raw = await timed('read', () => backend.read(keyv._getKeyPrefix(name)));
    return { raw, value: raw === undefined ? undefined : (keyv.deserialize!(raw) as { value?: unknown } | undefined)?.value };
  };
  const updateValue: RatingsStore['updateValue'] = (name, change) =>
    mutex.run(name, async () => {
      const stored = keyv._getKeyPrefix(name);
      for (let attempt = 1; ; attempt++) {
        let current: { raw: string | undefined; value: unknown };
        try {
          current = await readValue(name);
        } catch (error) {
          throw new StoreWriteError(name, { cause: error });
        }
        const { value, result } = change(current.value);
        const next = value === null ? undefined : (keyv.serialize!({ value, expires: undefined }) as string);
        if (next === current.raw) return result;
        let swapped: boolean;
        try {
          swapped = await swapInTime({ key: stored, expected: current.raw, next });
        } catch (error) {
          throw writeError(name, error);
        }
        if (swapped) return result;
        if (attempt >= MAX_ATTEMPTS) throw new StoreWriteError(name, { cause: new Error(`${attempt} concurrent writes in a row`) });
      }
    });
  const values = {
    async readValue(name: string) {
      try {
        return (await readValue(name)).value;
      } catch (error) {
        throw new StoreReadError(name, { cause: error });
      }
    },
    updateValue,
  };

  return {
    description: `${backend.module} (${describeStoreUrl(protocol === 'sqlite:' ? `sqlite://${sqlitePath(url)}` : url)})${backend.shared ? '' : ', one process only'}`,
    shared: backend.shared,
    async get(userId) {
      return (await readKnown(userId)).record;
    },
    async *entries() {
      if (typeof keyv.iterator !== 'function') throw new ConfigError('ANIREC_STORE_URL', `${backend.module} cannot list its records`);
      const prefix = key('');
      for await (const [storedKey, value] of keyv.iterator(undefined) as AsyncGenerator<[string, unknown]>) {
        // The adapter hands back the raw key (namespace included) and the value Keyv stored.
        const bare = storedKey.replace(/^anirec:/, '');
        if (!bare.startsWith(prefix)) continue;
        const id = bare.slice(prefix.length);
        if (isCommunityId(id)) continue;
        const record = checkRecord(value, id);
        if (record !== undefined) yield [id, record];
      }
    },
    guildMembers: (guildId) => readServerList(values, guildId),
    addGuildMember: (guildId, userId) => addToServerList(values, guildId, userId),
    removeGuildMember: (guildId, userId) => removeFromServerList(values, guildId, userId),
    readValue: values.readValue,
    updateValue,
    async set(userId, record) {
      await update(userId, () => ({ record, result: undefined }));
    },
    delete(userId) {
      return update(userId, (current) => ({ record: null, result: current !== undefined }));
    },
    update,
    async close() {
      await backend.close();
    },
  };
}
