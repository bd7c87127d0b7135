/**
 * Tells every process sharing a store which members changed who may see them (/privacy, /forget-me), so
 * no process keeps listing, counting or showing a member from what it cached before. One small shared
 * value in the ratings store: a sequence number and the recent changes. A process reads it (one key read)
 * before each group reply and drops what it cached of the members named since it last looked.
 *
 * Chosen over the backends' own change feeds (SQLite's data_version, Redis pub/sub, PostgreSQL
 * LISTEN/NOTIFY) because one key read costs the same on all three (see bench/groups.ts), needs no
 * connection of its own, and cannot miss a message while a process reconnects.
 *
 * Members are named by a tag (a hash of their id), and changes older than FEED_KEEP_MS are dropped on the
 * next write, so the feed does not keep naming someone who asked to be forgotten. A process that has not
 * looked for longer than that drops everything it cached instead.
 */
import { createHash } from 'node:crypto';
import type { RatingsStore } from '../store/ratingsStore.js';

export const FEED_NAME = 'privacy:feed';
/** How long a change stays in the feed. */
export const FEED_KEEP_MS = 15 * 60_000;
/** Changes kept at most, whatever their age. */
export const FEED_KEEP_MAX = 2000;

/** [sequence number, member tag, milliseconds since the epoch] */
type FeedEntry = [number, string, number];

interface FeedValue {
  seq: number;
  entries: FeedEntry[];
}

/** A member's name in the feed: not their id. */
export function memberTag(userId: string): string {
  return createHash('sha256').update(`anirec-member:${userId}`).digest('base64url').slice(0, 16);
}

function feedOf(value: unknown): FeedValue {
  const v = value as Partial<FeedValue> | undefined;
  const seq = typeof v?.seq === 'number' && Number.isFinite(v.seq) ? v.seq : 0;
  const entries = Array.isArray(v?.entries)
    ? v.entries.filter((e): e is FeedEntry => Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'string' && typeof e[2] === 'number')
    : [];
  return { seq, entries };
}

/** What changed since the last look: member tags, or everything (first look, or the feed no longer reaches back). */
export type FeedChanges = { kind: 'none' } | { kind: 'members'; tags: Set<string> } | { kind: 'all' };

export interface PrivacyFeed {
  /** Records that who may see `userId` changed; resolves once the store confirmed it. */
  note(userId: string): Promise<void>;
  /** The changes since this process last looked (the first look answers 'all'). */
  changes(): Promise<FeedChanges>;
}

export function createPrivacyFeed(store: RatingsStore, now: () => number = Date.now): PrivacyFeed {
  let seen: number | undefined;
  return {
    async note(userId) {
      const tag = memberTag(userId);
      await store.updateValue(FEED_NAME, (current) => {
        const feed = feedOf(current);
        const t = now();
        const kept = feed.entries.filter((e) => e[2] > t - FEED_KEEP_MS).slice(-(FEED_KEEP_MAX - 1));
        return { value: { seq: feed.seq + 1, entries: [...kept, [feed.seq + 1, tag, t]] }, result: undefined };
      });
    },
    async changes() {
      const feed = feedOf(await store.readValue(FEED_NAME));
      const last = seen;
      seen = feed.seq;
      if (last === undefined) return { kind: 'all' };
      if (feed.seq === last) return { kind: 'none' };
      // A feed that went back (a store restored or wiped) or no longer holds every change since: drop everything.
      const oldest = feed.entries[0]?.[0] ?? feed.seq + 1;
      if (feed.seq < last || oldest > last + 1) return { kind: 'all' };
      return { kind: 'members', tags: new Set(feed.entries.filter((e) => e[0] > last).map((e) => e[1])) };
    },
  };
}
