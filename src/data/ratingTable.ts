/**
 * Growable typed columns for rating rows as they are read, and the final pass that removes repeated
 * (user, anime) pairs: the last row's score wins, the pair keeps the position of its first row.
 */
import type { Ratings } from './types.js';

export class RatingTable {
  count = 0;
  userIx = new Int32Array(1 << 16);
  itemIx = new Int32Array(1 << 16);
  score = new Int8Array(1 << 16);

  push(userIx: number, itemIx: number, score: number): void {
    if (this.count === this.userIx.length) this.grow();
    this.userIx[this.count] = userIx;
    this.itemIx[this.count] = itemIx;
    this.score[this.count] = score;
    this.count++;
  }

  private grow(): void {
    const size = this.userIx.length * 2;
    const userIx = new Int32Array(size);
    userIx.set(this.userIx);
    this.userIx = userIx;
    const itemIx = new Int32Array(size);
    itemIx.set(this.itemIx);
    this.itemIx = itemIx;
    const score = new Int8Array(size);
    score.set(this.score);
    this.score = score;
  }
}

export interface DedupedRatings {
  ratings: Ratings;
  duplicates: number;
}

/**
 * O(rows) de-duplication without a pair map: rows are bucketed by user (counting sort), and within a
 * user a per-item stamp array finds repeats. Memory stays a few bytes per row.
 */
export function finishRatings(table: RatingTable, userIds: Int32Array, nItems: number): DedupedRatings {
  const n = table.count;
  const nUsers = userIds.length;
  const start = new Int32Array(nUsers + 1);
  for (let r = 0; r < n; r++) start[table.userIx[r]! + 1]++;
  for (let u = 0; u < nUsers; u++) start[u + 1] += start[u]!;
  const next = start.slice(0, nUsers);
  const byUser = new Int32Array(n);
  for (let r = 0; r < n; r++) byUser[next[table.userIx[r]!]++] = r;

  const stamp = new Int32Array(nItems).fill(-1);
  const firstRow = new Int32Array(nItems);
  const keep = new Uint8Array(n).fill(1);
  const score = table.score;
  let duplicates = 0;
  for (let u = 0; u < nUsers; u++) {
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const r = byUser[k]!;
      const item = table.itemIx[r]!;
      if (stamp[item] !== u) {
        stamp[item] = u;
        firstRow[item] = r;
      } else {
        score[firstRow[item]!] = score[r]!;
        keep[r] = 0;
        duplicates++;
      }
    }
  }

  const count = n - duplicates;
  const userIx = new Int32Array(count);
  const itemIx = new Int32Array(count);
  const finalScore = new Int8Array(count);
  let w = 0;
  for (let r = 0; r < n; r++) {
    if (keep[r] === 0) continue;
    userIx[w] = table.userIx[r]!;
    itemIx[w] = table.itemIx[r]!;
    finalScore[w] = score[r]!;
    w++;
  }
  return { ratings: buildRatings(userIx, itemIx, finalScore, userIds, nItems), duplicates };
}

/** Assembles Ratings from its columns (also used by the cache). */
export function buildRatings(
  userIx: Int32Array,
  itemIx: Int32Array,
  score: Int8Array,
  userIds: Int32Array,
  nItems: number,
): Ratings {
  const ixByUserId = new Map<number, number>();
  for (let u = 0; u < userIds.length; u++) ixByUserId.set(userIds[u]!, u);
  return { count: userIx.length, userIx, itemIx, score, userIds, ixByUserId, nItems };
}
