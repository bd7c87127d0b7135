import { describe, expect, it } from 'vitest';
import { RequestPacer } from '../../../src/data/http/pacer.js';

describe('RequestPacer', () => {
  it('given 3 a minute then the first three go at once and the fourth waits for the first to leave the window', () => {
    const pacer = new RequestPacer(3, 60_000);
    expect([0, 0, 0, 0].map(() => pacer.reserve(1000))).toEqual([0, 0, 0, 60_000]);
    // A fifth, asked 30 s later, waits for the second slot's window to pass (and goes after the fourth).
    expect(pacer.reserve(31_000)).toBe(30_000);
  });

  it('given concurrent callers then no two get the same slot beyond the limit', () => {
    const pacer = new RequestPacer(90, 60_000);
    const waits = Array.from({ length: 200 }, () => pacer.reserve(0));
    expect(waits.filter((w) => w === 0)).toHaveLength(90);
    expect(waits.filter((w) => w === 60_000)).toHaveLength(90);
    expect(waits.filter((w) => w === 120_000)).toHaveLength(20);
  });

  it('given a lower X-RateLimit-Limit then it paces to that, and never raises itself', () => {
    const pacer = new RequestPacer(90, 60_000);
    pacer.lowerLimit(2);
    pacer.lowerLimit(500);
    expect(pacer.perWindow).toBe(2);
    expect([0, 0, 0].map(() => pacer.reserve(0))).toEqual([0, 0, 60_000]);
  });
});
