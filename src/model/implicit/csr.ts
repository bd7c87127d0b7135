/**
 * Compressed sparse rows of the (user x item) interaction matrix, built once per fit from the training
 * rows, in both orientations (ALS alternates between solving users and solving items).
 */

export interface Csr {
  nRows: number;
  /** Row r's entries are indptr[r]..indptr[r+1]-1. */
  indptr: Int32Array;
  /** Column index of each entry. */
  indices: Int32Array;
  /** Extra confidence of each entry: c - 1 = alpha * weight (unobserved cells have c = 1). */
  extra: Float32Array;
}

/** Groups (row, col, extra) triples by row; entries keep their input order within a row. */
export function buildCsr(nRows: number, rows: Int32Array, cols: Int32Array, extra: Float32Array): Csr {
  const n = rows.length;
  const indptr = new Int32Array(nRows + 1);
  for (let e = 0; e < n; e++) indptr[rows[e]! + 1]!++;
  for (let r = 0; r < nRows; r++) indptr[r + 1]! += indptr[r]!;
  const fill = indptr.slice(0, nRows);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const at = fill[rows[e]!]!++;
    indices[at] = cols[e]!;
    values[at] = extra[e]!;
  }
  return { nRows, indptr, indices, extra: values };
}
