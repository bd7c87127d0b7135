/** Each anime's genres as a bitmask, so genre overlap (Jaccard) is a few word ANDs and bit counts. */

export interface GenreMasks {
  /** 32-bit words per anime. */
  words: number;
  /** nItems x words: bit g of anime i set when it has genre g. */
  masks: Uint32Array;
  /** Distinct genres per anime. */
  counts: Uint16Array;
}

/** Set bits of a 32-bit word. */
export function countBits(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The masks of the first n anime of genreIx (genre indices per anime, duplicates allowed). */
export function buildGenreMasks(genreIx: readonly ArrayLike<number>[], n: number): GenreMasks {
  let maxGenre = -1;
  for (let i = 0; i < n; i++) for (const g of Array.from(genreIx[i]!)) if (g > maxGenre) maxGenre = g;
  const words = Math.max(1, Math.ceil((maxGenre + 1) / 32));
  const masks = new Uint32Array(n * words);
  const counts = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    for (const g of Array.from(genreIx[i]!)) masks[i * words + (g >>> 5)]! |= 1 << (g & 31);
    let c = 0;
    for (let w = 0; w < words; w++) c += countBits(masks[i * words + w]!);
    counts[i] = c;
  }
  return { words, masks, counts };
}

/** Shared genres of anime a and b over all their genres (0 when either has none). */
export function genreJaccard({ words, masks, counts }: GenreMasks, a: number, b: number): number {
  const ca = counts[a]!;
  if (ca === 0) return 0;
  const oa = a * words;
  const ob = b * words;
  let both = 0;
  for (let w = 0; w < words; w++) both |= masks[oa + w]! & masks[ob + w]!;
  // Most pairs share no genre: no bit count, no division.
  if (both === 0) return 0;
  let common = 0;
  for (let w = 0; w < words; w++) common += countBits(masks[oa + w]! & masks[ob + w]!);
  return common / (ca + counts[b]! - common);
}
