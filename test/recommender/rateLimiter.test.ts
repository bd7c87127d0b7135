import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { createRateLimiter } from '../../src/recommender/rateLimiter.js';

describe('createRateLimiter', () => {
  it('given 3 per minute then the 4th call within the minute is refused with the wait until the next token', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 3, now: () => now });
    limiter.take('a');
    limiter.take('a');
    limiter.take('a');
    let caught: unknown;
    try {
      limiter.take('a');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RateLimitedError);
    expect((caught as RateLimitedError).retryAfterMs).toBe(20_000);
    expect(describeError(caught)).toBe('Easy there! Try again in 20 s.');
  });

  it('given one member is limited then another member is not', () => {
    const limiter = createRateLimiter({ perMinute: 1, now: () => 0 });
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    expect(() => limiter.take('b')).not.toThrow();
  });

  it('given time passes then tokens refill at perMinute per 60 s, never above the capacity', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 2, now: () => now });
    limiter.take('a');
    limiter.take('a');
    now = 29_999;
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    now = 30_000;
    expect(() => limiter.take('a')).not.toThrow();
    now = 10 * 60_000;
    limiter.take('a');
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
  });
});
