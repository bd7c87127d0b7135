/**
 * Top-k selection over a score array without sorting it all: a small min-heap, O(n log k). The one
 * top-k helper of the project (models, evaluation, serving).
 * Entries scoring -Infinity or NaN are never selected (that is how callers exclude items).
 * Best first; equal scores keep the lower index first, so results are deterministic.
 */
export function selectTopK(scores: ArrayLike<number>, wanted: number): Int32Array {
  const k = Math.max(0, Math.min(Math.floor(wanted) || 0, scores.length));
  if (k === 0) return new Int32Array(0);
  // The root is the worst kept entry: lowest score, and among equal scores the highest index.
  const heapIx = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  // What a score must beat to be kept: anything selectable until the heap is full, then its root.
  let bar = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s > bar)) continue;
    if (size < k) {
      // Sift up: i is the highest index so far, so it is worse than any parent of equal score.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heapScore[parent]! < s) break;
        heapScore[at] = heapScore[parent]!;
        heapIx[at] = heapIx[parent]!;
        at = parent;
      }
      heapScore[at] = s;
      heapIx[at] = i;
    } else {
      siftDown(heapIx, heapScore, size, i, s);
    }
    if (size === k) bar = heapScore[0]!;
  }
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => heapScore[b]! - heapScore[a]! || heapIx[a]! - heapIx[b]!);
  return Int32Array.from(order, (j) => heapIx[j]!);
}

function siftDown(heapIx: Int32Array, heapScore: Float64Array, size: number, ix: number, s: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (right < size) {
      const l = heapScore[left]!;
      const r = heapScore[right]!;
      if (r < l || (r === l && heapIx[right]! > heapIx[left]!)) child = right;
    }
    // ix is the newest index, so a child of equal score is better than it and stays below.
    if (heapScore[child]! >= s) break;
    heapScore[at] = heapScore[child]!;
    heapIx[at] = heapIx[child]!;
    at = child;
  }
  heapScore[at] = s;
  heapIx[at] = ix;
}
