/**
 * The confidence matrix WRMF solves against: the shared CSR of the training rows (src/model/sparse.ts,
 * the one place that builds CSRs), with each rating's score turned into its extra confidence.
 */
import { WATCHED } from '../../data/types.js';
import { buildCsr } from '../sparse.js';
import type { Ratings } from '../../data/types.js';

export interface Csr {
  nRows: number;
  /** Row r's entries are indptr[r]..indptr[r+1]-1. */
  indptr: Uint32Array;
  /** Column index of each entry. */
  indices: Int32Array;
  /** Extra confidence of each entry: c - 1 = alpha * weight (unobserved cells have c = 1). */
  extra: Float32Array;
}

/** Both orientations of the confidence matrix of ratings[rows]; a watched-only row weighs watchedWeight. */
export function buildConfidence(
  ratings: Ratings,
  rows: Uint32Array,
  nUsers: number,
  options: { alpha: number; watchedWeight: number },
): { byUser: Csr; byItem: Csr } {
  const confidence = (by: 'user' | 'item'): Csr => {
    const csr = buildCsr(ratings, rows, { by, nUsers });
    const extra = new Float32Array(csr.values.length);
    for (let e = 0; e < extra.length; e++) extra[e] = options.alpha * (csr.values[e] === WATCHED ? options.watchedWeight : 1);
    return { nRows: csr.nRows, indptr: csr.indptr, indices: csr.indices, extra };
  };
  return { byUser: confidence('user'), byItem: confidence('item') };
}
