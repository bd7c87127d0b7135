/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a closed-form item-item
 * model of who watched what. With X the people x anime 0/1 matrix of training rows (rated or watched),
 *   P = (XᵀX + λI)⁻¹,  B_ij = -P_ij / P_jj (B_jj = 0),  score_j = Σ_{i in the person's anime} B_ij.
 * A new person needs no fold-in: their score is a sum of rows of B. The inverse is O(m³) for m anime, so
 * only the m most watched anime (at most maxItems, each with at least minCount rows) get a column; the
 * rest score 0, which never matters for a top 10 (a person's best picks are among well-watched anime).
 */
import type { Ratings } from '../../data/types.js';
import { invertSpdWasm } from './invertWasm.js';

export interface EaseOptions {
  /**
   * λ on the Gram matrix's diagonal, per person with training rows (λ = lambdaPerPerson x people): the
   * Gram's entries grow with the number of people, so a fixed λ would not carry from the 700-person
   * sample to the 70,000-person set. 0.2 was chosen on validation people of both (bench/newMembers.ts):
   * best λ 30-100 on the real sample's ~500 training people, 10,000 on the synthetic set's ~43,000.
   */
  lambdaPerPerson: number;
  /** A fixed λ instead of lambdaPerPerson x people. */
  lambda?: number;
  /**
   * Largest number of anime with a column (the inverse is O(maxItems³) time and maxItems² x 8 bytes). On
   * the real sample's validation people 1,500 columns ranked as well as 2,400-3,000 (bench/newMembers.ts);
   * at 3,000 the inverse took 11 s (memory-bound), at 2,000 about a third of that.
   */
  maxItems: number;
  /** Anime watched by fewer training rows than this get no column. */
  minCount: number;
}

export const DEFAULT_EASE_OPTIONS: EaseOptions = { lambdaPerPerson: 0.2, maxItems: 2000, minCount: 3 };

/** A fitted EASE model: B over the kept anime, and where each itemIx sits among them. */
export interface EaseState {
  options: EaseOptions;
  /** The λ used (options.lambda, else lambdaPerPerson x people). */
  lambda: number;
  nItems: number;
  /** The kept anime's itemIx, in column order. */
  items: Int32Array;
  /** m x m, row-major: row i is what watching items[i] adds to every column. */
  weights: Float32Array;
}

/** The kept anime: the most watched ones (ties: lower itemIx), at most maxItems, each with minCount rows or more. */
export function chooseEaseItems(ratings: Ratings, rows: Uint32Array, options: Pick<EaseOptions, 'maxItems' | 'minCount'>): Int32Array {
  const count = new Float64Array(ratings.nItems);
  for (const r of rows) count[ratings.itemIx[r]!]!++;
  const kept: number[] = [];
  for (let i = 0; i < ratings.nItems; i++) if (count[i]! >= options.minCount && count[i]! > 0) kept.push(i);
  kept.sort((a, b) => count[b]! - count[a]! || a - b);
  return Int32Array.from(kept.slice(0, options.maxItems)).sort();
}

/** XᵀX over the kept anime (column = position in items), from the rows grouped by person; and how many people. */
export function cooccurrence(ratings: Ratings, rows: Uint32Array, items: Int32Array): Float64Array {
  return gramAndPeople(ratings, rows, items).gram;
}

function gramAndPeople(ratings: Ratings, rows: Uint32Array, items: Int32Array): { gram: Float64Array; people: number } {
  const m = items.length;
  const column = new Int32Array(ratings.nItems).fill(-1);
  items.forEach((ix, c) => (column[ix] = c));
  // Each person's distinct kept columns (a repeated anime counts once).
  const byUser = new Map<number, Set<number>>();
  for (const r of rows) {
    const c = column[ratings.itemIx[r]!]!;
    if (c < 0) continue;
    const u = ratings.userIx[r]!;
    let set = byUser.get(u);
    if (!set) byUser.set(u, (set = new Set()));
    set.add(c);
  }
  const gram = new Float64Array(m * m);
  for (const set of byUser.values()) {
    const cols = Int32Array.from(set).sort();
    for (let a = 0; a < cols.length; a++) {
      const row = cols[a]! * m;
      for (let b = a; b < cols.length; b++) gram[row + cols[b]!]!++;
    }
  }
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) gram[b * m + a] = gram[a * m + b]!;
  return { gram, people: byUser.size };
}

/**
 * Inverts a symmetric positive-definite m x m matrix in place by Gauss-Jordan elimination without
 * pivoting (safe for SPD): m³ multiply-adds over contiguous rows. (A version that applied 16-64 pivots
 * per pass over each row, to stay in cache, was no faster here: the loop is bound by arithmetic.)
 * Returns false when a pivot is not positive.
 */
export function invertSpdInPlace(a: Float64Array, m: number): boolean {
  for (let k = 0; k < m; k++) {
    const rk = k * m;
    const pivot = a[rk + k]!;
    if (!(pivot > 0)) return false;
    const inv = 1 / pivot;
    a[rk + k] = 1;
    for (let j = 0; j < m; j++) a[rk + j]! *= inv;
    for (let i = 0; i < m; i++) {
      if (i === k) continue;
      const ri = i * m;
      const f = a[ri + k]!;
      if (f === 0) continue;
      a[ri + k] = 0;
      for (let j = 0; j < m; j++) a[ri + j]! -= f * a[rk + j]!;
    }
  }
  return true;
}

/** B from XᵀX (overwritten): P = (G + λI)⁻¹, B_ij = -P_ij / P_jj, zero diagonal. The inverse runs in wasm SIMD where it can. */
export async function easeWeights(gram: Float64Array, m: number, lambda: number): Promise<Float32Array> {
  for (let i = 0; i < m; i++) gram[i * m + i]! += lambda;
  const ok = (await invertSpdWasm(gram, m)) ?? invertSpdInPlace(gram, m);
  if (!ok) throw new Error(`EASE: the Gram matrix plus λ=${lambda} is not positive definite`);
  const weights = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) weights[i * m + j] = i === j ? 0 : -gram[i * m + j]! / gram[j * m + j]!;
  }
  return weights;
}

/** Fits EASE on the given rows (rated or watched). */
export async function fitEase(ratings: Ratings, rows: Uint32Array, options: Partial<EaseOptions> = {}): Promise<EaseState> {
  const full = { ...DEFAULT_EASE_OPTIONS, ...options };
  const items = chooseEaseItems(ratings, rows, full);
  const { gram, people } = gramAndPeople(ratings, rows, items);
  const lambda = full.lambda ?? Math.max(1, full.lambdaPerPerson * people);
  return { options: full, lambda, nItems: ratings.nItems, items, weights: await easeWeights(gram, items.length, lambda) };
}

/** Position of each itemIx among the kept anime (-1 for none). */
export function easeColumns(state: EaseState): Int32Array {
  const column = new Int32Array(state.nItems).fill(-1);
  state.items.forEach((ix, c) => (column[ix] = c));
  return column;
}

/**
 * A person's EASE scores into out (itemIx order; anime without a column get 0): the sum of the rows of
 * the anime they have (each counted once). Returns how many of their anime have a column.
 */
export function easeScores(state: EaseState, column: Int32Array, personItems: ArrayLike<number>, out: Float32Array): number {
  const m = state.items.length;
  const acc = new Float64Array(m);
  const seen = new Set<number>();
  for (let j = 0; j < personItems.length; j++) {
    const ix = personItems[j]!;
    const c = ix >= 0 && ix < column.length ? column[ix]! : -1;
    if (c < 0 || seen.has(c)) continue;
    seen.add(c);
    const row = c * m;
    for (let k = 0; k < m; k++) acc[k]! += state.weights[row + k]!;
  }
  out.fill(0, 0, Math.min(out.length, state.nItems));
  for (let k = 0; k < m; k++) {
    const ix = state.items[k]!;
    if (ix < out.length) out[ix] = acc[k]!;
  }
  return seen.size;
}
