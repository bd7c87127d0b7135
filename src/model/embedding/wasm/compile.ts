/**
 * Assembles the kernel's WebAssembly text (kernelWat.ts) with wabt, once per process: the compiled
 * module is then posted to the Hogwild workers, which only instantiate it. No binary is committed.
 */
import { getWasmApi, type WasmModule } from './runtime.js';
import { KERNEL_WAT } from './kernelWat.js';

let compiled: Promise<WasmModule> | undefined;

export function compileKernelModule(): Promise<WasmModule> {
  compiled ??= (async () => {
    const wabt = await (await import('wabt')).default();
    const parsed = wabt.parseWat('kernel.wat', KERNEL_WAT, { simd: true, threads: true, sat_float_to_int: true });
    try {
      // V8 validates the binary (wabt's validate() ignores the features given to parseWat).
      return new (getWasmApi().Module)(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}
