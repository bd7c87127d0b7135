/**
 * Truncated SVD of a sparse matrix by randomized range finding with power iterations (Halko, Martinsson
 * & Tropp 2011): only sparse mat-vecs against thin dense blocks, so it scales with the number of entries.
 * Dense blocks are row-major Float64Arrays (n x l); the caller keeps the factors as Float32Arrays.
 */
import { createRandom, gaussian } from '../random.js';
import type { Csr } from './sparse.js';

export interface SvdResult {
  k: number;
  /** Singular values, descending. */
  sigma: Float64Array;
  /** Right singular vectors, row-major nCols x k. */
  v: Float64Array;
}

export interface SvdOptions {
  k: number;
  oversample?: number;
  powerIterations?: number;
  seed?: number;
  /** Warm start: right vectors of a previous decomposition (nCols x startWidth) used as the first columns of the test block. */
  start?: Float64Array;
  startWidth?: number;
}

/** out (nRows x l) = A x (nCols x l), A given by its CSR with `values` as entries. */
export function multiply(a: Csr, values: Float32Array, x: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.nRows * l);
  for (let r = 0; r < a.nRows; r++) {
    const o = r * l;
    for (let e = a.indptr[r]!; e < a.indptr[r + 1]!; e++) {
      const w = values[e]!;
      if (w === 0) continue;
      const xo = a.indices[e]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += w * x[xo + c]!;
    }
  }
  return out;
}

/** out (nCols x l) = Aᵀ y (nRows x l). */
export function multiplyTransposed(a: Csr, values: Float32Array, y: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.nCols * l);
  for (let r = 0; r < a.nRows; r++) {
    const yo = r * l;
    for (let e = a.indptr[r]!; e < a.indptr[r + 1]!; e++) {
      const w = values[e]!;
      if (w === 0) continue;
      const o = a.indices[e]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += w * y[yo + c]!;
    }
  }
  return out;
}

/**
 * Orthonormalises the l columns of a row-major n x l block in place by Cholesky QR, done twice for
 * accuracy (CholQR2): row-order friendly, unlike Gram-Schmidt's column sweeps. Columns that are
 * linearly dependent (rank below l) become zero rather than noise.
 */
export function orthonormalise(m: Float64Array, n: number, l: number): void {
  const gram = new Float64Array(l * l);
  const chol = new Float64Array(l * l);
  const y = new Float64Array(l);
  for (let pass = 0; pass < 2; pass++) {
    gram.fill(0);
    for (let r = 0; r < n; r++) {
      const o = r * l;
      for (let i = 0; i < l; i++) {
        const xi = m[o + i]!;
        if (xi === 0) continue;
        for (let j = i; j < l; j++) gram[i * l + j]! += xi * m[o + j]!;
      }
    }
    let trace = 0;
    for (let i = 0; i < l; i++) trace += gram[i * l + i]!;
    const tiny = 1e-13 * Math.max(trace, 1e-300);
    chol.fill(0);
    for (let i = 0; i < l; i++) {
      for (let j = 0; j <= i; j++) {
        let s = gram[j * l + i]!;
        for (let k = 0; k < j; k++) s -= chol[i * l + k]! * chol[j * l + k]!;
        if (i === j) chol[i * l + i] = s > tiny ? Math.sqrt(s) : 0;
        else chol[i * l + j] = chol[j * l + j]! > 0 ? s / chol[j * l + j]! : 0;
      }
    }
    for (let r = 0; r < n; r++) {
      const o = r * l;
      for (let i = 0; i < l; i++) {
        const d = chol[i * l + i]!;
        if (d === 0) {
          y[i] = 0;
          continue;
        }
        let s = m[o + i]!;
        for (let k = 0; k < i; k++) s -= chol[i * l + k]! * y[k]!;
        y[i] = s / d;
      }
      for (let i = 0; i < l; i++) m[o + i] = y[i]!;
    }
  }
}

/** Eigen-decomposition of a symmetric l x l matrix (cyclic Jacobi): values descending, vectors as columns. */
export function symmetricEigen(s: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(s);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p]!;
          const akq = a[k * l + q]!;
          a[k * l + p] = c * akp - sn * akq;
          a[k * l + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k]!;
          const aqk = a[q * l + k]!;
          a[p * l + k] = c * apk - sn * aqk;
          a[q * l + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p]!;
          const vkq = v[k * l + q]!;
          v[k * l + p] = c * vkp - sn * vkq;
          v[k * l + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y]! - a[x * l + x]!);
  const values = Float64Array.from(order, (i) => a[i * l + i]!);
  const vectors = new Float64Array(l * l);
  for (let j = 0; j < l; j++) for (let r = 0; r < l; r++) vectors[r * l + j] = v[r * l + order[j]!]!;
  return { values, vectors };
}

/** A matrix known only by its products with thin dense blocks (row-major, l columns). */
export interface LinearOperator {
  nRows: number;
  nCols: number;
  /** A x, x is nCols x l. */
  multiply(x: Float64Array, l: number): Float64Array;
  /** Aᵀ y, y is nRows x l. */
  multiplyTransposed(y: Float64Array, l: number): Float64Array;
}

/** The sparse matrix (csr structure, these values) as an operator. */
export function sparseOperator(a: Csr, values: Float32Array): LinearOperator {
  return {
    nRows: a.nRows,
    nCols: a.nCols,
    multiply: (x, l) => multiply(a, values, x, l),
    multiplyTransposed: (y, l) => multiplyTransposed(a, values, y, l),
  };
}

/**
 * sparse + P Vᵀ as an operator: the sparse part given by (a, values), the low-rank part by P (nRows x r)
 * and V (nCols x r), both row-major. Used to fill missing entries with a low-rank estimate (hard impute).
 */
export function sparsePlusLowRank(a: Csr, values: Float32Array, p: Float64Array, v: Float64Array, r: number): LinearOperator {
  // out (n x l) += left (n x r) · (rightᵀ x) where rightᵀ x is r x l.
  const addLowRank = (out: Float64Array, left: Float64Array, right: Float64Array, x: Float64Array, n: number, m: number, l: number) => {
    const small = new Float64Array(r * l);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < r; c++) {
        const w = right[i * r + c]!;
        if (w === 0) continue;
        for (let j = 0; j < l; j++) small[c * l + j]! += w * x[i * l + j]!;
      }
    }
    for (let u = 0; u < n; u++) {
      for (let c = 0; c < r; c++) {
        const w = left[u * r + c]!;
        if (w === 0) continue;
        for (let j = 0; j < l; j++) out[u * l + j]! += w * small[c * l + j]!;
      }
    }
    return out;
  };
  return {
    nRows: a.nRows,
    nCols: a.nCols,
    multiply: (x, l) => addLowRank(multiply(a, values, x, l), p, v, x, a.nRows, a.nCols, l),
    multiplyTransposed: (y, l) => addLowRank(multiplyTransposed(a, values, y, l), v, p, y, a.nCols, a.nRows, l),
  };
}

/** The top-k right singular vectors and values of the operator a. */
export function randomizedSvd(a: LinearOperator, options: SvdOptions): SvdResult {
  const k = Math.max(1, Math.min(options.k, a.nRows, a.nCols));
  const l = Math.min(k + (options.oversample ?? 10), a.nRows, a.nCols);
  const rand = createRandom(options.seed ?? 3);
  const omega = new Float64Array(a.nCols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(rand);
  const sw = Math.min(options.startWidth ?? 0, l);
  if (options.start && sw > 0) {
    for (let r = 0; r < a.nCols; r++) for (let c = 0; c < sw; c++) omega[r * l + c] = options.start[r * options.startWidth! + c]!;
  }
  let q = a.multiply(omega, l);
  orthonormalise(q, a.nRows, l);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const z = a.multiplyTransposed(q, l);
    orthonormalise(z, a.nCols, l);
    q = a.multiply(z, l);
    orthonormalise(q, a.nRows, l);
  }
  // B = Qᵀ A is l x nCols; Z = Bᵀ. Its SVD from the eigen-decomposition of B Bᵀ = Zᵀ Z (l x l).
  const z = a.multiplyTransposed(q, l);
  const gram = new Float64Array(l * l);
  for (let r = 0; r < a.nCols; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const zi = z[o + i]!;
      if (zi === 0) continue;
      for (let j = i; j < l; j++) gram[i * l + j]! += zi * z[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  const { values: eig, vectors: w } = symmetricEigen(gram, l);
  const sigma = new Float64Array(k);
  const v = new Float64Array(a.nCols * k);
  for (let j = 0; j < k; j++) {
    sigma[j] = Math.sqrt(Math.max(eig[j]!, 0));
    const inv = sigma[j]! > 1e-12 ? 1 / sigma[j]! : 0;
    for (let r = 0; r < a.nCols; r++) {
      let s = 0;
      for (let i = 0; i < l; i++) s += z[r * l + i]! * w[i * l + j]!;
      v[r * k + j] = s * inv;
    }
  }
  return { k, sigma, v };
}
