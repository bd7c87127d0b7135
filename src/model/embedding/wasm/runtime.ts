/**
 * The slice of the WebAssembly JS API the trainer uses, typed here because the project's lib (ES2023 +
 * Node types) has no WebAssembly declarations, and probed once: SIMD and shared memory must both work.
 */

/** A compiled module: plain data, postable to a worker. */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

/** A shared WebAssembly.Memory: its buffer is a SharedArrayBuffer, postable to a worker. */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

export const PAGE_BYTES = 65_536;
/** The most a 32-bit memory can address: 4 GiB. */
export const MAX_PAGES = 65_536;

export function getWasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('WebAssembly is not available in this runtime');
  return api;
}

// The smallest module that uses a v128 (i32x4.splat, i8x16.popcnt), as wasm-feature-detect tests SIMD.
const SIMD_PROBE = Uint8Array.of(
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
);

let available: boolean | undefined;

/** Whether this runtime runs WebAssembly with 128-bit SIMD over shared memory (Node 20 does). */
export function isWasmSimdAvailable(): boolean {
  if (available === undefined) {
    try {
      const api = getWasmApi();
      available = typeof SharedArrayBuffer === 'function' && api.validate(SIMD_PROBE)
        && new api.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      available = false;
    }
  }
  return available;
}
