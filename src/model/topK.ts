/**
 * Top-k selection over a score array without sorting it all: a small min-heap, O(n log k).
 * Entries scoring -Infinity or NaN are never selected (that is how callers exclude items).
 */
export function selectTopK(scores: ArrayLike<number>, k: number): Int32Array {
  const heapIx = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s > -Infinity)) continue;
    if (size < k) {
      // sift up
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heapScore[parent]! <= s) break;
        heapScore[at] = heapScore[parent]!;
        heapIx[at] = heapIx[parent]!;
        at = parent;
      }
      heapScore[at] = s;
      heapIx[at] = i;
    } else if (s > heapScore[0]!) {
      siftDown(heapIx, heapScore, size, i, s);
    }
  }
  // Pop ascending, fill from the back: best first. Ties keep the lower index first.
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => heapScore[b]! - heapScore[a]! || heapIx[a]! - heapIx[b]!);
  return Int32Array.from(order, (j) => heapIx[j]!);
}

function siftDown(heapIx: Int32Array, heapScore: Float64Array, size: number, ix: number, s: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && heapScore[right]! < heapScore[left]! ? right : left;
    if (heapScore[child]! >= s) break;
    heapScore[at] = heapScore[child]!;
    heapIx[at] = heapIx[child]!;
    at = child;
  }
  heapScore[at] = s;
  heapIx[at] = ix;
}
