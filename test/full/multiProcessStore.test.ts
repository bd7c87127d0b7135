/**
 * Two and four anirec processes on one store, on each backend (a SQLite file, a real Redis, a real
 * PostgreSQL), the same members rating concurrently from all of them: every acknowledged rating is present
 * afterwards and every stored vector equals a fresh fold-in of the stored ratings. Then the same with one
 * process SIGKILLed mid-run. Each run is 12 members x the 60-anime test catalogue = 720 ratings (8,640 in the file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../../support/childProcess.js';
import { prepareTestModel, type TestModel } from '../e2e/testModel.js';
import { expectVectorIsFreshFoldIn } from '../store/storeChecks.js';
import { SHARED_BACKENDS } from '../../support/servers.js';

const MEMBERS = 12;
let tm: TestModel;
let runs = 0;
beforeAll(async () => {
  tm = await prepareTestModel();
});
afterAll(killAllChildren);

const BACKENDS: Record<string, () => string> = SHARED_BACKENDS;

interface Ack {
  member: string;
  animeId: string;
  score: number;
}

const lines = (child: AnirecChild, kind: string) =>
  child
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith(`${kind} `))
    .map((l) => l.split(' ').slice(1));

async function runWorkers(url: string, count: number, options: { kill?: boolean } = {}) {
  // Members no earlier run (or test file) on the same server has used.
  const memberBase = (100_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(runs++) * 100n).toString();
  const workers = Array.from({ length: count }, (_, worker) =>
    spawnAnirec([], { STORE_URL: url, MODEL_DIR: tm.modelDir, WORKER: String(worker), WORKERS: String(count), MEMBERS: String(MEMBERS), MEMBER_BASE: memberBase }, 'test/full/storeWorker.ts'),
  );
  if (options.kill) {
    const victim = workers[0]!;
    await victim.waitForOutput(/(?:ack .*\n){150}/, 60_000);
    victim.process.kill('SIGKILL');
  }
  const codes = await Promise.all(workers.map((w) => w.exited));
  const acks: Ack[] = workers.flatMap((w) => lines(w, 'ack').map(([member, animeId, score]) => ({ member: member!, animeId: animeId!, score: Number(score) })));
  return { workers, codes, acks, members: Array.from({ length: MEMBERS }, (_, m) => (BigInt(memberBase) + BigInt(m)).toString()) };
}

async function expectAllKept(url: string, members: string[], acks: Ack[]) {
  const store = await openRatingsStore(url);
  try {
    for (const member of members) {
      const record = await store.get(member);
      const mine = acks.filter((a) => a.member === member);
      // Every anime is rated by exactly one process, once: the stored ratings must hold each acknowledged one.
      for (const a of mine) expect(record?.ratings[a.animeId], `${member} ${a.animeId}`).toBe(a.score);
      if (mine.length > 0) expectVectorIsFreshFoldIn(tm.model, record);
    }
  } finally {
    await store.close();
  }
}

describe.each(Object.keys(BACKENDS))('processes sharing a %s store', (backend) => {
  it.each([2, 4])('given %i processes rating the same members at once then every acknowledged rating is kept, every vector a fresh fold-in', async (count) => {
    const url = BACKENDS[backend]!();
    const { workers, codes, acks, members } = await runWorkers(url, count);
    expect(codes).toEqual(workers.map(() => 0));
    expect(workers.flatMap((w) => lines(w, 'fail'))).toEqual([]);
    expect(workers.flatMap((w) => lines(w, 'stale'))).toEqual([]);
    expect(acks).toHaveLength(MEMBERS * tm.model.catalogue.anime.length);
    await expectAllKept(url, members, acks);
  });

  it.each([2, 4])('given %i processes and one SIGKILLed mid-run then every rating acknowledged by any of them is kept', async (count) => {
    const url = BACKENDS[backend]!();
    const { workers, codes, acks, members } = await runWorkers(url, count, { kill: true });
    expect(codes).toEqual(workers.map((_, i) => (i === 0 ? 'SIGKILL' : 0)));
    expect(workers.slice(1).flatMap((w) => lines(w, 'fail'))).toEqual([]);
    expect(lines(workers[0]!, 'done')).toEqual([]);
    expect(acks.length).toBeGreaterThan(150);
    await expectAllKept(url, members, acks);
  });
});
