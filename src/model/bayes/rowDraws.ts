/**
 * The rows of one side drawn from their Gaussian conditionals given the other side: the sweep's bulk,
 * and independent row by row, so any thread may draw any row. Each row draws from its own stream,
 * seeded by (the side's seed for this sweep, the row), and writes its own share of the training SSE, so
 * a seeded chain gives the same numbers whichever thread drew which row, at any thread count.
 */
import { createRandom } from '../../random.js';
import { rowScratch, sampleRow, type RowScratch } from './gaussianRow.js';
import type { Hyper } from './wishart.js';

/** One side's arrays (shared memory when threads > 1: workers hold views of the same ones). */
export interface SideArrays {
  /** nRows x k: the rows drawn (factors, then bias). */
  mine: Float64Array;
  /** The other side's rows as predictions see them (k wide). */
  other: Float64Array;
  /** The side's explicit rows (CSR). */
  indptr: Uint32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Explicit rows per row: a row nobody rated takes the side's mean (its draws would be the prior's). */
  counts: Int32Array;
  /** nRows x dim added to each row's factors in every prediction (the members' implicit part), or null. */
  shift: Float64Array | null;
  /** Per row, its training SSE after the draw (null: not wanted). */
  sse: Float64Array | null;
}

/** What changes every sweep: sent to the workers with each side's task. */
export interface SideTask {
  k: number;
  globalMean: number;
  alpha: number;
  hyper: Hyper;
  /** false: conditional means (the warm-up), no draws. */
  draw: boolean;
  /** The side's seed for this sweep; a row's stream is seeded by rowSeed(seed, row). */
  seed: number;
}

/** A well-mixed 32-bit seed of (seed, row) (murmur3's finaliser): neighbouring rows get unrelated streams. */
export function rowSeed(seed: number, row: number): number {
  let h = (seed ^ Math.imul(row + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function sideScratch(k: number): RowScratch {
  return rowScratch(k);
}

/** Draws rows [from, to) of a side in place. */
export function drawRows(a: SideArrays, t: SideTask, from: number, to: number, scratch: RowScratch): void {
  const { mine, other, indptr, indices, values, counts, shift, sse } = a;
  const { k, globalMean, alpha, hyper } = t;
  const dim = k - 1;
  for (let r = from; r < to; r++) {
    if (counts[r] === 0) {
      mine.set(hyper.mu, r * k);
      if (sse) sse[r] = 0;
      continue;
    }
    const start = indptr[r]!, end = indptr[r + 1]!;
    const random = t.draw ? createRandom(rowSeed(t.seed, r)) : null;
    if (!sampleRow(other, indices, values, start, end, globalMean, alpha, hyper, scratch, mine, r * k, random, shift ?? undefined, r * dim)) {
      throw new Error(`the conditional of row ${r} is not positive definite`);
    }
    if (sse) {
      let total = 0;
      const ro = r * k;
      for (let e = start; e < end; e++) {
        const oo = indices[e]! * k;
        let z = globalMean + other[oo + dim]! + mine[ro + dim]!;
        for (let d = 0; d < dim; d++) z += other[oo + d]! * mine[ro + d]!;
        if (shift) for (let d = 0; d < dim; d++) z += shift[r * dim + d]! * other[oo + d]!;
        const residual = values[e]! - z;
        total += residual * residual;
      }
      sse[r] = total;
    }
  }
}
