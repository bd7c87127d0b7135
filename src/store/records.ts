/** What the ratings store keeps (a record per member) and what it offers, whichever backend holds it. */
import type { ListSourceName } from '../errors.js';

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
  /**
   * Anime ids each list import set, by source (the XML export counts as 'mal'): a re-import of the same
   * source removes what it set before and the list no longer has. A rating made by hand leaves these lists,
   * so no import ever removes it. Absent in stores older than list imports.
   */
  imports?: Partial<Record<ListSourceName, number[]>>;
}

export type StoreOperation = 'read' | 'write';
export type StoreOutcome = 'ok' | 'conflict' | 'error';

export interface RatingsStore {
  /** Adapter and location, password removed (for logs). */
  readonly description: string;
  /** true when several processes may share the store (its backend swaps atomically). */
  readonly shared: boolean;
  /**
   * The member as stored now (always read from the backend). While the stored bytes are unchanged it
   * returns the very same object, so callers may key what they derive from a record on its identity.
   */
  get(userId: string): Promise<MemberRecord | undefined>;
  /** Resolves once the store confirmed the write; StoreWriteError otherwise. */
  set(userId: string, record: MemberRecord): Promise<void>;
  /** Removes the member; resolves true when there was something to remove. */
  delete(userId: string): Promise<boolean>;
  /**
   * Read-modify-write of one member that loses no concurrent change, in this process or another:
   * `change` returns the new record (or null to delete it) and may run more than once, on the newest
   * stored record each time, so it must be a pure function of `current`.
   */
  update<T>(userId: string, change: (current: MemberRecord | undefined) => { record: MemberRecord | null; result: T }): Promise<T>;
  /** Every member's record as [id, record] (for `anirec train` and `anirec data`); adapters without iteration throw. */
  entries(): AsyncIterable<[string, MemberRecord]>;
  /** Ids of the members who used the bot in a server (empty for a server never seen), each once. */
  guildMembers(guildId: string): Promise<string[]>;
  /** Lists a member in a server: one chunk rewritten, whatever the server's size (serverLists.ts). */
  addGuildMember(guildId: string, userId: string): Promise<void>;
  /** Removes a member from a server's list. */
  removeGuildMember(guildId: string, userId: string): Promise<void>;
  /** A shared value stored under `name` (not a member record: `member:` names are the members'), or undefined. */
  readValue(name: string): Promise<unknown>;
  /**
   * Read-modify-write of a shared value, by compare-and-swap like member records: `change` returns the new
   * value (null removes it) and may run again on a newer value, so it must be a pure function of `current`.
   */
  updateValue<T>(name: string, change: (current: unknown) => { value: unknown; result: T }): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  onError?: (error: unknown) => void;
  /** Told about every backend operation (metrics). */
  observe?: (operation: StoreOperation, outcome: StoreOutcome, seconds: number) => void;
  /** A backend operation not answered within this fails (default 2500 ms, inside Discord's 3 s). */
  timeoutMs?: number;
}
