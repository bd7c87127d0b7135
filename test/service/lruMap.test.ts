import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/service/lruMap.js';

describe('LruMap', () => {
  it('given more entries than its capacity then the least recently used goes first; a read counts as a use', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
    map.set('a', 4);
    map.set('d', 5);
    expect([map.get('a'), map.has('c'), map.size]).toEqual([4, false, 2]);
  });
});
