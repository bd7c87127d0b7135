/** Community records: who rated which anime the model does not know, under keys no member listing sees. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { communityRecords, isCommunityId } from '../../src/store/communityRecords.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';

const opened: RatingsStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});
async function tempStore() {
  const store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-community-')), 's.sqlite')}`);
  opened.push(store);
  return store;
}

describe('community records', () => {
  it('given raters coming and going then the index lists exactly the anime that have raters', async () => {
    const records = communityRecords(await tempStore());
    expect(await records.setRater(7, 'ann', 9)).toBe('entered');
    expect(await records.setRater(7, 'bob', 4)).toBe('same');
    expect(await records.setRater(8, 'ann', 6)).toBe('entered');
    await records.moveInIndex(new Map([[7, 'entered'], [8, 'entered']]));
    expect((await records.ratedAnime()).sort()).toEqual([7, 8]);
    expect(await records.raters(7)).toEqual({ ann: 9, bob: 4 });
    expect(await records.setRater(8, 'ann', undefined)).toBe('left');
    await records.moveInIndex(new Map([[8, 'left']]));
    expect(await records.ratedAnime()).toEqual([7]);
    expect(await records.raters(8)).toEqual({});
  });

  it('given community records beside members then the store lists only the members', async () => {
    const store = await tempStore();
    await store.set('ann', { ratings: { '1': 9 }, updatedAt: 1 });
    const records = communityRecords(store);
    await records.setRater(7, 'ann', 9);
    await records.moveInIndex(new Map([[7, 'entered']]));
    const ids: string[] = [];
    for await (const [id] of store.entries()) ids.push(id);
    expect(ids).toEqual(['ann']);
    expect(isCommunityId('community:index')).toBe(true);
    expect(isCommunityId('ann')).toBe(false);
  });
});
