/**
 * The group features through the real service: a real (planted) model, a real SQLite store, members
 * recorded per server as the front-ends record them (noteGuildUse).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../../src/data/titles.js';
import { createRateLimiter } from '../../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../../src/store/ratingsStore.js';
import { createService, type AnirecService } from '../../../src/service/index.js';
import { trainPlantedModel, type PlantedModel } from '../plantedModel.js';

let trained: PlantedModel;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function fresh(file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite')): Promise<{ service: AnirecService; store: RatingsStore; file: string }> {
  const store = await openRatingsStore(`sqlite://${file}`);
  stores.push(store);
  const model = trained.model;
  const service = createService({ model, store, titles: buildTitleIndex(model.catalogue), rateLimiter: createRateLimiter({ perMinute: 10_000 }) });
  return { service, store, file };
}

const GROUPS = ['Action', 'Comedy', 'Drama', 'Romance'];

/** Rates `n` anime of a planted group (Action Story 1..n etc.) with `score`. */
async function rateGroup(service: AnirecService, user: string, group: string, score: number, from = 1, n = 5) {
  for (let k = from; k < from + n; k++) await service.rate(user, `${group} Story ${k}`, score);
}

/** A member who loves one planted group and hates another, as the front-ends record them in a server. */
async function member(service: AnirecService, user: string, guild: string, loved: string, hated: string) {
  await rateGroup(service, user, loved, 9);
  await rateGroup(service, user, hated, 2);
  const neutral = GROUPS.find((g) => g !== loved && g !== hated)!;
  await rateGroup(service, user, neutral, 6, 1, 2);
  await service.noteGuildUse(user, guild);
}

describe('/twins', () => {
  it('given two servers and a member who opted out then only visible members of the same server are listed, closest first', async () => {
    const { service } = await fresh();
    await member(service, 'me', 'g1', 'Action', 'Comedy');
    await member(service, 'same-taste', 'g1', 'Action', 'Comedy');
    await member(service, 'opposite', 'g1', 'Comedy', 'Action');
    await member(service, 'hidden-twin', 'g1', 'Action', 'Comedy');
    await service.setHidden('hidden-twin', true);
    await member(service, 'other-server-twin', 'g2', 'Action', 'Comedy');
    // Rated, but never used the bot in g1: ratings follow a person across servers, the lists do not.
    await member(service, 'elsewhere', 'g2', 'Action', 'Comedy');

    const { twins, compared } = await service.groups.twins('g1', 'me');
    expect(twins.map((t) => t.memberId)).toEqual(['same-taste', 'opposite']);
    expect(compared).toBe(2);
    expect(twins[0]!.figure.value).toBeGreaterThan(80);
    expect(twins[1]!.figure.value).toBeLessThan(0);
    expect(twins[0]!.favourite?.name).toMatch(/^Action Story/);
    expect((await service.groups.twins('g2', 'other-server-twin')).twins.map((t) => t.memberId)).toEqual(['elsewhere']);
  });

  it('given a member who asks to be forgotten then they leave every server list, and /privacy hides for good until undone', async () => {
    const { service, store } = await fresh();
    await member(service, 'me', 'g1', 'Action', 'Comedy');
    await member(service, 'leaver', 'g1', 'Action', 'Comedy');
    await member(service, 'leaver', 'g2', 'Action', 'Comedy');
    expect((await service.groups.twins('g1', 'me')).twins.map((t) => t.memberId)).toEqual(['leaver']);
    expect(await service.forget('leaver')).toBe(true);
    expect(await store.guildMembers('g1')).toEqual(['me']);
    expect(await store.guildMembers('g2')).toEqual([]);
    expect((await service.groups.twins('g1', 'me')).twins).toEqual([]);

    await member(service, 'shy', 'g1', 'Action', 'Comedy');
    expect(await service.setHidden('shy', true)).toBe(true);
    // Rating again keeps the choice (the record keeps what is not ratings).
    await service.rate('shy', 'Action Story 9', 10);
    expect((await store.get('shy'))?.hidden).toBe(true);
    expect((await service.groups.twins('g1', 'me')).twins).toEqual([]);
    await expect(service.groups.affinity('g1', 'me', { id: 'shy', label: 'Shy' })).rejects.toThrow("Shy is not in this server's lists");
    await expect(service.groups.twins('g1', 'shy')).rejects.toThrow('you left the server lists');
    expect(await service.setHidden('shy', false)).toBe(false);
    expect((await service.groups.twins('g1', 'me')).twins.map((t) => t.memberId)).toEqual(['shy']);
  });
});

describe('/affinity', () => {
  it('given 11+ shared scores then MyAnimeList\'s figure with shared loves and the widest disagreement; fewer then the estimate', async () => {
    const { service } = await fresh();
    await member(service, 'a', 'g', 'Action', 'Comedy');
    await member(service, 'b', 'g', 'Action', 'Drama');
    const result = await service.groups.affinity('g', 'a', { id: 'b', label: 'B' });
    // Shared: Action 1-5 (both 9), Comedy 1-2 (a 2, b 6) and Drama 1-2 (a 6, b 2): 9 scores, below MAL's 11.
    expect(result.figure?.kind).toBe('estimate');
    expect(result.loves.map((a) => a.name)).toEqual(['Action Story 1', 'Action Story 2', 'Action Story 3']);
    expect(result.disagreement).toMatchObject({ mine: expect.any(Number), theirs: expect.any(Number) });
    expect(Math.abs(result.disagreement!.mine - result.disagreement!.theirs)).toBe(4);

    await rateGroup(service, 'a', 'Romance', 7, 1, 6);
    await rateGroup(service, 'b', 'Romance', 7, 1, 5);
    await service.rate('b', 'Romance Story 6', 8);
    const mal = await service.groups.affinity('g', 'a', { id: 'b', label: 'B' });
    expect(mal.figure).toMatchObject({ kind: 'mal', shared: 15 });
  });

  it('given someone who never used the bot in the server, or oneself, then a clear refusal', async () => {
    const { service } = await fresh();
    await member(service, 'a', 'g', 'Action', 'Comedy');
    await member(service, 'b', 'other', 'Action', 'Comedy');
    await expect(service.groups.affinity('g', 'a', { id: 'b', label: 'B' })).rejects.toThrow("member: B is not in this server's lists");
    await expect(service.groups.affinity('g', 'a', { id: 'a', label: 'A' })).rejects.toThrow('someone other than yourself');
  });
});

describe('/watch-party', () => {
  it('given a planted party then the picks are from the group nobody hates, unseen by all, each member scored; a member without ratings is named and left out', async () => {
    const { service } = await fresh();
    await member(service, 'a', 'g', 'Action', 'Comedy');
    await member(service, 'b', 'g', 'Action', 'Drama');
    await member(service, 'c', 'g', 'Comedy', 'Action');
    await service.noteGuildUse('newcomer', 'g');
    const result = await service.groups.watchParty('g', ['a', 'b', 'c', 'newcomer']);
    expect(result.members).toEqual(['a', 'b', 'c']);
    expect(result.leftOut).toEqual([{ memberId: 'newcomer', reason: 'no_ratings' }]);
    expect(result.picks).toHaveLength(10);
    // Action has the best mean (two love it) but c hates it; Romance is nobody's favourite and nobody's
    // dislike: the group's picks. (The plain mean would put Action first.)
    expect(result.picks.slice(0, 3).map((p) => p.anime.genres)).toEqual([['Romance'], ['Romance'], ['Romance']]);
    const seen = new Set<number>();
    for (const id of ['a', 'b', 'c']) for (const ix of (await service.members([id]))[0]!.rated) seen.add(ix);
    for (const pick of result.picks) {
      expect(seen.has(pick.anime.itemIx)).toBe(false);
      expect(pick.predicted).toHaveLength(3);
    }
  });
});

describe('/server-top', () => {
  it('given members of a server then anime with fewer than 3 raters are not listed, and hidden members are not counted', async () => {
    const { service } = await fresh();
    for (const id of ['a', 'b', 'c']) {
      await service.rate(id, 'Drama Story 1', 8);
      await service.noteGuildUse(id, 'g');
    }
    await service.rate('a', 'Comedy Story 1', 10); // one 10 alone does not top the list
    await service.rate('a', 'Action Story 1', 10);
    await service.rate('b', 'Action Story 1', 10);
    const top = await service.groups.serverTop('g', 5);
    expect(top.entries.map((e) => [e.anime.name, e.mean, e.raters])).toEqual([['Drama Story 1', 8, 3]]);
    await service.setHidden('c', true);
    expect((await service.groups.serverTop('g', 5)).entries).toEqual([]);
  });
});

describe('stores made before server lists', () => {
  it('given a member record without servers then it reads as before and joins a server on first use', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'old.sqlite');
    // An old record, written the way Keyv wrote them: no guilds, no privacy.
    const keyv = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${file}` }), namespace: 'anirec' });
    await keyv.set('member:old', { ratings: { '1000': 9, '1004': 8 }, updatedAt: 1 });
    await keyv.disconnect();
    const { service, store } = await fresh(file);
    expect((await service.listRatings('old')).total).toBe(2);
    expect(await store.guildMembers('g')).toEqual([]);
    await service.noteGuildUse('old', 'g');
    expect(await store.guildMembers('g')).toEqual(['old']);
    expect(await store.get('old')).toMatchObject({ ratings: { '1000': 9, '1004': 8 }, guilds: ['g'] });
  });
});

describe('caches bounded by server', () => {
  it('given more servers than the caches hold then every server still gets its own, current answer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite');
    const store = await openRatingsStore(`sqlite://${file}`);
    stores.push(store);
    const model = trained.model;
    const service = createService({ model, store, titles: buildTitleIndex(model.catalogue), rateLimiter: createRateLimiter({ perMinute: 10_000 }), serverCacheSize: 2, rosterCacheSize: 1 });
    for (let g = 0; g < 5; g++) {
      await member(service, `me${g}`, `g${g}`, 'Action', 'Comedy');
      await member(service, `twin${g}`, `g${g}`, 'Action', 'Comedy');
    }
    for (let round = 0; round < 2; round++) {
      for (let g = 0; g < 5; g++) expect((await service.groups.twins(`g${g}`, `me${g}`)).twins.map((t) => t.memberId)).toEqual([`twin${g}`]);
    }
    // A member joining an evicted server is seen there.
    await member(service, 'late', 'g0', 'Action', 'Comedy');
    expect((await service.groups.twins('g0', 'me0')).twins.map((t) => t.memberId).sort()).toEqual(['late', 'twin0']);
  });
});
