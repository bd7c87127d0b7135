/**
 * /privacy and /forget-me seen from another process: two services, each on its own connection to one
 * SQLite file (own caches, as two shards or two consoles have), the second one warm before the change.
 * From the next command on, the second never lists, counts or shows the member. And /forget-me, failed at
 * each of its steps in turn, is finished by another process and leaves no key naming the member.
 * (test/full/privacyAcrossProcesses.test.ts runs the same across real processes on SQLite, Redis and PostgreSQL.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../src/data/catalogue.js';
import { buildTitleIndex } from '../../src/data/titles.js';
import type { Anime, Catalogue } from '../../src/data/types.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService, type AnirecService } from '../../src/service/index.js';
import { PENDING_NAME } from '../../src/service/forget.js';
import { trainPlantedModel, type PlantedModel } from './plantedModel.js';

let trained: PlantedModel;
let catalogue: Catalogue;
const stores: RatingsStore[] = [];
const NEW_ANIME = 90001;

beforeAll(async () => {
  trained = await trainPlantedModel();
  const extra: Anime[] = [{ animeId: NEW_ANIME, name: 'Shin Action Saga', genres: [], type: 'TV', episodes: null, malScore: null, members: 0, aired: '2026-01-08' }];
  catalogue = catalogueFromAnime([...trained.model.catalogue.anime, ...extra]);
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite');

async function processOn(file: string, wrap: (store: RatingsStore) => RatingsStore = (s) => s): Promise<AnirecService> {
  const store = await openRatingsStore(`sqlite://${file}`, { onError: () => undefined });
  stores.push(store);
  return createService({ model: trained.model, store: wrap(store), catalogue, titles: buildTitleIndex(catalogue), rateLimiter: createRateLimiter({ perMinute: 100_000 }) });
}

const groupIds = (group: number) => Array.from(trained.planted.groupOfItem).flatMap((g, itemIx) => (g === group ? [String(1000 + itemIx)] : []));

/** A member of server g who loves planted group 0 (so everyone's twin), with a rating of the community anime. */
async function member(service: AnirecService, userId: string, guilds: string[] = ['g']) {
  for (const id of groupIds(0).slice(0, 6)) await service.rate(userId, id, 10);
  for (const id of groupIds(1).slice(0, 4)) await service.rate(userId, id, 2);
  await service.rate(userId, String(NEW_ANIME), 9);
  for (const guild of guilds) await service.noteGuildUse(userId, guild);
}

/** Every stored key and value of a SQLite store file. */
async function rowsOf(file: string): Promise<{ key: string; value: string }[]> {
  const db = new sqlite3.Database(file);
  try {
    return await new Promise((resolve, reject) => db.all('SELECT key, value FROM keyv', (error, rows) => (error ? reject(error) : resolve(rows as { key: string; value: string }[]))));
  } finally {
    db.close();
  }
}

async function everythingShown(service: AnirecService, asker: string) {
  const twins = await service.groups.twins('g', asker);
  const top = await service.groups.serverTop('g', 25);
  return { twins: twins.twins.map((t) => t.memberId), compared: twins.compared, raters: top.raters };
}

describe.each(['privacy', 'forget'] as const)('given /%s in one process, another process warm before it', (change) => {
  it('then from its next command on the other process never lists, counts or shows the member', async () => {
    const file = tempFile();
    const one = await processOn(file);
    const other = await processOn(file);
    for (const id of ['alice', 'bob', 'carol']) await member(one, id);
    // The other process has everyone cached: rosters, server lists, members.
    const before = await everythingShown(other, 'bob');
    expect(before.twins.sort()).toEqual(['alice', 'carol']);
    expect(before.raters).toBe(3);
    await other.groups.watchParty('g', ['bob', 'alice']);

    if (change === 'privacy') await one.setHidden('alice', true);
    else await one.forget('alice');

    const after = await everythingShown(other, 'bob');
    expect(after.twins).toEqual(['carol']);
    expect(after.compared).toBe(1);
    expect(after.raters).toBe(2);
    const party = await other.groups.watchParty('g', ['bob', 'alice']);
    expect(party.members).toEqual(['bob']);
    // Hidden, forgotten or never here: the same words for all of them.
    expect(party.leftOut).toEqual([{ memberId: 'alice', reason: 'not_here' }]);
    const never = await other.groups.watchParty('g', ['bob', 'stranger']);
    expect(never.leftOut).toEqual([{ memberId: 'stranger', reason: 'not_here' }]);
    await expect(other.groups.affinity('g', 'bob', { id: 'alice', label: 'Alice' })).rejects.toThrow("Alice is not in this server's lists");
  });
});

describe('a member forgotten in one process who comes back in another', () => {
  it('given the other process still lists them for the server then their return is written down, and they are listed again', async () => {
    const file = tempFile();
    const one = await processOn(file);
    const other = await processOn(file);
    for (const id of ['alice', 'bob']) await member(other, id);
    await other.groups.twins('g', 'bob'); // the other process knows alice is in g
    await one.forget('alice');
    await member(other, 'alice');
    const [alice] = await other.members(['alice']);
    expect(alice?.record.guilds).toEqual(['g']);
    expect((await other.groups.twins('g', 'bob')).twins.map((t) => t.memberId)).toEqual(['alice']);
  });
});

describe('a watch party', () => {
  it('given an unlisted member in the party then what they have seen shapes nothing', async () => {
    const file = tempFile();
    const service = await processOn(file);
    for (const id of ['alice', 'bob']) await member(service, id);
    const alone = await service.groups.watchParty('g', ['bob', 'alice']);
    // Someone who rated elsewhere, and whose ratings would remove anime from the picks.
    for (const id of groupIds(2)) await service.rate('outsider', id, 8);
    await service.noteGuildUse('outsider', 'elsewhere');
    const withOutsider = await service.groups.watchParty('g', ['bob', 'alice', 'outsider']);
    expect(withOutsider.picks.map((p) => p.anime.animeId)).toEqual(alone.picks.map((p) => p.anime.animeId));
  });
});

/** Fails the `failAt`-th store call made while `armed` (1-based), once. */
function failingOnce(failAt: number) {
  const state = { armed: false, calls: 0, failed: false };
  const wrap = (store: RatingsStore): RatingsStore => {
    const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        if (state.armed && ++state.calls === failAt) {
          state.failed = true;
          return Promise.reject(new Error(`planted failure at store call ${failAt}`));
        }
        return fn(...args);
      };
    return {
      ...store,
      description: store.description,
      shared: store.shared,
      get: guard(store.get.bind(store)),
      update: guard(store.update.bind(store)) as RatingsStore['update'],
      readValue: guard(store.readValue.bind(store)),
      updateValue: guard(store.updateValue.bind(store)) as RatingsStore['updateValue'],
      addGuildMember: guard(store.addGuildMember.bind(store)),
      removeGuildMember: guard(store.removeGuildMember.bind(store)),
      guildMembers: guard(store.guildMembers.bind(store)),
    };
  };
  return { state, wrap };
}

describe('/forget-me, failed at each step once', () => {
  it('then another process finishes it, and no stored key or value names the member', async () => {
    let steps = 0;
    for (let failAt = 1; ; failAt++) {
      const file = tempFile();
      const { state, wrap } = failingOnce(failAt);
      const one = await processOn(file, wrap);
      await member(one, 'alice', ['g', 'h']);
      await member(one, 'bob', ['g']);
      const naming = (rows: { key: string; value: string }[]) => rows.filter((r) => r.key.includes('alice') || r.value.includes('alice'));
      const untouched = naming(await rowsOf(file));
      state.armed = true;
      const first = await one.forget('alice').then(
        () => 'done',
        (error: Error) => error.message,
      );
      state.armed = false;
      if (!state.failed) {
        // Every step has been failed once: the last run met no failure at all.
        expect(first).toBe('done');
        steps = failAt - 1;
        break;
      }
      expect(first).toMatch(/planted failure|did not confirm|could not/);
      const other = await processOn(file);
      await other.finishPendingForgets();
      const rows = await rowsOf(file);
      expect(rows.some((r) => r.key.endsWith(PENDING_NAME))).toBe(false);
      const left = naming(rows);
      if (left.length > 0) {
        // Failed before the request was written down: nothing changed, and the member was told to try again.
        expect(left, `failed at store call ${failAt}`).toEqual(untouched);
        expect(await other.forget('alice')).toBe(true);
        expect(naming(await rowsOf(file))).toEqual([]);
      }
      // bob is untouched, and the community anime no longer rests on alice's rating.
      expect((await other.members(['bob']))[0]?.record.guilds).toEqual(['g']);
      expect((await other.similar('bob', String(NEW_ANIME))).restsOn).toBe(1);
    }
    expect(steps).toBeGreaterThanOrEqual(6);
  });

  it('given a member who rates again after asking then the leftover request does not remove the new ratings', async () => {
    const file = tempFile();
    const { state, wrap } = failingOnce(4);
    const one = await processOn(file, wrap);
    await member(one, 'alice');
    state.armed = true;
    await expect(one.forget('alice')).rejects.toThrow();
    state.armed = false;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await one.rate('alice', groupIds(3)[0]!, 7);
    const other = await processOn(file);
    await other.finishPendingForgets();
    const [alice] = await other.members(['alice']);
    expect(Object.keys(alice?.record.ratings ?? {})).toEqual([groupIds(3)[0]!]);
  });
});
