/**
 * Members' ratings as training data: `anirec train` adds the ratings store's members to the data folder's
 * users, so the next model learns real vectors for the new anime members rated. Members become extra
 * users with negative ids (-1, -2, ...: MyAnimeList's are positive, so the two never meet); anime they
 * rated that anime.csv lacks join the catalogue (from the merged one). A member who used /forget-me has
 * no record any more, so is in no later training.
 */
import { createHash } from 'node:crypto';
import { catalogueFromAnime } from './catalogue.js';
import { buildRatings } from './ratingTable.js';
import type { Anime, Catalogue, Dataset } from './types.js';

export interface MemberRows {
  /** Member id -> (MAL anime id -> score 1..10 or -1). */
  members: [string, Record<string, number>][];
}

export interface MemberRatingsReport {
  members: number;
  rows: number;
  explicit: number;
  /** Rows of anime missing from anime.csv (the reason to retrain with members). */
  newAnimeRows: number;
  /** Anime added to the catalogue because members rated them. */
  newAnime: number;
  /** Rows naming anime in neither catalogue (skipped). */
  unknown: number;
}

/** The store's member records, those with ratings, in id order. */
export async function readMemberRows(entries: AsyncIterable<[string, { ratings: Record<string, number> }]>): Promise<MemberRows> {
  const members: [string, Record<string, number>][] = [];
  for await (const [id, record] of entries) {
    if (Object.keys(record.ratings).length > 0) members.push([id, record.ratings]);
  }
  members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { members };
}

/**
 * The dataset with the members appended as users (after the data folder's, ids -1, -2, ...). `merged`
 * supplies the anime anime.csv lacks; only those some member rated are added (an anime nobody rated
 * would get an empty vector and then pass for one the model knows).
 */
export function withMemberRatings(dataset: Dataset, rows: MemberRows, merged: Catalogue | undefined): { dataset: Dataset; report: MemberRatingsReport } {
  const base = dataset.catalogue;
  const addedAnime: Anime[] = [];
  const addedIx = new Map<number, number>();
  const itemIxOf = (animeId: number): number | undefined => {
    const known = base.ixByAnimeId.get(animeId) ?? addedIx.get(animeId);
    if (known !== undefined) return known;
    const mergedIx = merged?.ixByAnimeId.get(animeId);
    if (mergedIx === undefined) return undefined;
    const ix = base.anime.length + addedAnime.length;
    addedAnime.push(merged!.anime[mergedIx]!);
    addedIx.set(animeId, ix);
    return ix;
  };
  const users: number[] = [];
  const items: number[] = [];
  const scores: number[] = [];
  const report: MemberRatingsReport = { members: rows.members.length, rows: 0, explicit: 0, newAnimeRows: 0, newAnime: 0, unknown: 0 };
  const nBaseUsers = dataset.ratings.userIds.length;
  rows.members.forEach(([, ratings], m) => {
    for (const [animeId, score] of Object.entries(ratings)) {
      const ix = itemIxOf(Number(animeId));
      if (ix === undefined || !(score === -1 || (Number.isInteger(score) && score >= 1 && score <= 10))) {
        report.unknown++;
        continue;
      }
      users.push(nBaseUsers + m);
      items.push(ix);
      scores.push(score);
      report.rows++;
      if (score !== -1) report.explicit++;
      if (ix >= base.anime.length) report.newAnimeRows++;
    }
  });
  report.newAnime = addedAnime.length;
  const r = dataset.ratings;
  const concat = <T extends Int32Array | Int8Array>(make: (n: number) => T, a: T, b: number[]): T => {
    const out = make(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const userIds = concat((n) => new Int32Array(n), r.userIds, rows.members.map((_, m) => -(m + 1)));
  const catalogue = addedAnime.length > 0 ? catalogueFromAnime([...base.anime, ...addedAnime]) : base;
  const ratings = buildRatings(
    concat((n) => new Int32Array(n), r.userIx.subarray(0, r.count), users),
    concat((n) => new Int32Array(n), r.itemIx.subarray(0, r.count), items),
    concat((n) => new Int8Array(n), r.score.subarray(0, r.count), scores),
    userIds,
    catalogue.anime.length,
  );
  const fingerprint = createHash('sha256').update(dataset.fingerprint).update(JSON.stringify(rows.members)).digest('hex');
  return { dataset: { ...dataset, catalogue, ratings, fingerprint }, report };
}
