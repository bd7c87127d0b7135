/** Server lists in chunks: what a newcomer costs at any server size, and lists written before chunks. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { addToServerList, CHUNK_SIZE, readServerList, removeFromServerList } from '../../src/store/serverLists.js';

const opened: RatingsStore[] = [];
async function tempStore(file = join(mkdtempSync(join(tmpdir(), 'anirec-lists-')), 's.sqlite')) {
  const store = await openRatingsStore(`sqlite://${file}`);
  opened.push(store);
  return { store, file };
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/** The store with every value written recorded (name and how many ids it lists). */
function recording(store: RatingsStore) {
  const writes: { name: string; ids: number }[] = [];
  const values = {
    readValue: (name: string) => store.readValue(name),
    updateValue: <T>(name: string, change: (current: unknown) => { value: unknown; result: T }) =>
      store.updateValue(name, (current) => {
        const out = change(current);
        // null over nothing writes nothing (updateValue compares the bytes).
        if (out.value !== current && !(out.value === null && current === undefined)) writes.push({ name, ids: ((out.value as { members?: unknown[] } | null)?.members ?? []).length });
        return out;
      }),
  };
  return { values, writes };
}

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, k) => `m${from + k}`);

describe('server lists', () => {
  it('given more members than a chunk holds then every one is listed once, in the order they came', async () => {
    const { store } = await tempStore();
    const members = ids(CHUNK_SIZE * 2 + 10);
    for (const id of members) await store.addGuildMember('g', id);
    await store.addGuildMember('g', members[3]!); // again: still once
    expect(await store.guildMembers('g')).toEqual(members);
  });

  it('given a server of 1,000 members then a newcomer rewrites one chunk, never the whole list', async () => {
    const { store } = await tempStore();
    for (const id of ids(1000)) await store.addGuildMember('big', id);
    const { values, writes } = recording(store);
    await addToServerList(values, 'big', 'newcomer');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.ids).toBeLessThanOrEqual(CHUNK_SIZE);
    expect(await readServerList(store, 'big')).toContain('newcomer');
  });

  it('given a member in a middle chunk then removing them rewrites that chunk alone and keeps the others', async () => {
    const { store } = await tempStore();
    const members = ids(CHUNK_SIZE * 2 + 5);
    for (const id of members) await store.addGuildMember('g', id);
    const { values, writes } = recording(store);
    await removeFromServerList(values, 'g', members[CHUNK_SIZE + 1]!);
    expect(writes.map((w) => w.name)).toEqual(['guild:g#1']);
    expect(await store.guildMembers('g')).toEqual(members.filter((_, k) => k !== CHUNK_SIZE + 1));
  });

  it('given a list written before chunks then it is still read, joined by newcomers, and shrinks on removal', async () => {
    const { store } = await tempStore();
    await store.updateValue('guild:old', () => ({ value: { members: ['a', 'b'] }, result: undefined }));
    await store.addGuildMember('old', 'c');
    await store.addGuildMember('old', 'a');
    expect(await store.guildMembers('old')).toEqual(['a', 'b', 'c']);
    await store.removeGuildMember('old', 'a');
    expect(await store.guildMembers('old')).toEqual(['b', 'c']);
  });

  it('given two processes adding members at once past a chunk boundary then nobody is lost', async () => {
    const { store: one, file } = await tempStore();
    const { store: two } = await tempStore(file);
    const left = ids(CHUNK_SIZE, 0);
    const right = ids(CHUNK_SIZE, 10_000);
    await Promise.all([
      (async () => {
        for (const id of left) await one.addGuildMember('g', id);
      })(),
      (async () => {
        for (const id of right) await two.addGuildMember('g', id);
      })(),
    ]);
    expect(new Set(await one.guildMembers('g'))).toEqual(new Set([...left, ...right]));
  });

  it('given a server never seen then its list is empty and removing someone writes nothing', async () => {
    const { store } = await tempStore();
    const { values, writes } = recording(store);
    await removeFromServerList(values, 'none', 'x');
    expect(writes).toEqual([]);
    expect(await store.guildMembers('none')).toEqual([]);
  });
});
