import { describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../src/data/catalogue.js';
import { loadDataset } from '../../src/data/dataset.js';
import { readMemberRows, withMemberRatings } from '../../src/data/memberRatings.js';
import type { Anime } from '../../src/data/types.js';
import { trainAnirecModel } from '../../src/model/anirecModel.js';
import { dropTrainedUsers } from '../../src/model/dropTrainedUsers.js';
import { makePlanted, writePlanted } from '../../support/planted.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NEW_ID = 90001;
const newAnime: Anime = { animeId: NEW_ID, name: 'Shin Saga', genres: [], type: 'TV', episodes: null, malScore: null, members: 0, aired: '2026-01-08' };
const unrated: Anime = { ...newAnime, animeId: 90002, name: 'Unrated' };

async function* entries(list: [string, Record<string, number>][]) {
  for (const [id, ratings] of list) yield [id, { ratings, updatedAt: 1 }] as [string, { ratings: Record<string, number>; updatedAt: number }];
}

describe('withMemberRatings and retraining', () => {
  it('given members who rated a new anime then the next model learns it from them, ids apart, and keeps no member vector', async () => {
    const planted = makePlanted({ users: 200, anime: 80, groups: 4, ratingsPerUser: 20, seed: 7 });
    const dir = writePlanted(join(mkdtempSync(join(tmpdir(), 'anirec-')), 'data'), planted);
    const dataset = await loadDataset(dir, { cache: false });
    const merged = catalogueFromAnime([...dataset.catalogue.anime, newAnime, unrated]);
    const group = (g: number) => Array.from(planted.groupOfItem).flatMap((x, ix) => (x === g ? [String(dataset.catalogue.anime[ix]!.animeId)] : []));
    const members: [string, Record<string, number>][] = [];
    for (let m = 0; m < 30; m++) {
      const ratings: Record<string, number> = {};
      const loves = m % 2 === 0 ? 0 : 1;
      for (const id of group(loves).slice(0, 8)) ratings[id] = 10;
      for (const id of group(1 - loves).slice(0, 5)) ratings[id] = 2;
      ratings[String(NEW_ID)] = loves === 0 ? 10 : 2;
      ratings['424242'] = 5; // in neither catalogue
      members.push([`${1_000_000_000_000_000_000n + BigInt(m)}`, ratings]);
    }
    const rows = await readMemberRows(entries(members));
    expect(rows.members.length).toBe(30);

    const { dataset: withMembers, report } = withMemberRatings(dataset, rows, merged);
    expect(report).toEqual({ members: 30, rows: 30 * 14, explicit: 30 * 14, newAnimeRows: 30, newAnime: 1, unknown: 30 });
    // Only the anime members rated joins (an unrated one would pass for known with an empty vector).
    expect(withMembers.catalogue.anime.map((a) => a.animeId).slice(-2)).toEqual([dataset.catalogue.anime.at(-1)!.animeId, NEW_ID]);
    expect(Array.from(withMembers.ratings.userIds.slice(-30))).toEqual(Array.from({ length: 30 }, (_, m) => -(m + 1)));
    expect(withMembers.ratings.count).toBe(dataset.ratings.count + 30 * 14);
    expect(withMembers.fingerprint).not.toBe(dataset.fingerprint);

    const model = await trainAnirecModel(withMembers, { quiet: true, explicitKinds: ['embedding'], explicit: { epochs: 8, threads: 1, dim: 8 }, beta: 0.1 });
    const newIx = model.catalogue.ixByAnimeId.get(NEW_ID)!;
    const neighbours = model.similar(newIx, 10).map((n) => planted.groupOfItem[n.itemIx]);
    expect(neighbours.filter((g) => g === 0).length).toBeGreaterThanOrEqual(7);

    const before = model.explicit.modelState.userIds.filter((id) => id < 0).length;
    expect(before).toBeGreaterThan(0);
    const dropped = dropTrainedUsers(model, (id) => id < 0);
    expect(dropped).toBe(before);
    const state = model.explicit.modelState;
    expect(state.userIds.filter((id) => id < 0).length).toBe(0);
    // The anime's vector stays; every member row is zero and untrained.
    expect(model.ratingCount[newIx]).toBeGreaterThan(0);
    const firstMember = dataset.ratings.userIds.length;
    expect(state.userCounts[firstMember]).toBe(0);
    expect(Array.from(state.tables.P.subarray(firstMember * 8, firstMember * 8 + 8)).every((x) => x === 0)).toBe(true);
  }, 60_000);
});
