/**
 * An arena over one shared WebAssembly.Memory: every table the wasm kernel touches is a typed-array
 * view into it, so the rest of the trainer keeps using typed arrays while the kernel addresses them by
 * byte offset, and every worker's instance updates the same memory (Hogwild). Bump allocation only:
 * the arena lives for one training run and is dropped whole.
 */
import type { Allocator } from '../params.js';
import { getWasmApi, MAX_PAGES, PAGE_BYTES, type WasmMemory } from './runtime.js';

/** Views start on cache-line boundaries: a 32-float row then spans exactly two lines (and f32x4 loads are aligned). */
const ALIGN = 64;

export interface Arena extends Allocator {
  readonly memory: WasmMemory;
  /** Bytes handed out so far. */
  readonly used: number;
}

export function createArena(expectedBytes = 0): Arena {
  const initial = Math.min(MAX_PAGES, Math.max(1, Math.ceil((expectedBytes + ALIGN) / PAGE_BYTES)));
  // A shared memory reserves its maximum up front (it can never move): room to double, not 4 GiB.
  const maximum = Math.min(MAX_PAGES, 2 * initial + 16);
  const memory = new (getWasmApi().Memory)({ initial, maximum, shared: true });
  // Address 0 stays unused, so a table at offset 0 can only be a bug.
  let used = ALIGN;
  const reserve = (bytes: number): number => {
    const at = Math.ceil(used / ALIGN) * ALIGN;
    const end = at + bytes;
    const have = memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > maximum) throw new RangeError(`the wasm kernel's tables need ${end} bytes, over the ${maximum * PAGE_BYTES} its memory was sized for`);
      memory.grow(pages);
    }
    used = end;
    return at;
  };
  return {
    memory,
    get used() { return used; },
    // reserve() first: it may grow the memory, and only the buffer read after that covers the view.
    f32: (length) => { const at = reserve(length * 4); return new Float32Array(memory.buffer, at, length); },
    i32: (length) => { const at = reserve(length * 4); return new Int32Array(memory.buffer, at, length); },
    u32: (length) => { const at = reserve(length * 4); return new Uint32Array(memory.buffer, at, length); },
  };
}
