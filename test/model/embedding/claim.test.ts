import { describe, expect, it } from 'vitest';
import { CLAIM_SIZE, chooseClaimSize, claimSlices } from '../../../src/model/embedding/claim.js';

describe('claimSlices', () => {
  it('given a cursor at 0, then the slices cover [0, end) once each, in order, and the losses add up', () => {
    const cursor = new Int32Array(new SharedArrayBuffer(4));
    const slices: [number, number][] = [];
    const sse = claimSlices(cursor, 10, 4, (from, to) => { slices.push([from, to]); return to - from; });
    expect(slices).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(sse).toBe(10);
    // The epoch is used up: another thread arriving now gets nothing.
    expect(claimSlices(cursor, 10, 4, () => { throw new Error('no work was left'); })).toBe(0);
  });

  it('given small and large sets, then claims shrink so every thread gets some, and stay within bounds', () => {
    expect(chooseClaimSize(4_000_000, 2)).toBe(CLAIM_SIZE);
    expect(chooseClaimSize(64_000, 2)).toBe(4_000);
    expect(chooseClaimSize(100, 2)).toBe(256);
  });
});
