import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGroupWriter, OpFailed, WriteWithdrawn, type CommitBatch } from '../../src/store/groupCommit.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';

/** A commit the test finishes by hand, recording what each carried; each operation's result is its text upper-cased. */
function manualCommits() {
  const commits: { ops: string[]; finish: (error?: Error) => void }[] = [];
  const commit: CommitBatch<string, string> = (ops, claim) =>
    new Promise((resolve, reject) => {
      // Claimed when the commit runs them (finish), as a real commit claims each right before running it.
      commits.push({ ops: [...ops], finish: (error) => (error ? reject(error) : resolve(ops.map((op, i) => (claim(i) ? op.toUpperCase() : new OpFailed(new WriteWithdrawn()))))) });
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

  it('given an operation withdrawn before its commit ran it then it rejects at once with WriteWithdrawn and is never run; its neighbours are', async () => {
    const { commits, commit } = manualCommits();
    const writer = createGroupWriter(commit);
    const first = writer.submit('a');
    await flush();
    const queued = new AbortController();
    const inBatch = new AbortController();
    const b = writer.submit('b', queued.signal);
    const c = writer.submit('c');
    queued.abort(); // still queued: never reaches a commit
    await expect(b).rejects.toBeInstanceOf(WriteWithdrawn);
    commits[0]!.finish();
    await first;
    await flush();
    expect(commits[1]!.ops).toEqual(['c']);
    const d = writer.submit('d', inBatch.signal);
    commits[1]!.finish();
    expect(await c).toBe('C');
    await flush();
    // Taken into a commit that has not run it yet (waiting for the lock): still withdrawn, and skipped.
    inBatch.abort();
    await expect(d).rejects.toBeInstanceOf(WriteWithdrawn);
    commits[2]!.finish();
    await writer.idle();
    expect(commits.map((x) => x.ops)).toEqual([['a'], ['c'], ['d']]);
  });

  it('given an operation its commit already ran then aborting changes nothing: it resolves with its result', async () => {
    const writer = createGroupWriter<string, string>(async (ops, claim) => ops.map((op, i) => (claim(i), op.toUpperCase())));
    const controller = new AbortController();
    const done = writer.submit('a', controller.signal);
    await writer.idle();
    controller.abort();
    expect(await done).toBe('A');
  });
});
