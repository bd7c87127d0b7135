/**
 * One store shared by several writers, on each backend (a SQLite file, a real Redis, a real PostgreSQL):
 * two stores opened on the same backend stand for two processes (each has its own connection, lock and
 * cache). No acknowledged rating is lost, vectors equal a fresh fold-in, and a member's /recommend in one
 * process reflects the rating just acknowledged by the other.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { type AnirecService } from '../../src/service/index.js';
import { composeService } from '../../src/app/compose.js';
import { sharedStoreUrls } from '../../support/servers.js';
import { trainPlantedModel, type PlantedModel } from '../service/plantedModel.js';
import { expectVectorIsFreshFoldIn } from '../store/storeChecks.js';

let trained: PlantedModel;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

const BACKENDS: Record<string, () => string> = {
  sqlite: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 'shared.sqlite')}`,
  redis: () => sharedStoreUrls().redis,
  postgres: () => sharedStoreUrls().postgres,
};

async function open(url: string): Promise<RatingsStore> {
  const store = await openRatingsStore(url, { onError: () => undefined });
  stores.push(store);
  return store;
}

const id = (itemIx: number) => String(1000 + itemIx);
/** A member id no other test (or earlier run on the same server) uses. */
const freshMember = () => `9${BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 14)}`).toString().padStart(17, '0').slice(0, 17)}`;

describe.each(Object.keys(BACKENDS))('a store shared by two writers on %s', (backend) => {
  let url: string;
  let a: RatingsStore;
  let b: RatingsStore;
  let serviceA: AnirecService;
  let serviceB: AnirecService;
  beforeAll(async () => {
    url = BACKENDS[backend]!();
    [a, b] = [await open(url), await open(url)];
    serviceA = composeService({ model: trained.model, store: a, rateLimitPerMinute: 100_000 });
    serviceB = composeService({ model: trained.model, store: b, rateLimitPerMinute: 100_000 });
    expect(a.shared && b.shared).toBe(true);
  });

  it('given the same members rated at once through both then every acknowledged rating is kept and every vector is a fresh fold-in', async () => {
    const members = [freshMember(), freshMember(), freshMember()];
    const acknowledged: { member: string; animeId: string; score: number }[] = [];
    await Promise.all(
      members.flatMap((member, m) =>
        Array.from({ length: 40 }, async (_, i) => {
          const service = i % 2 === 0 ? serviceA : serviceB;
          const score = 1 + ((i + m) % 10);
          await service.rate(member, id(i), score);
          acknowledged.push({ member, animeId: id(i), score });
        }),
      ),
    );
    expect(acknowledged).toHaveLength(120);
    const check = await open(url);
    for (const member of members) {
      const record = await check.get(member);
      const mine = acknowledged.filter((r) => r.member === member);
      expect(record?.ratings).toEqual(Object.fromEntries(mine.map((r) => [r.animeId, r.score])));
      expectVectorIsFreshFoldIn(trained.model, record);
    }
  });

  it('given a rating acknowledged by one then the other recommends from a vector that includes it', async () => {
    const member = freshMember();
    for (const ix of [0, 4, 8]) await serviceA.rate(member, id(ix), 10);
    const before = await serviceB.recommend(member, { count: 10 });
    expect(before.personalised).toBe(true);
    const next = before.picks[0]!.anime;
    await serviceA.rate(member, String(next.animeId), 1);
    // B cached the member's picks: it must notice the newer record and leave the anime just rated out.
    const after = await serviceB.recommend(member, { count: 10 });
    expect(after.picks.map((p) => p.anime.animeId)).not.toContain(next.animeId);
    expect((await serviceB.listRatings(member)).total).toBe(4);
  });

  it('given a member forgotten through one then the other no longer sees them, and a stale writer cannot bring them back', async () => {
    const member = freshMember();
    await serviceA.rate(member, id(1), 7);
    expect((await serviceB.listRatings(member)).total).toBe(1);
    expect(await serviceB.forget(member)).toBe(true);
    expect((await serviceA.listRatings(member)).total).toBe(0);
    // A believed it knew the member's record; its next change must start from "nothing stored".
    await serviceA.rate(member, id(2), 5);
    expect((await b.get(member))?.ratings).toEqual({ [id(2)]: 5 });
  });
});
