import { describe, expect, it } from 'vitest';
import { createArena } from '../../../../src/model/embedding/wasm/arena.js';

describe('wasm arena', () => {
  it('given allocations past the initial memory, then it grows and every view stays valid, aligned and apart', () => {
    const arena = createArena(0);
    const before = arena.memory.buffer.byteLength;
    const a = arena.f32(10).fill(1);
    const b = arena.i32(50_000).fill(2); // 200 kB: past the first 64 KiB page
    const c = arena.u32(3).fill(3);
    const empty = arena.f32(0);
    expect(arena.memory.buffer.byteLength).toBeGreaterThan(before);
    for (const view of [a, b, c, empty]) {
      expect(view.byteOffset % 64).toBe(0);
      expect(view.byteOffset).toBeGreaterThan(0);
      expect(view.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    // All views address one memory: a write through it shows in the view.
    new Int32Array(arena.memory.buffer)[b.byteOffset / 4 + 49_999] = 7;
    expect([a[9], b[0], b[49_999], c[2], empty.length]).toEqual([1, 2, 7, 3, 0]);
    // The empty view sits at the next aligned offset after c, which is where the arena stands.
    expect(empty.byteOffset).toBe(Math.ceil((c.byteOffset + c.byteLength) / 64) * 64);
    expect(arena.used).toBe(empty.byteOffset);
  });
});
