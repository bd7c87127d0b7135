/**
 * Per-member token buckets for the expensive commands: each member holds up to `perMinute` tokens,
 * refilled continuously at perMinute per 60 s (or `capacity` per `windowMs`). The clock is injected so
 * tests never wait.
 */
import { RateLimitedError } from '../errors.js';

export interface RateLimiter {
  /** Spends one token of `key`, or throws RateLimitedError saying when the next one is due. */
  take(key: string): void;
  /** Milliseconds until `key` has a token (0: now), spending nothing. */
  waitFor(key: string): number;
}

export interface RateLimiterOptions {
  /** Tokens per minute (the bucket holds as many); or give `capacity` and `windowMs`. */
  perMinute?: number;
  /** Tokens the bucket holds, refilled over `windowMs` (e.g. 3 imports per 10 minutes). */
  capacity?: number;
  windowMs?: number;
  /** Milliseconds clock; Date.now by default. */
  now?: () => number;
  /** Buckets kept before idle ones are dropped (a full bucket carries no information). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const capacity = options.capacity ?? options.perMinute;
  const windowMs = options.capacity !== undefined ? options.windowMs ?? 60_000 : 60_000;
  if (capacity === undefined || !(capacity > 0) || !(windowMs > 0)) throw new Error('createRateLimiter needs perMinute, or capacity and windowMs, above 0');
  const perMs = capacity / windowMs;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();

  const dropFullBuckets = (t: number) => {
    for (const [key, b] of buckets) {
      if (b.tokens + (t - b.at) * perMs >= capacity) buckets.delete(key);
    }
  };

  const tokensOf = (key: string, t: number) => {
    const bucket = buckets.get(key);
    return bucket === undefined ? capacity : Math.min(capacity, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
  };

  return {
    waitFor(key) {
      const tokens = tokensOf(key, now());
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
    },
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) dropFullBuckets(t);
        bucket = { tokens: capacity, at: t };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
      bucket.at = t;
      if (bucket.tokens < 1) throw new RateLimitedError(Math.ceil((1 - bucket.tokens) / perMs));
      bucket.tokens -= 1;
    },
  };
}

/** Tokens a member may spend, and all of a server's members together, per window. */
export interface MemberServerLimitOptions {
  perMember: number;
  perServer: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Two buckets a request must both pass: the member's and their server's. Checked before either is spent,
 * so a member turned away by their own limit does not use up the server's.
 */
export interface MemberServerLimiter {
  /** Spends one token of the member and one of the server (none in a DM), or throws RateLimitedError. */
  take(memberKey: string, serverKey: string | null): void;
}

export function createMemberServerLimiter(options: MemberServerLimitOptions): MemberServerLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const clock = options.now ? { now: options.now } : {};
  const members = createRateLimiter({ capacity: options.perMember, windowMs, ...clock });
  const servers = createRateLimiter({ capacity: options.perServer, windowMs, ...clock });
  return {
    take(memberKey, serverKey) {
      const wait = Math.max(members.waitFor(memberKey), serverKey === null ? 0 : servers.waitFor(serverKey));
      if (wait > 0) throw new RateLimitedError(wait);
      members.take(memberKey);
      if (serverKey !== null) servers.take(serverKey);
    },
  };
}

/** Imports a member may start, and all of a server's members together (defaults: 3 and 30 per 10 minutes). */
export type ImportLimitOptions = Partial<MemberServerLimitOptions>;
export type ImportLimiter = MemberServerLimiter;

export function createImportLimiter(options: ImportLimitOptions = {}): ImportLimiter {
  return createMemberServerLimiter({
    perMember: options.perMember ?? 3,
    perServer: options.perServer ?? 30,
    windowMs: options.windowMs ?? 10 * 60_000,
    ...(options.now ? { now: options.now } : {}),
  });
}

/** Commands a server's members may run together per minute, unless ANIREC_SERVER_RATE_LIMIT says otherwise. */
export const DEFAULT_SERVER_RATE_LIMIT = 600;
