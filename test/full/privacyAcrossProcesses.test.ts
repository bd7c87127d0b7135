/**
 * Two real consoles (`anirec start` without a token) on one store, on each backend: a SQLite file, a real
 * Redis, a real PostgreSQL. After /privacy lists:hidden or /forget-me in one, the other never lists,
 * counts or shows the member from its next command on, though it had them all cached. And processes
 * adding members to one server's list at once lose none of them (the list's compare-and-swap).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_GUILD } from '../../src/interfaces/console.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../../support/childProcess.js';
import { prepareTestModel, type TestModel } from '../e2e/testModel.js';
import { SHARED_BACKENDS } from '../../support/servers.js';

let tm: TestModel;
beforeAll(async () => {
  tm = await prepareTestModel();
});
afterAll(killAllChildren);

const BACKENDS: Record<string, () => string> = SHARED_BACKENDS;

/** A console you type into: `run` sends lines and resolves with what they printed. */
function consoleOn(url: string) {
  const child: AnirecChild = spawnAnirec(
    ['start'],
    { ANIREC_STORE_URL: url, ANIREC_MODEL_DIR: tm.modelDir, ANIREC_DATA_DIR: tm.dataDir, ANIREC_CACHE_DIR: tm.cacheDir, ANIREC_WATCH_MODEL: 'false' },
    undefined,
    { stdin: 'pipe' },
  );
  let marks = 0;
  return {
    child,
    async run(...lines: string[]): Promise<string> {
      const mark = `sync-${++marks}`;
      const from = child.stdout().length;
      child.process.stdin!.write([...lines, `/${mark}`, ''].join('\n'));
      await child.waitForOutput(new RegExp(`Unknown command /${mark}\\.`), 30_000);
      return child.stdout().slice(from);
    },
  };
}

// The console is one server shared by every run on the same Redis or PostgreSQL: each run's members carry its tag.
const twinsOf = (out: string, tag: string) =>
  (/== Your taste twins in this server ==\n([\s\S]*?)\n\(/.exec(out)?.[1] ?? '')
    .split('\n')
    .map((l) => l.replace(/^\d\. /, '').replace(/ ·.*/, ''))
    .filter((name) => name.endsWith(tag))
    .sort();
const comparedOf = (out: string) => Number(/Compared with (\d+) member/.exec(out)?.[1] ?? Number.NaN);
const ratersOf = (out: string) => Number(/(\d+) members? (?:who )?rates? here/.exec(out)?.[1] ?? Number.NaN);

describe.each(Object.keys(BACKENDS))('two consoles on one %s store', (backend) => {
  it.each(['privacy', 'forget'])('given /%s in one then the other never lists, counts or shows the member from its next command on', async (change) => {
    const url = BACKENDS[backend]!();
    // Names no other run on the shared server has used.
    const tag = `-${change[0]}${Date.now() % 1_000_000}`;
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => `${n}${tag}`);
    // The console's server is shared by every earlier run on this Redis or PostgreSQL: start it empty.
    const store = await openRatingsStore(url);
    for (const id of await store.guildMembers(CONSOLE_GUILD)) await store.removeGuildMember(CONSOLE_GUILD, id);
    await store.close();
    const one = consoleOn(url);
    const other = consoleOn(url);
    const taste = ['/rate Action Story 1 10', '/rate Action Story 2 9', '/rate Action Story 3 10', '/rate Comedy Story 1 2', '/rate Comedy Story 2 1', '/rate Drama Story 1 6'];
    await one.run(`/as ${alice}`, ...taste, `/as ${carol}`, ...taste, `/as ${dave}`, ...taste);
    const before = await other.run(`/as ${bob}`, ...taste, '/twins', '/server-top', `/watch-party members:@${bob} @${alice}`);
    expect(twinsOf(before, tag)).toEqual([alice, carol, dave]);
    expect(before).toContain('Watch party for 2');

    const told = await one.run(`/as ${alice}`, change === 'privacy' ? '/privacy lists:hidden' : '/forget-me', ...(change === 'forget' ? ['confirm'] : []));
    expect(told, told).toMatch(change === 'privacy' ? /nobody finds you/i : /everything stored about you is deleted/);

    const after = await other.run('/twins', '/server-top', `/watch-party members:@${bob} @${alice}`, `/affinity member:${alice}`);
    expect(twinsOf(after, tag)).toEqual([carol, dave]);
    expect(comparedOf(after)).toBe(comparedOf(before) - 1);
    expect(ratersOf(after)).toBe(ratersOf(before) - 1);
    expect(after).not.toContain('Watch party for 2');
    expect(after).toContain(`Left out (not in this server's lists: they have not used anirec here, or chose to stay out): ${alice}.`);
    expect(after).toContain(`${alice} is not in this server's lists`);
    one.child.process.stdin!.end();
    other.child.process.stdin!.end();
    expect(await one.child.exited).toBe(0);
    expect(await other.child.exited).toBe(0);
  });

  it('given 3 processes adding 150 members each to one server list at once then the list holds all 450', async () => {
    const url = BACKENDS[backend]!();
    const base = `${backend}-${Date.now()}`;
    const workers = [0, 1, 2].map((worker) =>
      spawnAnirec([], { STORE_URL: url, MODEL_DIR: tm.modelDir, WORKER: String(worker), COUNT: '150', MEMBER_BASE: base, GUILD: `guild-${base}` }, 'test/full/guildWorker.ts'),
    );
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0]);
    const store = await openRatingsStore(url);
    try {
      const listed = await store.guildMembers(`guild-${base}`);
      expect(listed.length).toBe(450);
      expect(new Set(listed)).toEqual(new Set(Array.from({ length: 450 }, (_, k) => `${base}-${k}`)));
      // Every member's own record names the server too.
      for (const id of listed.slice(0, 20)) expect((await store.get(id))?.guilds).toEqual([`guild-${base}`]);
    } finally {
      await store.close();
    }
  });
});
