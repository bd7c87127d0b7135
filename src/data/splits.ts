/**
 * makeSplits: the one seeded partition of the ratings every model and metric shares.
 * Known users' explicit rows go to train/validation/test and all their watched rows to train; a share of
 * users (drawn among those with enough explicit ratings) is held out whole, each one's rows split into a
 * fold-in profile and held-back targets.
 */
import { InvalidOptionError } from '../errors.js';
import type { Ratings, Splits } from './types.js';
import { WATCHED } from './types.js';
import { createRandom, shuffleInPlace } from '../random.js';

export interface SplitOptions {
  /** PRNG seed; the same seed on the same ratings gives the same split. Default 42. */
  seed?: number;
  /** Share of known users' explicit rows used for validation. Default 0.1. */
  validationShare?: number;
  /** Share of known users' explicit rows used for test. Default 0.1. */
  testShare?: number;
  /** Share of all users held out whole (fewer if not enough users qualify). Default 0.1. */
  heldOutUserShare?: number;
  /** Share of a held-out user's rows given as the fold-in profile; the rest are targets. Default 0.8. */
  profileShare?: number;
  /** Only users with at least this many explicit ratings can be held out. Default 5. */
  minHeldOutRatings?: number;
}

const TRAIN = 0;
const VALIDATION = 1;
const TEST = 2;
const PROFILE = 3;
const TARGET = 4;

function share(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new InvalidOptionError(name, `${v} is not a share between 0 and 1`);
  return v;
}

export function makeSplits(ratings: Ratings, options: SplitOptions = {}): Splits {
  const seed = options.seed ?? 42;
  const validationShare = share('validationShare', options.validationShare, 0.1);
  const testShare = share('testShare', options.testShare, 0.1);
  const heldOutUserShare = share('heldOutUserShare', options.heldOutUserShare, 0.1);
  const profileShare = share('profileShare', options.profileShare, 0.8);
  const minHeldOut = options.minHeldOutRatings ?? 5;
  if (validationShare + testShare > 1) {
    throw new InvalidOptionError('validationShare', `validation ${validationShare} + test ${testShare} exceed 1`);
  }
  if (!Number.isInteger(seed)) throw new InvalidOptionError('seed', `${seed} is not a whole number`);

  const random = createRandom(seed);
  const { count, userIx, score } = ratings;
  const nUsers = ratings.userIds.length;

  // Rows of each user, in row order (counting sort by user).
  const start = new Uint32Array(nUsers + 1);
  const explicit = new Uint32Array(nUsers);
  for (let r = 0; r < count; r++) {
    start[userIx[r]! + 1]++;
    if (score[r] !== WATCHED) explicit[userIx[r]!]++;
  }
  for (let u = 0; u < nUsers; u++) start[u + 1] += start[u]!;
  const next = start.slice(0, nUsers);
  const rowsByUser = new Uint32Array(count);
  for (let r = 0; r < count; r++) rowsByUser[next[userIx[r]!]++] = r;

  const eligible: number[] = [];
  for (let u = 0; u < nUsers; u++) if (explicit[u]! >= minHeldOut) eligible.push(u);
  const nHeldOut = Math.min(eligible.length, Math.round(heldOutUserShare * nUsers));
  const heldOutUsers = shuffleInPlace(Int32Array.from(eligible), random).slice(0, nHeldOut).sort();

  const label = new Uint8Array(count);
  for (const u of heldOutUsers) {
    const rows = shuffleInPlace(rowsByUser.slice(start[u]!, start[u + 1]!), random);
    // At least one target, so every held-out user can be judged.
    const nProfile = Math.min(rows.length - 1, Math.round(profileShare * rows.length));
    for (let k = 0; k < rows.length; k++) label[rows[k]!] = k < nProfile ? PROFILE : TARGET;
  }
  const isHeldOut = new Uint8Array(nUsers);
  for (const u of heldOutUsers) isHeldOut[u] = 1;
  for (let r = 0; r < count; r++) {
    if (isHeldOut[userIx[r]!] === 1) continue;
    if (score[r] === WATCHED) {
      label[r] = TRAIN;
      continue;
    }
    const x = random();
    label[r] = x < validationShare ? VALIDATION : x < validationShare + testShare ? TEST : TRAIN;
  }

  const sizes = [0, 0, 0, 0, 0];
  for (let r = 0; r < count; r++) sizes[label[r]!]!++;
  const parts = sizes.map((n) => new Uint32Array(n));
  const filled = [0, 0, 0, 0, 0];
  for (let r = 0; r < count; r++) {
    const l = label[r]!;
    parts[l]![filled[l]!++] = r;
  }
  return {
    seed,
    train: parts[TRAIN]!,
    validation: parts[VALIDATION]!,
    test: parts[TEST]!,
    heldOutUsers,
    profile: parts[PROFILE]!,
    target: parts[TARGET]!,
  };
}
