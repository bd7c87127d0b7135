/**
 * Which members used the bot in a server: an index beside the member records (each record also lists its
 * servers), so /twins reads a few keys instead of scanning the store.
 *
 * A server's list is kept in chunks of at most CHUNK_SIZE ids (`guild:<id>#<n>`) under a head
 * (`guild:<id>`) that counts them, so adding a member rewrites one chunk whatever the server's size: a
 * 10,000-member server no longer rewrites a 10,000-id array per newcomer. Every write is a compare-and-swap
 * (updateValue), safe across processes. Stores written before chunks hold the whole list in the head's
 * `members`: it is still read, and only shrinks (a /forget-me), never grows.
 */
import { StoreReadError } from '../errors.js';
import type { RatingsStore } from './records.js';

export const CHUNK_SIZE = 256;

const headKey = (guildId: string) => `guild:${guildId}`;
const chunkKey = (guildId: string, n: number) => `guild:${guildId}#${n}`;

interface Head {
  /** Ids listed before chunks existed. */
  members: string[];
  /** Chunks in use: 0..chunks-1 (chunk 0 is implied). */
  chunks: number;
}

const idsOf = (value: unknown): string[] => {
  const members = (value as { members?: unknown } | undefined)?.members;
  return Array.isArray(members) ? members.filter((m): m is string => typeof m === 'string') : [];
};

const headOf = (value: unknown): Head => {
  const chunks = (value as { chunks?: unknown } | undefined)?.chunks;
  return { members: idsOf(value), chunks: typeof chunks === 'number' && Number.isInteger(chunks) && chunks > 0 ? chunks : 1 };
};

type Values = Pick<RatingsStore, 'readValue' | 'updateValue'>;

/** Ids of the members who used the bot in a server (empty for a server never seen), each once. */
export async function readServerList(store: Values, guildId: string): Promise<string[]> {
  try {
    const head = headOf(await store.readValue(headKey(guildId)));
    const chunks = await Promise.all(Array.from({ length: head.chunks }, (_, n) => store.readValue(chunkKey(guildId, n))));
    return [...new Set([...head.members, ...chunks.flatMap(idsOf)])];
  } catch (error) {
    throw error instanceof StoreReadError ? error : new StoreReadError(headKey(guildId), { cause: error });
  }
}

/** Adds a member to the server's last chunk (opening the next one when it is full). */
export async function addToServerList(store: Values, guildId: string, userId: string): Promise<void> {
  for (;;) {
    const head = headOf(await store.readValue(headKey(guildId)));
    if (head.members.includes(userId)) return;
    const last = head.chunks - 1;
    const outcome = await store.updateValue(chunkKey(guildId, last), (value) => {
      const ids = idsOf(value);
      if (ids.includes(userId)) return { value, result: 'listed' as const };
      if (ids.length >= CHUNK_SIZE) return { value, result: 'full' as const };
      return { value: { members: [...ids, userId] }, result: 'listed' as const };
    });
    if (outcome === 'listed') return;
    // Full: the next chunk, unless another process opened it first (then this one appends there).
    await store.updateValue(headKey(guildId), (value) => {
      const now = headOf(value);
      return { value: now.chunks === head.chunks ? { ...(value as object | undefined), chunks: head.chunks + 1 } : value, result: undefined };
    });
  }
}

/** Removes a member from every chunk of the server's list (and from the list kept before chunks). */
export async function removeFromServerList(store: Values, guildId: string, userId: string): Promise<void> {
  const head = headOf(await store.readValue(headKey(guildId)));
  for (let n = 0; n < head.chunks; n++) {
    await store.updateValue(chunkKey(guildId, n), (value) => {
      const ids = idsOf(value);
      if (!ids.includes(userId)) return { value: value ?? null, result: undefined };
      return { value: ids.length === 1 ? null : { members: ids.filter((id) => id !== userId) }, result: undefined };
    });
  }
  if (head.members.includes(userId)) {
    await store.updateValue(headKey(guildId), (value) => ({ value: { ...(value as object), members: idsOf(value).filter((id) => id !== userId) }, result: undefined }));
  }
}
