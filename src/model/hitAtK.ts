/**
 * The one Hit@k loop of the project (evaluation, blend tuning, tests): people to judge, each with the
 * profile they are folded in from and the anime that count as hits; their scores ranked with the profile
 * left out; Hit@k, Recall@k and NDCG@k counted over the ranked lists (metrics.ts judges one list).
 */
import type { Ratings } from '../data/types.js';
import { hitAt, ndcgAt, recallAt } from './metrics.js';
import type { Profile } from './types.js';
import { selectTopK } from './topK.js';

/** A person judged on ranking: folded in from profile, a hit when one of `relevant` is in their top k. */
export interface JudgedPerson {
  userIx: number;
  profile: Profile;
  /** Their rows held back for judging (all of them, whatever the score). */
  targetRows: Uint32Array;
  /** itemIx of target rows scored at least relevantMin. */
  relevant: Set<number>;
}

/** Row numbers grouped by user: start offsets per position in `users` and the rows in that order. */
function groupByUser(rows: Uint32Array, userIx: Int32Array, users: ArrayLike<number>): { start: Uint32Array; rows: Uint32Array } {
  const position = new Map<number, number>();
  for (let p = 0; p < users.length; p++) position.set(users[p]!, p);
  const start = new Uint32Array(users.length + 1);
  for (const r of rows) {
    const p = position.get(userIx[r]!);
    if (p !== undefined) start[p + 1]!++;
  }
  for (let p = 0; p < users.length; p++) start[p + 1]! += start[p]!;
  const next = start.slice(0, users.length);
  const out = new Uint32Array(start[users.length]!);
  for (const r of rows) {
    const p = position.get(userIx[r]!);
    if (p !== undefined) out[next[p]!++] = r;
  }
  return { start, rows: out };
}

/**
 * The given users (in that order) with their profileRows as the profile (rows in their given order) and
 * their targetRows to judge on: a target is relevant when scored relevantMin or more.
 */
export function judgedPeople(ratings: Ratings, profileRows: Uint32Array, targetRows: Uint32Array, users: ArrayLike<number>, relevantMin: number): JudgedPerson[] {
  const profiles = groupByUser(profileRows, ratings.userIx, users);
  const targets = groupByUser(targetRows, ratings.userIx, users);
  const people: JudgedPerson[] = [];
  for (let p = 0; p < users.length; p++) {
    const rows = profiles.rows.subarray(profiles.start[p]!, profiles.start[p + 1]!);
    const held = targets.rows.subarray(targets.start[p]!, targets.start[p + 1]!);
    const relevant = new Set<number>();
    for (const r of held) if (ratings.score[r]! >= relevantMin) relevant.add(ratings.itemIx[r]!);
    people.push({
      userIx: users[p]!,
      profile: { itemIx: Int32Array.from(rows, (r) => ratings.itemIx[r]!), score: Int8Array.from(rows, (r) => ratings.score[r]!) },
      targetRows: held,
      relevant,
    });
  }
  return people;
}

/** Users with at least one of `rows` scored relevantMin or more, ascending. */
export function usersWithRelevant(ratings: Ratings, rows: Uint32Array, relevantMin: number): number[] {
  const users = new Set<number>();
  for (const r of rows) if (ratings.score[r]! >= relevantMin) users.add(ratings.userIx[r]!);
  return [...users].sort((a, b) => a - b);
}

/**
 * The k best of scores with the excluded anime left out, best first (ties: lower itemIx first). scores is
 * the scratch (excluded entries become -Infinity) unless `into` is given: scores is then copied there first.
 */
export function topKExcluding(scores: Float32Array, k: number, exclude: Iterable<number>, into?: Float32Array): Int32Array {
  let ranked = scores;
  if (into !== undefined) {
    ranked = into.length === scores.length ? into : new Float32Array(scores.length);
    ranked.set(scores);
  }
  for (const i of exclude) if (i >= 0 && i < ranked.length) ranked[i] = -Infinity;
  return selectTopK(ranked, k);
}

/** Whether any of the top k of scores (excluded anime left out) is a target; scores is left untouched. */
export function hitsTopK(scores: Float32Array, k: number, excluded: Iterable<number>, targets: ReadonlySet<number>): boolean {
  return hitAt(k, topKExcluding(scores, k, excluded, new Float32Array(scores.length)), targets) === 1;
}

/** Hit@k, Recall@k and NDCG@k summed over ranked lists (each judged by metrics.ts), and the lists for coverage. */
export class RankingTally {
  users = 0;
  hits = 0;
  recall = 0;
  ndcg = 0;
  readonly lists: Int32Array[] = [];

  constructor(readonly k: number, private readonly keepLists = false) {}

  /** Judges one ranked list against its relevant anime; returns whether it hit. */
  add(top: Int32Array, relevant: ReadonlySet<number>): boolean {
    const hit = hitAt(this.k, top, relevant);
    this.users++;
    this.hits += hit;
    this.recall += recallAt(this.k, top, relevant);
    this.ndcg += ndcgAt(this.k, top, relevant);
    if (this.keepLists) this.lists.push(top);
    return hit === 1;
  }

  /** Ranks scores with `exclude` left out (see topKExcluding for `into`) and judges the top k. */
  rank(scores: Float32Array, exclude: Iterable<number>, relevant: ReadonlySet<number>, into?: Float32Array): boolean {
    return this.add(topKExcluding(scores, this.k, exclude, into), relevant);
  }

  /** Mean Hit@k over the lists judged (0 for none). */
  get hitRate(): number {
    return this.users > 0 ? this.hits / this.users : 0;
  }
}
