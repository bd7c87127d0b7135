import { describe, expect, it } from 'vitest';
import { buildGenreMasks, countBits, genreJaccard } from '../../../src/model/composite/genreMask.js';

describe('genre bitmasks', () => {
  it('given words then countBits counts their set bits, the sign bit included', () => {
    expect([0, 1, 0b1011, 0x80000001, 0xffffffff, 0x7fffffff].map(countBits)).toEqual([0, 1, 3, 2, 32, 31]);
  });

  it('given genres past 32 and repeated ones then masks span two words and counts are distinct genres', () => {
    const m = buildGenreMasks([Uint16Array.of(1, 2, 40), Uint16Array.of(2, 40, 41, 41), Uint16Array.of(), Uint16Array.of(31, 32)], 4);
    expect(m.words).toBe(2);
    expect(Array.from(m.counts)).toEqual([3, 3, 0, 2]);
    expect(Array.from(m.masks.subarray(0, 2))).toEqual([0b110, 1 << 8]);
    expect(Array.from(m.masks.subarray(6, 8))).toEqual([2 ** 31, 1]);
  });

  it('given pairs then Jaccard is shared over all genres, 0 when either has none or they share nothing', () => {
    const m = buildGenreMasks([Uint16Array.of(1, 2, 40), Uint16Array.of(2, 40, 41), Uint16Array.of(), Uint16Array.of(7), Uint16Array.of(1, 2, 40)], 5);
    expect(genreJaccard(m, 0, 1)).toBe(2 / 4);
    expect(genreJaccard(m, 1, 0)).toBe(2 / 4);
    expect(genreJaccard(m, 0, 4)).toBe(1);
    expect(genreJaccard(m, 0, 2)).toBe(0);
    expect(genreJaccard(m, 2, 0)).toBe(0);
    expect(genreJaccard(m, 0, 3)).toBe(0);
  });

  it('given only the first n anime asked for then later ones are not read', () => {
    const m = buildGenreMasks([Uint16Array.of(3), Uint16Array.of(200)], 1);
    expect(m.words).toBe(1);
    expect(m.masks.length).toBe(1);
  });
});
