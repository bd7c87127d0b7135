/**
 * A write the store does not answer in time, on a real Redis (CLIENT PAUSE WRITE) and a real PostgreSQL
 * (the table locked by another transaction): the member hears "may not have been saved: check /ratings",
 * because the write had reached the server, and the write carries a deadline the server checks, so it
 * does not land once the server catches up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StoreWriteUnknownError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { sharedStoreUrls } from '../../support/servers.js';

const open: RatingsStore[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close().catch(() => undefined)));
});

const TIMEOUT_MS = 300;
const HOLD_MS = 1200;

/** Holds back every write for HOLD_MS; resolves once they are held, with the promise of their release. */
async function holdWrites(kind: 'redis' | 'postgres', url: string): Promise<{ released: Promise<void> }> {
  if (kind === 'redis') {
    const { createClient } = (await import('@keyv/redis')) as unknown as { createClient: (o: unknown) => { connect(): Promise<unknown>; sendCommand(a: string[]): Promise<unknown>; quit(): Promise<unknown> } };
    const client = createClient({ url });
    await client.connect();
    await client.sendCommand(['CLIENT', 'PAUSE', String(HOLD_MS), 'WRITE']);
    return { released: new Promise((resolve) => setTimeout(() => void client.quit().then(() => resolve()), HOLD_MS + 100)) };
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  // The table, not the row: a statement then waits before it evaluates anything, so its deadline is checked
  // after the wait. (One that already holds its row and waits on another's row lock is not re-checked:
  // then the member hears "may not have been saved", which stays true.)
  await client.query('LOCK TABLE keyv IN ACCESS EXCLUSIVE MODE');
  return { released: new Promise((resolve) => setTimeout(() => void client.query('ROLLBACK').then(() => client.end()).then(() => resolve()), HOLD_MS)) };
}

describe.each(['redis', 'postgres'] as const)('a write %s does not answer in time', (kind) => {
  it('given the write held past the timeout then the member is told it may not have been saved, and it never lands afterwards', async () => {
    const url = sharedStoreUrls()[kind];
    const store = await openRatingsStore(url, { onError: () => undefined, timeoutMs: TIMEOUT_MS });
    open.push(store);
    const id = `timeout-${kind}-${Date.now()}`;
    await store.set(id, { ratings: { '1': 5 }, updatedAt: 1 });
    const { released } = await holdWrites(kind, url);
    const error = await store.update(id, (current) => ({ record: { ...current!, ratings: { ...current!.ratings, '2': 9 } }, result: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteUnknownError);
    expect(describeError(error)).toMatch(/may not have been saved: check \/ratings/);
    await released;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reader = await openRatingsStore(url);
    open.push(reader);
    expect((await reader.get(id))?.ratings).toEqual({ '1': 5 });
  });
});
