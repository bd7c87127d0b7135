/**
 * The trained tables and the optimiser state, each a Float32Array (or Int32Array) over its own
 * SharedArrayBuffer so worker threads update them in place (Hogwild). A plain record of typed arrays:
 * structured clone sends it to a worker as views of the same memory.
 */
import type { Optimizer } from './options.js';
import { createRandom, gaussian } from '../../random.js';

export interface ModelShape {
  nUsers: number;
  nItems: number;
  dim: number;
  hybrid: boolean;
  /** Genre and type vocabularies (0 when not hybrid). */
  nGenres: number;
  nTypes: number;
  /** Rating scale: pred = min(top, lo + (hi - lo) * sigmoid(z)). */
  lo: number;
  hi: number;
  /** The highest training score, where predictions are clipped (hi sits TrainOptions.topMargin above). Absent in older models: hi. */
  top?: number;
  /** Global offset inside the sigmoid: logit of the mean training rating on the scale. */
  mu: number;
}

/** The frozen side of a solve: rows x dim factors and a bias per row (anime for a person, people for an anime). */
export interface FrozenSide {
  factors: Float32Array;
  bias: Float32Array;
}

export interface Tables {
  /** User factors, nUsers x dim. */
  P: Float32Array;
  /** Anime factors, nItems x dim. */
  Q: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  /** Hybrid: genre -> dim layer (nGenres x dim), type -> dim (nTypes x dim), genre and type biases. */
  W: Float32Array;
  T: Float32Array;
  genreBias: Float32Array;
  typeBias: Float32Array;
}

/** Optimiser state. Adam: m and v arrays shaped like the tables, a step count per row. rowAdagrad: one g per row. */
export interface OptimiserState {
  mP: Float32Array; vP: Float32Array; mQ: Float32Array; vQ: Float32Array;
  mUB: Float32Array; vUB: Float32Array; mIB: Float32Array; vIB: Float32Array;
  mW: Float32Array; vW: Float32Array; mT: Float32Array; vT: Float32Array;
  mGB: Float32Array; vGB: Float32Array; mTB: Float32Array; vTB: Float32Array;
  stepsU: Int32Array; stepsI: Int32Array; stepsG: Int32Array; stepsT: Int32Array;
  /** rowAdagrad: accumulated mean squared gradient per row (vectors) and per bias. */
  gP: Float32Array; gQ: Float32Array; gUB: Float32Array; gIB: Float32Array;
  gW: Float32Array; gT: Float32Array; gGB: Float32Array; gTB: Float32Array;
}

/** Per-anime side features of the hybrid, flattened (CSR) so the inner loop reads typed arrays only. */
export interface ItemFeatures {
  /** genres of itemIx are genreList[genreStart[i] .. genreStart[i+1]). */
  genreStart: Int32Array;
  genreList: Int32Array;
  /** -1 when unknown. */
  typeIx: Int32Array;
}

export function allocateShared(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * 4)).subarray(0, length);
}

function allocateSharedInt(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4)).subarray(0, length);
}

/**
 * Where the trainer's typed arrays live. The default gives each its own SharedArrayBuffer; the wasm
 * kernel passes an arena over one shared WebAssembly.Memory (wasm/arena.ts), so its code can address
 * them all.
 */
export interface Allocator {
  f32(length: number): Float32Array;
  i32(length: number): Int32Array;
  u32(length: number): Uint32Array;
}

export const sharedAllocator: Allocator = {
  f32: allocateShared,
  i32: allocateSharedInt,
  u32: (length) => new Uint32Array(new SharedArrayBuffer(Math.max(1, length) * 4)).subarray(0, length),
};

/** Fresh tables: small Gaussian factors, zero biases (the global offset carries the mean). */
export function initTables(shape: ModelShape, initScale: number, seed: number, alloc: Allocator = sharedAllocator): Tables {
  const { nUsers, nItems, dim, nGenres, nTypes } = shape;
  const random = createRandom(seed);
  const fill = (a: Float32Array, scale: number): Float32Array => {
    for (let k = 0; k < a.length; k++) a[k] = gaussian(random) * scale;
    return a;
  };
  return {
    P: fill(alloc.f32(nUsers * dim), initScale),
    Q: fill(alloc.f32(nItems * dim), initScale),
    userBias: alloc.f32(nUsers),
    itemBias: alloc.f32(nItems),
    W: alloc.f32(shape.hybrid ? nGenres * dim : 0),
    T: alloc.f32(shape.hybrid ? nTypes * dim : 0),
    genreBias: alloc.f32(shape.hybrid ? nGenres : 0),
    typeBias: alloc.f32(shape.hybrid ? nTypes : 0),
  };
}

export function initOptimiserState(shape: ModelShape, optimizer: Optimizer, alloc: Allocator = sharedAllocator): OptimiserState {
  const { nUsers, nItems, dim } = shape;
  const nGenres = shape.hybrid ? shape.nGenres : 0;
  const nTypes = shape.hybrid ? shape.nTypes : 0;
  // The schedule 'rowAdagradThenAdam' runs both, so it keeps both states.
  const adam = optimizer !== 'rowAdagrad';
  const adagrad = optimizer !== 'adam';
  const a = (n: number): Float32Array => alloc.f32(adam ? n : 0);

  // LIBMF starts its accumulators at 1, which caps the first steps at lr.
  const g = (n: number): Float32Array => (adagrad ? alloc.f32(n).fill(1) : alloc.f32(0));
  return {
    mP: a(nUsers * dim), vP: a(nUsers * dim), mQ: a(nItems * dim), vQ: a(nItems * dim),
    mUB: a(nUsers), vUB: a(nUsers), mIB: a(nItems), vIB: a(nItems),
    mW: a(nGenres * dim), vW: a(nGenres * dim), mT: a(nTypes * dim), vT: a(nTypes * dim),
    mGB: a(nGenres), vGB: a(nGenres), mTB: a(nTypes), vTB: a(nTypes),
    stepsU: alloc.i32(adam ? nUsers : 0), stepsI: alloc.i32(adam ? nItems : 0),
    stepsG: alloc.i32(adam ? nGenres : 0), stepsT: alloc.i32(adam ? nTypes : 0),
    gP: g(nUsers), gQ: g(nItems), gUB: g(nUsers), gIB: g(nItems),
    gW: g(nGenres), gT: g(nTypes), gGB: g(nGenres), gTB: g(nTypes),
  };
}

/** A copy of the tables in ordinary memory (best-epoch snapshot, or the served model). */
export function copyTables(t: Tables): Tables {
  return {
    P: t.P.slice(), Q: t.Q.slice(), userBias: t.userBias.slice(), itemBias: t.itemBias.slice(),
    W: t.W.slice(), T: t.T.slice(), genreBias: t.genreBias.slice(), typeBias: t.typeBias.slice(),
  };
}

export function restoreTables(into: Tables, from: Tables): void {
  into.P.set(from.P); into.Q.set(from.Q); into.userBias.set(from.userBias); into.itemBias.set(from.itemBias);
  into.W.set(from.W); into.T.set(from.T); into.genreBias.set(from.genreBias); into.typeBias.set(from.typeBias);
}

/** Flattens the catalogue's genres and types for the hybrid. */
export function buildItemFeatures(genreIx: readonly Uint16Array[], typeIx: ArrayLike<number>, nItems: number): ItemFeatures {
  const genreStart = new Int32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) genreStart[i + 1] = genreStart[i]! + (genreIx[i]?.length ?? 0);
  const genreList = new Int32Array(genreStart[nItems]!);
  for (let i = 0; i < nItems; i++) genreList.set(genreIx[i] ?? [], genreStart[i]!);
  const types = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) types[i] = typeIx[i] ?? -1;
  return { genreStart, genreList, typeIx: types };
}
