/**
 * /forget-me across every key that names the member, resumable: the request is written down first (a
 * tombstone in `forget:pending`, with what the later steps need: the member's servers and their ratings
 * of community anime), then the member record goes, then the community records, the server lists and the
 * privacy feed; the tombstone goes last. A step that fails leaves the tombstone, and any process finishes
 * it: the member asking again, every process at start, and every FORGET_SWEEP_MS after.
 */
import type { Logger } from '../log.js';
import type { PrivacyFeed } from './privacyFeed.js';
import type { MemberRecord, RatingsStore } from '../store/ratingsStore.js';

export const PENDING_NAME = 'forget:pending';
/** How often a process looks for /forget-me requests another process left unfinished. */
export const FORGET_SWEEP_MS = 60_000;

interface Tombstone {
  /** When the member asked; a record written after that (they rated again) keeps what was rated since. */
  at: number;
  guilds: string[];
  /** Their ratings of anime the model does not know (community records name them). */
  community: Record<string, number>;
  /** Every anime they had rated or watched when they asked. */
  rated: string[];
}

type Pending = Record<string, Tombstone>;

function pendingOf(value: unknown): Pending {
  const members = (value as { members?: unknown } | undefined)?.members;
  if (typeof members !== 'object' || members === null) return {};
  const out: Pending = {};
  for (const [id, t] of Object.entries(members as Record<string, Partial<Tombstone>>)) {
    out[id] = {
      at: typeof t?.at === 'number' ? t.at : 0,
      guilds: Array.isArray(t?.guilds) ? t.guilds.filter((g): g is string => typeof g === 'string') : [],
      community: typeof t?.community === 'object' && t.community !== null ? t.community : {},
      rated: Array.isArray(t?.rated) ? t.rated.filter((r): r is string => typeof r === 'string') : [],
    };
  }
  return out;
}

export interface ForgetSteps {
  store: RatingsStore;
  feed: PrivacyFeed;
  /** true for an anime id the model does not know (its raters are kept in community records). */
  isCommunityAnime(animeId: number): boolean;
  /** Removes the member from the community records (their `before` ratings of community anime). */
  forgetCommunity(userId: string, ratings: Record<string, number>): Promise<void>;
  /** Drops what this process keeps of the member. */
  dropCached(userId: string): void;
  log?: Logger;
  now?: () => number;
}

export interface Forgetting {
  /** Forgets the member; resolves true when a record was removed. Throws if a step failed (the tombstone stays). */
  forget(userId: string): Promise<boolean>;
  /** Finishes every request left in the store; resolves how many were finished. */
  finishPending(): Promise<number>;
}

export function createForgetting(steps: ForgetSteps): Forgetting {
  const { store, feed } = steps;
  const now = steps.now ?? Date.now;

  const changePending = <T>(change: (pending: Pending) => { pending: Pending | undefined; result: T }) =>
    store.updateValue(PENDING_NAME, (current) => {
      const { pending, result } = change(pendingOf(current));
      if (pending === undefined) return { value: current ?? null, result };
      return { value: Object.keys(pending).length === 0 ? null : { members: pending }, result };
    });

  /** The tombstone of a record: everything the later steps need once the record is gone. */
  const tombstoneOf = (record: MemberRecord | undefined, at: number): Tombstone => {
    const community: Record<string, number> = {};
    for (const [id, score] of Object.entries(record?.ratings ?? {})) if (steps.isCommunityAnime(Number(id))) community[id] = score;
    return { at, guilds: record?.guilds ?? [], community, rated: Object.keys(record?.ratings ?? {}) };
  };

  const finish = async (userId: string, tombstone: Tombstone): Promise<boolean> => {
    const removed = await store.update(userId, (current) => {
      if (current === undefined) return { record: null, result: false };
      if ((current.updatedAt ?? 0) <= tombstone.at) return { record: null, result: true };
      // They rated again after asking (a step had failed): what they rated since stays, nothing from before.
      const ratings = { ...current.ratings };
      for (const id of tombstone.rated) delete ratings[id];
      const { guilds: _guilds, imports: _imports, vector: _vector, modelFingerprint: _fingerprint, ...kept } = current;
      return { record: { ...kept, ratings }, result: true };
    });
    steps.dropCached(userId);
    if (Object.keys(tombstone.community).length > 0) await steps.forgetCommunity(userId, tombstone.community);
    for (const guildId of tombstone.guilds) await store.removeGuildMember(guildId, userId);
    await feed.note(userId);
    await changePending((pending) => {
      if (pending[userId] === undefined) return { pending: undefined, result: undefined };
      const { [userId]: _done, ...rest } = pending;
      return { pending: rest, result: undefined };
    });
    return removed;
  };

  return {
    async forget(userId) {
      const at = now();
      // Read first: a failure here has written nothing.
      const record = await store.get(userId);
      // The request, with what the later steps need: from here on, any process can finish it.
      const { tombstone, resumed } = await changePending((pending) => {
        const earlier = pending[userId];
        if (earlier !== undefined) return { pending: undefined, result: { tombstone: earlier, resumed: true } };
        const t = tombstoneOf(record, at);
        return { pending: { ...pending, [userId]: t }, result: { tombstone: t, resumed: false } };
      });
      // Asking again after a failure: what the first request removed counts as removed.
      return (await finish(userId, tombstone)) || resumed;
    },
    async finishPending() {
      const pending = pendingOf(await store.readValue(PENDING_NAME));
      let finished = 0;
      for (const [userId, tombstone] of Object.entries(pending)) {
        try {
          await finish(userId, tombstone);
          finished++;
          steps.log?.info(`finished a /forget-me left unfinished (member ${userId})`);
        } catch (error) {
          steps.log?.warn(`could not finish the /forget-me of member ${userId} yet: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return finished;
    },
  };
}
