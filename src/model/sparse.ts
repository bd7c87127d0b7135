/**
 * Compressed sparse rows over a subset of the ratings, by user or by item: the one place that builds them.
 * Built once per (rows, orientation, filter) and shared between models through a WeakMap keyed on the row
 * array, so ten baselines on the same splits pay for one transpose.
 */
import type { Ratings } from '../data/types.js';
import type { TrainingData } from './types.js';

export interface Csr {
  nRows: number;
  nCols: number;
  /** Row r spans entries indptr[r]..indptr[r+1]-1. */
  indptr: Uint32Array;
  /** Column of each entry (itemIx when by user, userIx when by item), ascending within a row. */
  indices: Int32Array;
  /** Score of each entry as stored in Ratings (1..10, or WATCHED = -1). */
  values: Float32Array;
}

export interface CsrOptions {
  by: 'user' | 'item';
  /** Keep only explicit ratings (score > 0); default false keeps WATCHED rows too. */
  explicitOnly?: boolean;
  /** Number of users (rows when by user); the max userIx + 1 of the ratings by default. */
  nUsers?: number;
}

/** Builds the CSR of ratings[rows] (counting sort, so columns come out ascending). */
export function buildCsr(ratings: Ratings, rows: Uint32Array, options: CsrOptions): Csr {
  const nUsers = options.nUsers ?? ratings.userIds.length;
  const byUser = options.by === 'user';
  const nRows = byUser ? nUsers : ratings.nItems;
  const nCols = byUser ? ratings.nItems : nUsers;
  const rowOf = byUser ? ratings.userIx : ratings.itemIx;
  const colOf = byUser ? ratings.itemIx : ratings.userIx;
  const explicitOnly = options.explicitOnly ?? false;

  // Sort the kept rows by column first, then a stable counting pass by row gives ascending columns per row.
  const keptRows = new Uint32Array(rows.length);
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (explicitOnly && ratings.score[r]! <= 0) continue;
    keptRows[n++] = r;
  }
  const colCount = new Uint32Array(nCols + 1);
  for (let k = 0; k < n; k++) colCount[colOf[keptRows[k]!]! + 1]!++;
  for (let c = 0; c < nCols; c++) colCount[c + 1]! += colCount[c]!;
  const byCol = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const r = keptRows[k]!;
    byCol[colCount[colOf[r]!]!++] = r;
  }

  const indptr = new Uint32Array(nRows + 1);
  for (let k = 0; k < n; k++) indptr[rowOf[byCol[k]!]! + 1]!++;
  for (let r = 0; r < nRows; r++) indptr[r + 1]! += indptr[r]!;
  const cursor = indptr.slice(0, nRows);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const r = byCol[k]!;
    const at = cursor[rowOf[r]!]!++;
    indices[at] = colOf[r]!;
    values[at] = ratings.score[r]!;
  }
  return { nRows, nCols, indptr, indices, values };
}

const shared = new WeakMap<Uint32Array, Map<string, Csr>>();

/** The CSR of ratings[rows] with these options, built on first use and reused after (do not mutate it). */
export function sharedCsr(ratings: Ratings, rows: Uint32Array, options: CsrOptions): Csr {
  let byKey = shared.get(rows);
  if (!byKey) {
    byKey = new Map();
    shared.set(rows, byKey);
  }
  const key = `${options.by}:${options.explicitOnly ? 'explicit' : 'all'}:${options.nUsers ?? ratings.userIds.length}`;
  let csr = byKey.get(key);
  if (!csr) {
    csr = buildCsr(ratings, rows, options);
    byKey.set(key, csr);
  }
  return csr;
}

/** Number of entries in row r. */
export function rowLength(csr: Csr, r: number): number {
  return csr.indptr[r + 1]! - csr.indptr[r]!;
}

/** The shared CSR of the training rows (splits.train) of data, by user or by item. */
export function trainCsr(data: TrainingData, by: 'user' | 'item', explicitOnly: boolean): Csr {
  return sharedCsr(data.ratings, data.splits.train, { by, explicitOnly, nUsers: data.nUsers });
}
