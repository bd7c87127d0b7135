import { describe, expect, it } from 'vitest';
import { makeSplits } from '../../src/data/splits.js';
import { WATCHED, type Ratings, type Splits } from '../../src/data/types.js';
import { makePlanted } from '../../support/planted.js';

const ratings = makePlanted({ users: 400, anime: 80, ratingsPerUser: 25, watchedShare: 0.2 }).ratings;

function parts(s: Splits): Uint32Array[] {
  return [s.train, s.validation, s.test, s.profile, s.target];
}

function isAscending(a: Uint32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! >= a[i]!) return false;
  return true;
}

/** A hand-made Ratings: rows as [userIx, itemIx, score]. */
function ratingsOf(rows: [number, number, number][], nUsers: number): Ratings {
  return {
    count: rows.length,
    userIx: Int32Array.from(rows.map((r) => r[0])),
    itemIx: Int32Array.from(rows.map((r) => r[1])),
    score: Int8Array.from(rows.map((r) => r[2])),
    userIds: Int32Array.from({ length: nUsers }, (_, u) => 100 + u),
    ixByUserId: new Map(Array.from({ length: nUsers }, (_, u) => [100 + u, u])),
    nItems: 50,
  };
}

describe('makeSplits', () => {
  const splits = makeSplits(ratings);

  it('given ratings then the five parts are disjoint, cover every row and are sorted ascending', () => {
    const seen = new Uint8Array(ratings.count);
    for (const part of parts(splits)) {
      expect(part).toBeInstanceOf(Uint32Array);
      expect(isAscending(part)).toBe(true);
      for (const r of part) seen[r]!++;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('given the default shares then about 10% of users are held out and 10%/10% of known explicit rows are validation/test', () => {
    expect(splits.heldOutUsers.length).toBe(40);
    const knownExplicit = splits.train.filter((r) => ratings.score[r] !== WATCHED).length + splits.validation.length + splits.test.length;
    expect(splits.validation.length / knownExplicit).toBeGreaterThan(0.08);
    expect(splits.validation.length / knownExplicit).toBeLessThan(0.12);
    expect(splits.test.length / knownExplicit).toBeGreaterThan(0.08);
    expect(splits.test.length / knownExplicit).toBeLessThan(0.12);
  });

  it('given known users then all their watched rows are in train and validation/test hold only explicit rows', () => {
    const heldOut = new Set(splits.heldOutUsers);
    const train = new Set(splits.train);
    for (let r = 0; r < ratings.count; r++) {
      if (!heldOut.has(ratings.userIx[r]!) && ratings.score[r] === WATCHED) expect(train.has(r)).toBe(true);
    }
    for (const r of [...splits.validation, ...splits.test]) expect(ratings.score[r]).not.toBe(WATCHED);
  });

  it('given held-out users then only their rows are in profile/target, split about 80/20 per user with at least one target', () => {
    const heldOut = new Set(splits.heldOutUsers);
    for (const part of [splits.train, splits.validation, splits.test]) {
      for (const r of part) expect(heldOut.has(ratings.userIx[r]!)).toBe(false);
    }
    const profileOf = new Map<number, number>();
    const targetOf = new Map<number, number>();
    for (const r of splits.profile) profileOf.set(ratings.userIx[r]!, (profileOf.get(ratings.userIx[r]!) ?? 0) + 1);
    for (const r of splits.target) targetOf.set(ratings.userIx[r]!, (targetOf.get(ratings.userIx[r]!) ?? 0) + 1);
    for (const u of splits.heldOutUsers) {
      const p = profileOf.get(u) ?? 0;
      const t = targetOf.get(u) ?? 0;
      expect(t).toBeGreaterThanOrEqual(1);
      expect(p).toBe(Math.min(p + t - 1, Math.round(0.8 * (p + t))));
    }
    expect(isAscending(Uint32Array.from(splits.heldOutUsers))).toBe(true);
  });

  it('given the same seed then the split is identical, and a different seed gives a different one', () => {
    expect(makeSplits(ratings, { seed: 42 })).toEqual(splits);
    const other = makeSplits(ratings, { seed: 7 });
    expect(other.seed).toBe(7);
    expect(Array.from(other.heldOutUsers)).not.toEqual(Array.from(splits.heldOutUsers));
    expect(Array.from(other.test)).not.toEqual(Array.from(splits.test));
  });

  it('given users below minHeldOutRatings explicit ratings then they are never held out', () => {
    // Users 0-2 have 6 explicit rows; users 3-9 have 4 explicit plus 5 watched rows each.
    const rows: [number, number, number][] = [];
    for (let u = 0; u < 10; u++) {
      const explicit = u < 3 ? 6 : 4;
      for (let i = 0; i < explicit; i++) rows.push([u, i, 7]);
      if (u >= 3) for (let i = 0; i < 5; i++) rows.push([u, 20 + i, WATCHED]);
    }
    const s = makeSplits(ratingsOf(rows, 10), { heldOutUserShare: 0.5, minHeldOutRatings: 5 });
    expect(Array.from(s.heldOutUsers)).toEqual([0, 1, 2]);
  });

  it('given a share outside 0..1 then InvalidOptionError names the option', () => {
    expect(() => makeSplits(ratings, { testShare: 1.5 })).toThrow('testShare: 1.5 is not a share between 0 and 1');
    expect(() => makeSplits(ratings, { validationShare: 0.6, testShare: 0.6 })).toThrow('validationShare: validation 0.6 + test 0.6 exceed 1');
  });

  it('given no ratings then every part is empty', () => {
    const s = makeSplits(ratingsOf([], 0));
    expect(parts(s).map((p) => p.length)).toEqual([0, 0, 0, 0, 0]);
    expect(s.heldOutUsers.length).toBe(0);
  });
});
