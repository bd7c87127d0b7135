import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { createImportLimiter, createRateLimiter } from '../../src/service/rateLimiter.js';

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

describe('createRateLimiter with a capacity per window', () => {
  it('given 3 per 10 minutes then the 4th waits 200 s, and waitFor says so without spending', () => {
    let now = 0;
    const limiter = createRateLimiter({ capacity: 3, windowMs: 600_000, now: () => now });
    expect(limiter.waitFor('a')).toBe(0);
    for (let k = 0; k < 3; k++) limiter.take('a');
    expect(limiter.waitFor('a')).toBe(200_000);
    expect(limiter.waitFor('a')).toBe(200_000);
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    now = 200_000;
    expect(limiter.waitFor('a')).toBe(0);
    limiter.take('a');
  });
});

describe('createImportLimiter', () => {
  it('given a member over their limit then they are refused without spending the server\'s bucket', () => {
    let now = 0;
    const limiter = createImportLimiter({ perMember: 1, perServer: 2, windowMs: 60_000, now: () => now });
    limiter.take('a', 'g');
    for (let k = 0; k < 5; k++) expect(() => limiter.take('a', 'g')).toThrow(RateLimitedError);
    limiter.take('b', 'g'); // the server still had its second token
    const refused = (() => {
      try {
        limiter.take('c', 'g');
      } catch (error) {
        return error as RateLimitedError;
      }
      return undefined;
    })();
    expect(refused?.retryAfterMs).toBe(30_000);
    limiter.take('c', null); // a DM counts only against the member
    now = 60_000;
    limiter.take('a', 'g');
  });
});
