/**
 * EASE's m x m inverse (Gauss-Jordan, as invertSpdInPlace in ease.ts) in WebAssembly with 128-bit SIMD:
 * the inner row update a_i -= f a_k runs two doubles a lane without bounds checks. Same arithmetic as
 * the JS loop but in a different order of nothing (each element sees the same operations), so the results
 * match it to the last bit or within rounding (tested). Assembled from text by wabt once per process, like
 * the embedding kernel (../embedding/wasm/compile.ts); falls back to the JS loop where SIMD is missing.
 */
import { getWasmApi, isWasmSimdAvailable, PAGE_BYTES, type WasmModule } from '../embedding/wasm/runtime.js';

const INVERT_WAT = String.raw`
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; Pivot steps k0 .. k1-1 of the in-place Gauss-Jordan inverse of the m x m f64 matrix at byte address $a;
  ;; 0 when a pivot is not > 0.
  (func (export "pivots") (param $a i32) (param $m i32) (param $k0 i32) (param $k1 i32) (result i32)
    (local $k i32) (local $i i32) (local $j i32) (local $row i32) (local $rk i32) (local $ri i32)
    (local $pivot f64) (local $inv f64) (local $f f64) (local $fv v128) (local $p i32) (local $q i32) (local $end i32)
    (local.set $row (i32.shl (local.get $m) (i32.const 3)))
    (local.set $k (local.get $k0))
    (block $done
      (loop $pivots
        (br_if $done (i32.ge_u (local.get $k) (local.get $k1)))
        (local.set $rk (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $row))))
        (local.set $pivot (f64.load (i32.add (local.get $rk) (i32.shl (local.get $k) (i32.const 3)))))
        (if (i32.eqz (f64.gt (local.get $pivot) (f64.const 0))) (then (return (i32.const 0))))
        (local.set $inv (f64.div (f64.const 1) (local.get $pivot)))
        (f64.store (i32.add (local.get $rk) (i32.shl (local.get $k) (i32.const 3))) (f64.const 1))
        ;; row k *= 1 / pivot
        (local.set $j (i32.const 0))
        (block $scaled
          (loop $scale
            (br_if $scaled (i32.ge_u (local.get $j) (local.get $m)))
            (local.set $p (i32.add (local.get $rk) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $inv)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $scale)))
        ;; every other row i: a_i -= a_ik * a_k, with a_ik set to 0 first
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
            (if (i32.ne (local.get $i) (local.get $k))
              (then
                (local.set $ri (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
                (local.set $p (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3))))
                (local.set $f (f64.load (local.get $p)))
                (if (f64.ne (local.get $f) (f64.const 0))
                  (then
                    (f64.store (local.get $p) (f64.const 0))
                    (local.set $fv (f64x2.splat (local.get $f)))
                    (local.set $p (local.get $ri))
                    (local.set $q (local.get $rk))
                    (local.set $end (i32.add (local.get $ri) (i32.shl (i32.and (local.get $m) (i32.const -2)) (i32.const 3))))
                    (block $pairsDone
                      (loop $pairs
                        (br_if $pairsDone (i32.ge_u (local.get $p) (local.get $end)))
                        (v128.store (local.get $p)
                          (f64x2.sub (v128.load (local.get $p)) (f64x2.mul (local.get $fv) (v128.load (local.get $q)))))
                        (local.set $p (i32.add (local.get $p) (i32.const 16)))
                        (local.set $q (i32.add (local.get $q) (i32.const 16)))
                        (br $pairs)))
                    (if (i32.and (local.get $m) (i32.const 1))
                      (then
                        (f64.store (local.get $p)
                          (f64.sub (f64.load (local.get $p)) (f64.mul (local.get $f) (f64.load (local.get $q)))))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pivots)))
    (i32.const 1))
)`;

let compiled: Promise<WasmModule> | undefined;

function compileInvert(): Promise<WasmModule> {
  compiled ??= (async () => {
    const wabt = await (await import('wabt')).default();
    const parsed = wabt.parseWat('invert.wat', INVERT_WAT, { simd: true, threads: true });
    try {
      return new (getWasmApi().Module)(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}

/**
 * Inverts the SPD matrix a (m x m, row-major) in place with the SIMD kernel; undefined when this runtime
 * has no wasm SIMD (the caller then runs the JS loop). Returns false when a pivot is not positive.
 */
export async function invertSpdWasm(a: Float64Array, m: number): Promise<boolean | undefined> {
  if (!isWasmSimdAvailable()) return undefined;
  const api = getWasmApi();
  const bytes = m * m * 8 + 16;
  const pages = Math.ceil(bytes / PAGE_BYTES);
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new api.Instance(await compileInvert(), { env: { memory } });
  const view = new Float64Array(memory.buffer, 16, m * m);
  view.set(a.subarray(0, m * m));
  // A few pivots a call: V8 runs a wasm function's first calls in its baseline tier and swaps in the
  // optimised code between calls (a single long call would stay 4x slower to the end).
  const pivots = instance.exports.pivots as (at: number, size: number, k0: number, k1: number) => number;
  const step = Math.max(1, Math.ceil(1e6 / Math.max(1, m * m)));
  let ok = true;
  for (let k = 0; k < m && ok; k += step) ok = pivots(16, m, k, Math.min(m, k + step)) === 1;
  a.set(view);
  return ok;
}
