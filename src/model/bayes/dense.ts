/**
 * Small dense helpers over flat row-major Float64Arrays (k x k, k = factors + 1): the Cholesky factor
 * kept in place (linalg.ts's solver overwrites its input and hides the factor, and sampling needs it),
 * triangular solves, and an inverse for the Wishart's scale matrix.
 */

/** Overwrites the lower triangle of a (k x k) with L, a = L Lᵀ; the upper triangle is left as it was. False if not positive definite. */
export function choleskyInPlace(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    const rj = j * k;
    let d = a[rj + j]!;
    for (let m = 0; m < j; m++) d -= a[rj + m]! * a[rj + m]!;
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    a[rj + j] = l;
    const inv = 1 / l;
    for (let i = j + 1; i < k; i++) {
      const ri = i * k;
      let s = a[ri + j]!;
      for (let m = 0; m < j; m++) s -= a[ri + m]! * a[rj + m]!;
      a[ri + j] = s * inv;
    }
  }
  return true;
}

/** Solves L y = b in place (L lower, from choleskyInPlace). */
export function solveLower(l: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= l[ri + m]! * b[m]!;
    b[i] = s / l[ri + i]!;
  }
}

/** Solves Lᵀ x = y in place (L lower). */
export function solveUpper(l: Float64Array, y: Float64Array, k: number): void {
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * y[m]!;
    y[i] = s / l[i * k + i]!;
  }
}

/** Mirrors the lower triangle onto the upper one (accumulators fill only the lower). */
export function symmetrize(a: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) a[j * k + i] = a[i * k + j]!;
}

/** The inverse of a symmetric positive-definite matrix (k x k) into out; false if not positive definite. */
export function invertSpd(a: Float64Array, k: number, out: Float64Array): boolean {
  const l = Float64Array.from(a);
  if (!choleskyInPlace(l, k)) return false;
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    col.fill(0);
    col[c] = 1;
    solveLower(l, col, k);
    solveUpper(l, col, k);
    for (let r = 0; r < k; r++) out[r * k + c] = col[r]!;
  }
  symmetrize(out, k);
  return true;
}
