/**
 * Per-member token buckets for the expensive commands: each member holds up to `perMinute` tokens,
 * refilled continuously at perMinute per 60 s. The clock is injected so tests never wait.
 */
import { RateLimitedError } from '../errors.js';

export interface RateLimiter {
  /** Spends one token of `key`, or throws RateLimitedError saying when the next one is due. */
  take(key: string): void;
}

export interface RateLimiterOptions {
  perMinute: number;
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
  const capacity = options.perMinute;
  const perMs = options.perMinute / 60_000;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();

  const dropFullBuckets = (t: number) => {
    for (const [key, b] of buckets) {
      if (b.tokens + (t - b.at) * perMs >= capacity) buckets.delete(key);
    }
  };

  return {
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
