import { mkdtempSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, StoreWriteError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { describeStoreUrl, openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';

const open: RatingsStore[] = [];
async function openStore(url: string, onError?: (e: unknown) => void, timeoutMs?: number) {
  const store = await openRatingsStore(url, { ...(onError ? { onError } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  open.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
});

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'anirec-'));
}

function runSql(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => {
      if (error) return reject(error);
      db.exec(sql, (execError) => db.close(() => (execError ? reject(execError) : resolve())));
    });
  });
}

describe('openRatingsStore on SQLite', () => {
  it('given a write then a NEW store on the same file reads it back (the write was committed)', async () => {
    const file = join(tempDir(), 'nested', 'folder', 'anirec.sqlite');
    const first = await openStore(`sqlite://${file}`);
    await first.set('111111111111111111', { ratings: { '9253': 9, '2167': -1 }, vector: 'AAAA', modelFingerprint: 'f1', updatedAt: 5 });
    expect(existsSync(file)).toBe(true);
    const second = await openStore(`sqlite://${file}`);
    expect(await second.get('111111111111111111')).toEqual({ ratings: { '9253': 9, '2167': -1 }, vector: 'AAAA', modelFingerprint: 'f1', updatedAt: 5 });
    expect(await second.get('222222222222222222')).toBeUndefined();
  });

  it('given 40 concurrent updates of the same member then every one of them is kept', async () => {
    const store = await openStore(`sqlite://${join(tempDir(), 'a.sqlite')}`);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.update('m', (current) => ({ record: { ratings: { ...(current?.ratings ?? {}), [String(100 + i)]: 1 + (i % 10) }, updatedAt: i }, result: i })),
      ),
    );
    expect(Object.keys((await store.get('m'))!.ratings)).toHaveLength(40);
  });

  it('given an update returning null then the member is deleted', async () => {
    const store = await openStore(`sqlite://${join(tempDir(), 'a.sqlite')}`);
    await store.set('m', { ratings: { '1': 5 }, updatedAt: 1 });
    expect(await store.update('m', (current) => ({ record: null, result: current !== undefined }))).toBe(true);
    expect(await store.get('m')).toBeUndefined();
    expect(await store.delete('m')).toBe(false);
  });

  it('given the database refuses writes then set throws StoreWriteError, the error event is heard, the old value stays; a failed read throws', async () => {
    const file = join(tempDir(), 'a.sqlite');
    const heard: unknown[] = [];
    const store = await openStore(`sqlite://${file}`, (e) => heard.push(e));
    await store.set('m', { ratings: { '1': 5 }, updatedAt: 1 });
    await runSql(file, `CREATE TRIGGER refuse BEFORE UPDATE ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;`);
    const failure = await store.set('m', { ratings: { '1': 6 }, updatedAt: 2 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreWriteError);
    expect(describeError(failure)).toBe('I could not save that just now, so nothing was recorded. Please try again in a moment.');
    expect(heard.length).toBeGreaterThan(0);
    expect(await store.get('m')).toEqual({ ratings: { '1': 5 }, updatedAt: 1 });
    await runSql(file, 'DROP TABLE keyv');
    await expect(store.get('m')).rejects.toMatchObject({ code: 'store_read' });
  });
});

describe('openRatingsStore update without a read', () => {
  it('given a refused write then the next update starts from the committed record, not the refused one', async () => {
    const file = join(tempDir(), 'a.sqlite');
    const store = await openStore(`sqlite://${file}`, () => undefined);
    await store.update('m', () => ({ record: { ratings: { '1': 5 }, updatedAt: 1 }, result: null }));
    await runSql(file, `CREATE TRIGGER refuse BEFORE UPDATE ON keyv BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;`);
    const refused = store.update('m', (current) => ({ record: { ratings: { ...current!.ratings, '2': 7 }, updatedAt: 2 }, result: null }));
    await expect(refused).rejects.toBeInstanceOf(StoreWriteError);
    await runSql(file, 'DROP TRIGGER refuse');
    const seen = await store.update('m', (current) => ({ record: { ratings: { ...current!.ratings, '3': 1 }, updatedAt: 3 }, result: current }));
    expect(seen).toEqual({ ratings: { '1': 5 }, updatedAt: 1 });
    expect(await store.get('m')).toEqual({ ratings: { '1': 5, '3': 1 }, updatedAt: 3 });
  });

  it('given a member set and deleted directly then update sees each change', async () => {
    const store = await openStore(`sqlite://${join(tempDir(), 'a.sqlite')}`);
    await store.update('m', () => ({ record: { ratings: { '1': 5 }, updatedAt: 1 }, result: null }));
    await store.set('m', { ratings: { '9': 9 }, updatedAt: 2 });
    expect(await store.update('m', (current) => ({ record: current!, result: current }))).toEqual({ ratings: { '9': 9 }, updatedAt: 2 });
    await store.delete('m');
    expect(await store.update('m', (current) => ({ record: null, result: current }))).toBeUndefined();
  });
});

describe('openRatingsStore URLs', () => {
  it('given a mysql URL without @keyv/mysql installed then the error says what to install', async () => {
    const error = await openRatingsStore('mysql://localhost:3306/anirec').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(describeError(error)).toBe('configuration: ANIREC_STORE_URL: mysql:// needs its Keyv adapter: run `npm install @keyv/mysql`');
  });

  it('given a redis URL where no server listens then opening fails instead of waiting', async () => {
    const error = await openRatingsStore('redis://127.0.0.1:1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it('given an unknown protocol then ConfigError names the variable', async () => {
    const error = await openRatingsStore('ftp://x/y').catch((e: unknown) => e);
    expect(describeError(error)).toBe('configuration: ANIREC_STORE_URL: unsupported store "ftp://x/y"; use sqlite://, redis:// or postgres://');
  });

  it('given a URL with a password then its description hides it', () => {
    expect(describeStoreUrl('postgres://anirec:hunter2@db:5432/anirec')).toBe('postgres://anirec:***@db:5432/anirec');
    expect(describeStoreUrl('postgresql://db/anirec?user=anirec&password=hunter2')).not.toContain('hunter2');
    expect(describeStoreUrl('redis://:hunter2@cache:6379')).not.toContain('hunter2');
  });
});

describe('a write the store does not answer in time (SQLite)', () => {
  it('given the file locked past the timeout then the write is withdrawn: "nothing was recorded" is true, and it never lands later', async () => {
    const file = join(tempDir(), 's.sqlite');
    const store = await openStore(`sqlite://${file}`, () => undefined, 300);
    await store.set('u1', { ratings: { '1': 5 }, updatedAt: 1 });
    const locker = new sqlite3.Database(file);
    await new Promise<void>((resolve, reject) => locker.exec('BEGIN EXCLUSIVE', (error) => (error ? reject(error) : resolve())));
    const error = await store.update('u1', (current) => ({ record: { ...current!, ratings: { ...current!.ratings, '2': 9 } }, result: undefined })).catch((e: unknown) => e);
    // Released while the store still waits for the lock (it waits up to 2 s): a write not withdrawn would land now.
    await new Promise<void>((resolve) => locker.exec('ROLLBACK', () => locker.close(() => resolve())));
    expect(error).toBeInstanceOf(StoreWriteError);
    expect(describeError(error)).toMatch(/nothing was recorded/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reopened = await openStore(`sqlite://${file}`);
    expect((await reopened.get('u1'))?.ratings).toEqual({ '1': 5 });
  });
});
