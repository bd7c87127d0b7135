/** The store's members' ratings, read once for `anirec train` and `anirec data`. */
import { existsSync } from 'node:fs';
import { readMemberRows, type MemberRows } from '../data/memberRatings.js';
import { openRatingsStore, sqlitePath } from './ratingsStore.js';

/** The members of the store at `url`; undefined when it is a SQLite file that does not exist (no bot ran yet). */
export async function readStoreMembers(url: string): Promise<MemberRows | undefined> {
  if (/^sqlite:\/\//i.test(url) && !existsSync(sqlitePath(url))) return undefined;
  const store = await openRatingsStore(url);
  try {
    return await readMemberRows(store.entries());
  } finally {
    await store.close();
  }
}
