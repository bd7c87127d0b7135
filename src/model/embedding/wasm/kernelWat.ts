/**
 * The plain (non-hybrid) model's two inner loops as hand-written WebAssembly text with 128-bit SIMD:
 * the same updates, in the same order, as runRowAdagradSlice and runAdamSlice in ../kernel.ts; plus the
 * two serial steps between epochs that would otherwise idle the other threads longest (the validation
 * pass and the epoch order's shuffle). Kept as a string here (not a .wat file) so it reaches dist/ with
 * the build and runs from src/ under tsx alike; it is assembled at run time by wabt (see compile.ts).
 *
 * Conventions: every table lives in the one imported shared memory, passed as byte addresses; per-row
 * vectors are `rowBytes` = dim * 4 bytes, dim a multiple of 4, so a row is dim / 4 f32x4 lanes.
 * Per-rating scalars (logit, sigmoid, error, bias steps) are f64 like the JS loops; the factor lanes
 * are f32 (the JS computes them in f64 and rounds on store: results differ in the last bits only).
 */
export const KERNEL_WAT = String.raw`
(module
  ;; Shared so every Hogwild worker's instance updates the same tables in place.
  (import "env" "memory" (memory 1 65536 shared))

  ;; exp(x) in f64: x = k ln2 + r, |r| <= ln2 / 2, exp(r) by its degree-10 Taylor polynomial (relative
  ;; error ~2e-13), 2^k by building the exponent bits: 5-8% faster overall than importing Math.exp. The
  ;; polynomial is evaluated by Estrin's scheme, not Horner's: the trainer is bound by the latency of
  ;; each rating's chain (dot -> sigmoid -> gradient -> the user row the next rating reads), and Estrin
  ;; halves the polynomial's share of it.
  (func $exp (param $x f64) (result f64)
    (local $k f64) (local $r f64) (local $r2 f64) (local $r4 f64)
    ;; Beyond +-700 the sigmoid is 0 or 1 to f64 precision; the clamp keeps 2^k a normal number.
    (local.set $x (f64.min (f64.max (local.get $x) (f64.const -700)) (f64.const 700)))
    (local.set $k (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    ;; ln2 split in two (Cody-Waite) so k * ln2_hi is exact.
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 6.93147180369123816490e-01)))
        (f64.mul (local.get $k) (f64.const 1.90821492927058770002e-10))))
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
    (f64.mul
      ;; (c0 + c1 r + r2 (c2 + c3 r)) + r4 ((c4 + c5 r + r2 (c6 + c7 r)) + r4 (c8 + c9 r + r2 c10))
      (f64.add
        (f64.add
          (f64.add (f64.const 1) (local.get $r))
          (f64.mul (local.get $r2) (f64.add (f64.const 0.5) (f64.mul (local.get $r) (f64.const 0.16666666666666666)))))
        (f64.mul (local.get $r4)
          (f64.add
            (f64.add
              (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $r) (f64.const 0.008333333333333333)))
              (f64.mul (local.get $r2) (f64.add (f64.const 0.001388888888888889) (f64.mul (local.get $r) (f64.const 1.984126984126984e-4)))))
            (f64.mul (local.get $r4)
              (f64.add
                (f64.add (f64.const 2.48015873015873e-5) (f64.mul (local.get $r) (f64.const 2.755731922398589e-6)))
                (f64.mul (local.get $r2) (f64.const 2.755731922398589e-7)))))))
      ;; Saturating truncation: a NaN logit (diverged training) gives NaN, not a trap, so the
      ;; trainer reports the divergence as the JS loop does.
      (f64.reinterpret_i64
        (i64.shl (i64.add (i64.trunc_sat_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))

  ;; Exported for the tests, which hold it to Math.exp's sigmoid.
  (func $sigmoid (export "sigmoid") (param $z f64) (result f64)
    (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $z))))))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; p_u . q_i over rowBytes bytes, two accumulators (even and odd lanes) to shorten the add chain.
  (func $dot (param $pu i32) (param $qi i32) (param $rowBytes i32) (result f32)
    (local $off i32) (local $acc0 v128) (local $acc1 v128)
    (if (i32.ge_u (local.get $rowBytes) (i32.const 32))
      (then
        (loop $pairs
          (local.set $acc0
            (f32x4.add (local.get $acc0)
              (f32x4.mul
                (v128.load (i32.add (local.get $pu) (local.get $off)))
                (v128.load (i32.add (local.get $qi) (local.get $off))))))
          (local.set $acc1
            (f32x4.add (local.get $acc1)
              (f32x4.mul
                (v128.load offset=16 (i32.add (local.get $pu) (local.get $off)))
                (v128.load offset=16 (i32.add (local.get $qi) (local.get $off))))))
          (local.set $off (i32.add (local.get $off) (i32.const 32)))
          (br_if $pairs (i32.le_u (i32.add (local.get $off) (i32.const 32)) (local.get $rowBytes))))))
    ;; An odd lane left over (dim % 8 == 4).
    (if (i32.lt_u (local.get $off) (local.get $rowBytes))
      (then
        (local.set $acc0
          (f32x4.add (local.get $acc0)
            (f32x4.mul
              (v128.load (i32.add (local.get $pu) (local.get $off)))
              (v128.load (i32.add (local.get $qi) (local.get $off))))))))
    (call $hsum (f32x4.add (local.get $acc0) (local.get $acc1))))

  ;; Sum of squared errors of the model's predictions, clipped at $top, on rows [start..end) (the
  ;; epoch's validation pass, computeRmse in ../scoring.ts for the plain model), no updates.
  (func (export "sse")
    (param $users i32) (param $items i32) (param $scores i32)
    (param $P i32) (param $Q i32) (param $ub i32) (param $ib i32)
    (param $start i32) (param $end i32) (param $dim i32)
    (param $lo f64) (param $span f64) (param $top f64) (param $mu f64)
    (result f64)
    (local $r i32) (local $stop i32) (local $u4 i32) (local $i4 i32) (local $rowBytes i32) (local $e f64) (local $sse f64)
    (if (i32.ge_u (local.get $start) (local.get $end)) (then (return (f64.const 0))))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $r (i32.shl (local.get $start) (i32.const 2)))
    (local.set $stop (i32.shl (local.get $end) (i32.const 2)))
    (loop $rating
      (local.set $u4 (i32.shl (i32.load (i32.add (local.get $users) (local.get $r))) (i32.const 2)))
      (local.set $i4 (i32.shl (i32.load (i32.add (local.get $items) (local.get $r))) (i32.const 2)))
      (local.set $e
        (f64.sub
          (f64.min (local.get $top) (f64.add (local.get $lo) (f64.mul (local.get $span) (call $sigmoid
            (f64.add
              (f64.add (f64.add (local.get $mu) (f64.promote_f32 (f32.load (i32.add (local.get $ub) (local.get $u4)))))
                (f64.promote_f32 (f32.load (i32.add (local.get $ib) (local.get $i4)))))
              (f64.promote_f32 (call $dot
                (i32.add (local.get $P) (i32.mul (local.get $u4) (local.get $dim)))
                (i32.add (local.get $Q) (i32.mul (local.get $i4) (local.get $dim)))
                (local.get $rowBytes))))))))
          (f64.promote_f32 (f32.load (i32.add (local.get $scores) (local.get $r))))))
      (local.set $sse (f64.add (local.get $sse) (f64.mul (local.get $e) (local.get $e))))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br_if $rating (i32.lt_u (local.get $r) (local.get $stop))))
    (local.get $sse))

  ;; LIBMF's row-wise AdaGrad over perm[start..end) (runRowAdagradSlice, plain branch). Returns the
  ;; sum of squared errors before each update.
  (func (export "rowAdagrad")
    (param $perm i32) (param $users i32) (param $items i32) (param $scores i32)
    (param $P i32) (param $Q i32) (param $ub i32) (param $ib i32)
    (param $gP i32) (param $gQ i32) (param $gUB i32) (param $gIB i32)
    (param $regUser i32) (param $regItem i32)
    (param $start i32) (param $end i32) (param $dim i32)
    (param $lo f64) (param $span f64) (param $mu f64) (param $lr f64) (param $reg f64) (param $regBias f64)
    (result f64)
    (local $at i32) (local $stop i32) (local $r i32) (local $u4 i32) (local $i4 i32)
    (local $rowBytes i32) (local $pu i32) (local $qi i32) (local $off i32) (local $ap i32) (local $aq i32) (local $a i32)
    (local $bu f64) (local $bi f64) (local $s f64) (local $e f64) (local $gz f64) (local $grad f64) (local $g f64)
    (local $invDim f64) (local $sse f64)
    (local $p v128) (local $q v128) (local $gp v128) (local $gq v128) (local $sumU v128) (local $sumI v128)
    (local $vgz v128) (local $vregU v128) (local $vregI v128) (local $vstepU v128) (local $vstepI v128)
    (if (i32.ge_u (local.get $start) (local.get $end)) (then (return (f64.const 0))))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $invDim (f64.div (f64.const 1) (f64.convert_i32_u (local.get $dim))))
    (local.set $at (i32.add (local.get $perm) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $stop (i32.add (local.get $perm) (i32.shl (local.get $end) (i32.const 2))))
    (loop $rating
      (local.set $r (i32.shl (i32.load (local.get $at)) (i32.const 2)))
      (local.set $u4 (i32.shl (i32.load (i32.add (local.get $users) (local.get $r))) (i32.const 2)))
      (local.set $i4 (i32.shl (i32.load (i32.add (local.get $items) (local.get $r))) (i32.const 2)))
      (local.set $pu (i32.add (local.get $P) (i32.mul (local.get $u4) (local.get $dim))))
      (local.set $qi (i32.add (local.get $Q) (i32.mul (local.get $i4) (local.get $dim))))
      (local.set $bu (f64.promote_f32 (f32.load (i32.add (local.get $ub) (local.get $u4)))))
      (local.set $bi (f64.promote_f32 (f32.load (i32.add (local.get $ib) (local.get $i4)))))
      (local.set $s (call $sigmoid
        (f64.add (f64.add (f64.add (local.get $mu) (local.get $bu)) (local.get $bi))
          (f64.promote_f32 (call $dot (local.get $pu) (local.get $qi) (local.get $rowBytes))))))
      (local.set $e
        (f64.sub (f64.add (local.get $lo) (f64.mul (local.get $span) (local.get $s)))
          (f64.promote_f32 (f32.load (i32.add (local.get $scores) (local.get $r))))))
      (local.set $sse (f64.add (local.get $sse) (f64.mul (local.get $e) (local.get $e))))
      ;; e * (span s (1 - s)): the slope beside the error rather than after it (shorter chain).
      (local.set $gz (f64.mul (local.get $e)
        (f64.mul (f64.mul (local.get $span) (local.get $s)) (f64.sub (f64.const 1) (local.get $s)))))

      ;; Biases: step with G before this update, then accumulate.
      (local.set $grad (f64.add (local.get $gz) (f64.mul (local.get $regBias) (local.get $bu))))
      (local.set $a (i32.add (local.get $gUB) (local.get $u4)))
      (local.set $g (f64.promote_f32 (f32.load (local.get $a))))
      (f32.store (i32.add (local.get $ub) (local.get $u4)) (f32.demote_f64
        (f64.sub (local.get $bu) (f64.div (f64.mul (local.get $lr) (local.get $grad)) (f64.sqrt (local.get $g))))))
      (f32.store (local.get $a) (f32.demote_f64 (f64.add (local.get $g) (f64.mul (local.get $grad) (local.get $grad)))))
      (local.set $grad (f64.add (local.get $gz) (f64.mul (local.get $regBias) (local.get $bi))))
      (local.set $a (i32.add (local.get $gIB) (local.get $i4)))
      (local.set $g (f64.promote_f32 (f32.load (local.get $a))))
      (f32.store (i32.add (local.get $ib) (local.get $i4)) (f32.demote_f64
        (f64.sub (local.get $bi) (f64.div (f64.mul (local.get $lr) (local.get $grad)) (f64.sqrt (local.get $g))))))
      (f32.store (local.get $a) (f32.demote_f64 (f64.add (local.get $g) (f64.mul (local.get $grad) (local.get $grad)))))

      ;; Factors: gradients from the values before this update, one step per row.
      (local.set $vgz (f32x4.splat (f32.demote_f64 (local.get $gz))))
      (local.set $vregU (f32x4.splat (f32.demote_f64 (f64.mul (local.get $reg)
        (f64.promote_f32 (f32.load (i32.add (local.get $regUser) (local.get $u4))))))))
      (local.set $vregI (f32x4.splat (f32.demote_f64 (f64.mul (local.get $reg)
        (f64.promote_f32 (f32.load (i32.add (local.get $regItem) (local.get $i4))))))))
      (local.set $vstepU (f32x4.splat (f32.demote_f64 (f64.div (local.get $lr)
        (f64.sqrt (f64.promote_f32 (f32.load (i32.add (local.get $gP) (local.get $u4)))))))))
      (local.set $vstepI (f32x4.splat (f32.demote_f64 (f64.div (local.get $lr)
        (f64.sqrt (f64.promote_f32 (f32.load (i32.add (local.get $gQ) (local.get $i4)))))))))
      (local.set $sumU (v128.const f32x4 0 0 0 0))
      (local.set $sumI (v128.const f32x4 0 0 0 0))
      (local.set $off (i32.const 0))
      (loop $lanes
        (local.set $ap (i32.add (local.get $pu) (local.get $off)))
        (local.set $aq (i32.add (local.get $qi) (local.get $off)))
        (local.set $p (v128.load (local.get $ap)))
        (local.set $q (v128.load (local.get $aq)))
        (local.set $gp (f32x4.add (f32x4.mul (local.get $vgz) (local.get $q)) (f32x4.mul (local.get $vregU) (local.get $p))))
        (local.set $gq (f32x4.add (f32x4.mul (local.get $vgz) (local.get $p)) (f32x4.mul (local.get $vregI) (local.get $q))))
        (v128.store (local.get $ap) (f32x4.sub (local.get $p) (f32x4.mul (local.get $vstepU) (local.get $gp))))
        (v128.store (local.get $aq) (f32x4.sub (local.get $q) (f32x4.mul (local.get $vstepI) (local.get $gq))))
        (local.set $sumU (f32x4.add (local.get $sumU) (f32x4.mul (local.get $gp) (local.get $gp))))
        (local.set $sumI (f32x4.add (local.get $sumI) (f32x4.mul (local.get $gq) (local.get $gq))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br_if $lanes (i32.lt_u (local.get $off) (local.get $rowBytes))))
      (local.set $a (i32.add (local.get $gP) (local.get $u4)))
      (f32.store (local.get $a) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $a)))
        (f64.mul (f64.promote_f32 (call $hsum (local.get $sumU))) (local.get $invDim)))))
      (local.set $a (i32.add (local.get $gQ) (local.get $i4)))
      (f32.store (local.get $a) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $a)))
        (f64.mul (f64.promote_f32 (call $hsum (local.get $sumI))) (local.get $invDim)))))

      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br_if $rating (i32.lt_u (local.get $at) (local.get $stop))))
    (local.get $sse))

  ;; Lazy Adam over perm[start..end) (runAdamSlice, plain branch): per-row step counts, bias correction
  ;; from the table corr[min(step, maxStep)]. Returns the sum of squared errors before each update.
  (func (export "adam")
    (param $perm i32) (param $users i32) (param $items i32) (param $scores i32)
    (param $P i32) (param $Q i32) (param $ub i32) (param $ib i32)
    (param $mP i32) (param $vP i32) (param $mQ i32) (param $vQ i32)
    (param $mUB i32) (param $vUB i32) (param $mIB i32) (param $vIB i32)
    (param $stepsU i32) (param $stepsI i32) (param $corr i32) (param $maxStep i32)
    (param $regUser i32) (param $regItem i32)
    (param $start i32) (param $end i32) (param $dim i32)
    (param $lo f64) (param $span f64) (param $mu f64) (param $lr f64) (param $reg f64) (param $regBias f64)
    (param $b1 f64) (param $b2 f64)
    (result f64)
    (local $at i32) (local $stop i32) (local $r i32) (local $u4 i32) (local $i4 i32) (local $step i32)
    (local $rowBytes i32) (local $pu i32) (local $qi i32) (local $off i32) (local $a i32)
    (local $bu f64) (local $bi f64) (local $s f64) (local $e f64) (local $gz f64) (local $grad f64)
    (local $m f64) (local $v f64) (local $c1 f64) (local $c2 f64) (local $lrU f64) (local $lrI f64) (local $sse f64)
    (local $p v128) (local $q v128) (local $gp v128) (local $gq v128) (local $mm v128) (local $vv v128)
    (local $vgz v128) (local $vregU v128) (local $vregI v128) (local $vlrU v128) (local $vlrI v128)
    (local $vb1 v128) (local $vb2 v128) (local $vc1 v128) (local $vc2 v128) (local $veps v128)
    (if (i32.ge_u (local.get $start) (local.get $end)) (then (return (f64.const 0))))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $c1 (f64.sub (f64.const 1) (local.get $b1)))
    (local.set $c2 (f64.sub (f64.const 1) (local.get $b2)))
    (local.set $vb1 (f32x4.splat (f32.demote_f64 (local.get $b1))))
    (local.set $vb2 (f32x4.splat (f32.demote_f64 (local.get $b2))))
    (local.set $vc1 (f32x4.splat (f32.demote_f64 (local.get $c1))))
    (local.set $vc2 (f32x4.splat (f32.demote_f64 (local.get $c2))))
    (local.set $veps (f32x4.splat (f32.const 1e-8)))
    (local.set $at (i32.add (local.get $perm) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $stop (i32.add (local.get $perm) (i32.shl (local.get $end) (i32.const 2))))
    (loop $rating
      (local.set $r (i32.shl (i32.load (local.get $at)) (i32.const 2)))
      (local.set $u4 (i32.shl (i32.load (i32.add (local.get $users) (local.get $r))) (i32.const 2)))
      (local.set $i4 (i32.shl (i32.load (i32.add (local.get $items) (local.get $r))) (i32.const 2)))
      (local.set $pu (i32.mul (local.get $u4) (local.get $dim)))
      (local.set $qi (i32.mul (local.get $i4) (local.get $dim)))
      (local.set $bu (f64.promote_f32 (f32.load (i32.add (local.get $ub) (local.get $u4)))))
      (local.set $bi (f64.promote_f32 (f32.load (i32.add (local.get $ib) (local.get $i4)))))
      (local.set $s (call $sigmoid
        (f64.add (f64.add (f64.add (local.get $mu) (local.get $bu)) (local.get $bi))
          (f64.promote_f32 (call $dot (i32.add (local.get $P) (local.get $pu)) (i32.add (local.get $Q) (local.get $qi)) (local.get $rowBytes))))))
      (local.set $e
        (f64.sub (f64.add (local.get $lo) (f64.mul (local.get $span) (local.get $s)))
          (f64.promote_f32 (f32.load (i32.add (local.get $scores) (local.get $r))))))
      (local.set $sse (f64.add (local.get $sse) (f64.mul (local.get $e) (local.get $e))))
      ;; e * (span s (1 - s)): the slope beside the error rather than after it (shorter chain).
      (local.set $gz (f64.mul (local.get $e)
        (f64.mul (f64.mul (local.get $span) (local.get $s)) (f64.sub (f64.const 1) (local.get $s)))))

      ;; Each row's own step count picks its bias correction.
      (local.set $a (i32.add (local.get $stepsU) (local.get $u4)))
      (local.set $step (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (i32.store (local.get $a) (local.get $step))
      (local.set $lrU (f64.mul (local.get $lr) (f64.promote_f32 (f32.load (i32.add (local.get $corr)
        (i32.shl (select (local.get $step) (local.get $maxStep) (i32.lt_s (local.get $step) (local.get $maxStep))) (i32.const 2)))))))
      (local.set $a (i32.add (local.get $stepsI) (local.get $i4)))
      (local.set $step (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (i32.store (local.get $a) (local.get $step))
      (local.set $lrI (f64.mul (local.get $lr) (f64.promote_f32 (f32.load (i32.add (local.get $corr)
        (i32.shl (select (local.get $step) (local.get $maxStep) (i32.lt_s (local.get $step) (local.get $maxStep))) (i32.const 2)))))))

      ;; Biases.
      (local.set $grad (f64.add (local.get $gz) (f64.mul (local.get $regBias) (local.get $bu))))
      (local.set $m (f64.add (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $mUB) (local.get $u4)))))
        (f64.mul (local.get $c1) (local.get $grad))))
      (local.set $v (f64.add (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $vUB) (local.get $u4)))))
        (f64.mul (f64.mul (local.get $c2) (local.get $grad)) (local.get $grad))))
      (f32.store (i32.add (local.get $mUB) (local.get $u4)) (f32.demote_f64 (local.get $m)))
      (f32.store (i32.add (local.get $vUB) (local.get $u4)) (f32.demote_f64 (local.get $v)))
      (f32.store (i32.add (local.get $ub) (local.get $u4)) (f32.demote_f64 (f64.sub (local.get $bu)
        (f64.div (f64.mul (local.get $lrU) (local.get $m)) (f64.add (f64.sqrt (local.get $v)) (f64.const 1e-8))))))
      (local.set $grad (f64.add (local.get $gz) (f64.mul (local.get $regBias) (local.get $bi))))
      (local.set $m (f64.add (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $mIB) (local.get $i4)))))
        (f64.mul (local.get $c1) (local.get $grad))))
      (local.set $v (f64.add (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $vIB) (local.get $i4)))))
        (f64.mul (f64.mul (local.get $c2) (local.get $grad)) (local.get $grad))))
      (f32.store (i32.add (local.get $mIB) (local.get $i4)) (f32.demote_f64 (local.get $m)))
      (f32.store (i32.add (local.get $vIB) (local.get $i4)) (f32.demote_f64 (local.get $v)))
      (f32.store (i32.add (local.get $ib) (local.get $i4)) (f32.demote_f64 (f64.sub (local.get $bi)
        (f64.div (f64.mul (local.get $lrI) (local.get $m)) (f64.add (f64.sqrt (local.get $v)) (f64.const 1e-8))))))

      ;; Factors, four lanes at a time; $pu and $qi are row offsets shared by a table and its moments.
      (local.set $vgz (f32x4.splat (f32.demote_f64 (local.get $gz))))
      (local.set $vregU (f32x4.splat (f32.demote_f64 (f64.mul (local.get $reg)
        (f64.promote_f32 (f32.load (i32.add (local.get $regUser) (local.get $u4))))))))
      (local.set $vregI (f32x4.splat (f32.demote_f64 (f64.mul (local.get $reg)
        (f64.promote_f32 (f32.load (i32.add (local.get $regItem) (local.get $i4))))))))
      (local.set $vlrU (f32x4.splat (f32.demote_f64 (local.get $lrU))))
      (local.set $vlrI (f32x4.splat (f32.demote_f64 (local.get $lrI))))
      (local.set $off (i32.const 0))
      (loop $lanes
        (local.set $p (v128.load (i32.add (local.get $P) (local.get $pu))))
        (local.set $q (v128.load (i32.add (local.get $Q) (local.get $qi))))
        (local.set $gp (f32x4.add (f32x4.mul (local.get $vgz) (local.get $q)) (f32x4.mul (local.get $vregU) (local.get $p))))
        (local.set $gq (f32x4.add (f32x4.mul (local.get $vgz) (local.get $p)) (f32x4.mul (local.get $vregI) (local.get $q))))
        (local.set $mm (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (i32.add (local.get $mP) (local.get $pu))))
          (f32x4.mul (local.get $vc1) (local.get $gp))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (i32.add (local.get $vP) (local.get $pu))))
          (f32x4.mul (f32x4.mul (local.get $vc2) (local.get $gp)) (local.get $gp))))
        (v128.store (i32.add (local.get $mP) (local.get $pu)) (local.get $mm))
        (v128.store (i32.add (local.get $vP) (local.get $pu)) (local.get $vv))
        (v128.store (i32.add (local.get $P) (local.get $pu)) (f32x4.sub (local.get $p)
          (f32x4.div (f32x4.mul (local.get $vlrU) (local.get $mm)) (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $veps)))))
        (local.set $mm (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (i32.add (local.get $mQ) (local.get $qi))))
          (f32x4.mul (local.get $vc1) (local.get $gq))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (i32.add (local.get $vQ) (local.get $qi))))
          (f32x4.mul (f32x4.mul (local.get $vc2) (local.get $gq)) (local.get $gq))))
        (v128.store (i32.add (local.get $mQ) (local.get $qi)) (local.get $mm))
        (v128.store (i32.add (local.get $vQ) (local.get $qi)) (local.get $vv))
        (v128.store (i32.add (local.get $Q) (local.get $qi)) (f32x4.sub (local.get $q)
          (f32x4.div (f32x4.mul (local.get $vlrI) (local.get $mm)) (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $veps)))))
        (local.set $pu (i32.add (local.get $pu) (i32.const 16)))
        (local.set $qi (i32.add (local.get $qi) (i32.const 16)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br_if $lanes (i32.lt_u (local.get $off) (local.get $rowBytes))))

      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br_if $rating (i32.lt_u (local.get $at) (local.get $stop))))
    (local.get $sse))
  ;; The epoch order, drawn in wasm because the shuffle costs the main thread as long as a third of a
  ;; wasm epoch when drawn in JS. The PRNG is mulberry32, the stream of createRandom in ../../random.ts,
  ;; and the shuffles are the JS trainer's, draw for draw: both kernels visit the same orders.
  ;; Its state lives in this instance (the main thread's), seeded once per run.
  (global $rng (mut i32) (i32.const 0))

  (func (export "seedOrder") (param $seed i32)
    (global.set $rng (local.get $seed)))

  (func $random (result f64)
    (local $t i32)
    (global.set $rng (i32.add (global.get $rng) (i32.const 0x6d2b79f5)))
    (local.set $t (global.get $rng))
    (local.set $t (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))) (i32.or (local.get $t) (i32.const 1))))
    (local.set $t (i32.xor (local.get $t)
      (i32.add (local.get $t) (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7))) (i32.or (local.get $t) (i32.const 61))))))
    (f64.div (f64.convert_i32_u (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14)))) (f64.const 4294967296)))

  ;; Fisher-Yates over the u32 array at $base, elements [start..end) (shuffleRange in ../trainer.ts).
  (func $shuffle (param $base i32) (param $start i32) (param $end i32)
    (local $k i32) (local $ak i32) (local $aj i32) (local $t i32)
    (if (i32.le_u (local.get $end) (i32.add (local.get $start) (i32.const 1))) (then (return)))
    (local.set $k (i32.sub (local.get $end) (i32.const 1)))
    (loop $swap
      (local.set $ak (i32.add (local.get $base) (i32.shl (local.get $k) (i32.const 2))))
      (local.set $aj (i32.add (local.get $base) (i32.shl
        (i32.add (local.get $start) (i32.trunc_f64_u (f64.floor (f64.mul (call $random)
          (f64.convert_i32_u (i32.add (i32.sub (local.get $k) (local.get $start)) (i32.const 1)))))))
        (i32.const 2))))
      (local.set $t (i32.load (local.get $ak)))
      (i32.store (local.get $ak) (i32.load (local.get $aj)))
      (i32.store (local.get $aj) (local.get $t))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $swap (i32.gt_u (local.get $k) (local.get $start)))))

  ;; Order 'ratings': a uniform shuffle of perm[0..n) in place.
  (func (export "fillRatingOrder") (param $perm i32) (param $n i32)
    (call $shuffle (local.get $perm) (i32.const 0) (local.get $n)))

  ;; Order 'users': users[0..nUsers) shuffled in place, then each one's rows (rows[start[u]..start[u+1]))
  ;; copied into perm and shuffled there.
  (func (export "fillUserOrder") (param $perm i32) (param $users i32) (param $nUsers i32) (param $start i32) (param $rows i32)
    (local $j i32) (local $u4 i32) (local $from i32) (local $to i32) (local $k i32) (local $begin i32)
    (call $shuffle (local.get $users) (i32.const 0) (local.get $nUsers))
    (if (i32.eqz (local.get $nUsers)) (then (return)))
    (loop $user
      (local.set $u4 (i32.shl (i32.load (i32.add (local.get $users) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 2)))
      (local.set $from (i32.load (i32.add (local.get $start) (local.get $u4))))
      (local.set $to (i32.load offset=4 (i32.add (local.get $start) (local.get $u4))))
      (local.set $begin (local.get $k))
      (block $copied
        (loop $copy
          (br_if $copied (i32.ge_u (local.get $from) (local.get $to)))
          (i32.store (i32.add (local.get $perm) (i32.shl (local.get $k) (i32.const 2)))
            (i32.load (i32.add (local.get $rows) (i32.shl (local.get $from) (i32.const 2)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (local.set $from (i32.add (local.get $from) (i32.const 1)))
          (br $copy)))
      (call $shuffle (local.get $perm) (local.get $begin) (local.get $k))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $user (i32.lt_u (local.get $j) (local.get $nUsers)))))
)
`;
