/** What each backend of the ratings store offers: one read and one compare-and-swap of a stored string. */
import type Keyv from 'keyv';

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

/** Thrown when the store refused a swap because it arrived after its deadline (the caller had given up on it). */
export class SwapTooLate extends Error {
  constructor() {
    super('the write reached the store after its deadline and was not applied');
    this.name = 'SwapTooLate';
  }
}
