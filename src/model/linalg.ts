/**
 * The little dense linear algebra the models need (WRMF, fold-in), over flat row-major typed arrays: a Gramian (YᵀY) and a
 * Cholesky solve for small symmetric positive-definite systems (k x k, k = the factor count).
 */

/** YᵀY of the rows of a (rows x k) row-major matrix, in doubles so millions of rows sum without drift. */
export function computeGramian(factors: Float32Array, rows: number, k: number): Float64Array {
  const gram = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const off = r * k;
    for (let a = 0; a < k; a++) {
      const va = factors[off + a]!;
      if (va === 0) continue;
      const rowA = a * k;
      // Upper triangle only; mirrored below.
      for (let b = a; b < k; b++) gram[rowA + b]! += va * factors[off + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) gram[a * k + b] = gram[b * k + a]!;
  return gram;
}

/**
 * Solves A x = b in place for a symmetric positive-definite A (k x k, row-major, overwritten by its
 * Cholesky factor); b is overwritten by x. Returns false when A is not positive definite.
 */
export function solveCholesky(a: Float64Array, b: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let m = 0; m < j; m++) d -= a[j * k + m]! * a[j * k + m]!;
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= a[i * k + m]! * a[j * k + m]!;
      a[i * k + j] = s / l;
    }
  }
  // Forward (L y = b) then backward (Lᵀ x = y) substitution.
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= a[i * k + m]! * b[m]!;
    b[i] = s / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let m = i + 1; m < k; m++) s -= a[m * k + i]! * b[m]!;
    b[i] = s / a[i * k + i]!;
  }
  return true;
}
