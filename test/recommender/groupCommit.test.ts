import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGroupWriter, OpFailed, type CommitBatch } from '../../src/recommender/groupCommit.js';
import { openRatingsStore } from '../../src/recommender/ratingsStore.js';

/** A commit the test finishes by hand, recording what each carried; each operation's result is its text upper-cased. */
function manualCommits() {
  const commits: { ops: string[]; finish: (error?: Error) => void }[] = [];
  const commit: CommitBatch<string, string> = (ops) =>
    new Promise((resolve, reject) => {
      commits.push({ ops: [...ops], finish: (error) => (error ? reject(error) : resolve(ops.map((op) => op.toUpperCase()))) });
    });
  return { commits, commit };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupWriter', () => {
  it('given operations arriving during a commit then they share the next commit and resolve only after it, each with its result', async () => {
    const { commits, commit } = manualCommits();
    const writer = createGroupWriter(commit);
    const done: string[] = [];
    const first = writer.submit('a').then((r) => done.push(r));
    const rest = ['b', 'c', 'd'].map((k) => writer.submit(k).then((r) => done.push(r)));
    await flush();
    expect(commits.map((c) => c.ops)).toEqual([['a']]);
    commits[0]!.finish();
    await first;
    await flush();
    expect(done).toEqual(['A']);
    expect(commits.map((c) => c.ops)).toEqual([['a'], ['b', 'c', 'd']]);
    commits[1]!.finish();
    await Promise.all(rest);
    expect(done).toEqual(['A', 'B', 'C', 'D']);
  });

  it('given one operation failing inside a batch then only that one rejects', async () => {
    const errors: unknown[] = [];
    const writer = createGroupWriter<string, string>(
      async (ops) => {
        await flush();
        return ops.map((op) => (op === 'bad' ? new OpFailed(new Error('disk is full')) : op));
      },
      { onError: (e) => errors.push(e) },
    );
    const outcomes = await Promise.all(['a', 'b', 'bad', 'c'].map((k) => writer.submit(k).then((r) => r, (e: Error) => e.message)));
    expect(outcomes).toEqual(['a', 'b', 'disk is full', 'c']);
    expect(errors).toHaveLength(1);
  });

  it('given a commit that throws then every operation it carried rejects and the next batch still runs', async () => {
    const { commits, commit } = manualCommits();
    const writer = createGroupWriter(commit);
    const first = writer.submit('a').catch((e: Error) => e.message);
    const second = [writer.submit('b').catch((e: Error) => e.message), writer.submit('c').catch((e: Error) => e.message)];
    await flush();
    commits[0]!.finish(new Error('locked'));
    expect(await first).toBe('locked');
    await flush();
    commits[1]!.finish();
    expect(await Promise.all(second)).toEqual(['B', 'C']);
    await writer.idle();
  });
});

describe('openRatingsStore group commit on SQLite', () => {
  it('given 300 members writing at once then a NEW store reads every one of them back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-')), 'a.sqlite');
    const store = await openRatingsStore(`sqlite://${file}`);
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.set(`member${i}`, { ratings: { [String(i)]: 1 + (i % 10) }, updatedAt: i })));
    const second = await openRatingsStore(`sqlite://${file}`);
    const read = await Promise.all(Array.from({ length: 300 }, (_, i) => second.get(`member${i}`)));
    expect(read.map((r) => r?.ratings)).toEqual(Array.from({ length: 300 }, (_, i) => ({ [String(i)]: 1 + (i % 10) })));
    await store.close();
    await second.close();
  });

  it('given a write and a delete of the same member issued together then the delete wins', async () => {
    const store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 'a.sqlite')}`);
    await store.set('other', { ratings: {}, updatedAt: 0 });
    const writes = [store.set('m', { ratings: { '1': 5 }, updatedAt: 1 }), store.delete('m')];
    expect(await Promise.all(writes)).toEqual([undefined, true]);
    expect(await store.get('m')).toBeUndefined();
    await store.close();
  });
});
