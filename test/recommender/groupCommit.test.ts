import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGroupWriter, type CommitRows } from '../../src/recommender/groupCommit.js';
import { openRatingsStore } from '../../src/recommender/ratingsStore.js';

/** A commit the test finishes by hand, recording what each carried. */
function manualCommits() {
  const commits: { rows: string[]; finish: (error?: Error) => void }[] = [];
  const commit: CommitRows = (rows) =>
    new Promise<void>((resolve, reject) => {
      commits.push({ rows: rows.map(([k, v]) => `${k}=${v}`), finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { commits, commit };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupWriter', () => {
  it('given writes arriving during a commit then they share the next commit and resolve only after it', async () => {
    const { commits, commit } = manualCommits();
    const writer = createGroupWriter(commit);
    const done: string[] = [];
    const first = writer.set('a', '1').then(() => done.push('a'));
    const rest = ['b', 'c', 'd'].map((k) => writer.set(k, '2').then(() => done.push(k)));
    await flush();
    expect(commits.map((c) => c.rows)).toEqual([['a=1']]);
    commits[0]!.finish();
    await first;
    await flush();
    expect(done).toEqual(['a']);
    expect(commits.map((c) => c.rows)).toEqual([['a=1'], ['b=2', 'c=2', 'd=2']]);
    commits[1]!.finish();
    await Promise.all(rest);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
  });

  it('given the same key twice in a batch then one row carries the latest value and both writes resolve', async () => {
    const { commits, commit } = manualCommits();
    const writer = createGroupWriter(commit);
    const first = writer.set('x', '0');
    const twice = [writer.set('k', 'old'), writer.set('k', 'new')];
    await flush();
    commits[0]!.finish();
    await first;
    await flush();
    expect(commits[1]!.rows).toEqual(['k=new']);
    commits[1]!.finish();
    await expect(Promise.all(twice)).resolves.toEqual([undefined, undefined]);
  });

  it('given a batch the store refuses because of one row then only that write fails', async () => {
    const refused: string[] = [];
    const errors: unknown[] = [];
    const writer = createGroupWriter(
      async (rows) => {
        await flush();
        if (rows.some(([k]) => k === 'bad')) {
          refused.push(rows.map(([k]) => k).join(','));
          throw new Error('disk is full');
        }
      },
      { onError: (e) => errors.push(e) },
    );
    const outcomes = await Promise.all(['a', 'b', 'bad', 'c'].map((k) => writer.set(k, 'v').then(() => 'ok', (e: Error) => e.message)));
    expect(outcomes).toEqual(['ok', 'ok', 'disk is full', 'ok']);
    expect(refused).toEqual(['b,bad,c', 'bad']);
    expect(errors).toHaveLength(2);
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
