/**
 * The members this process holds in memory: each stored record with what is derived from it (the profile
 * as model rows, the folded vector, top picks per filter), and the one write path for a member's ratings.
 *
 * A cached member is reused while the store returns that very record object, which it does only while the
 * stored bytes are unchanged: any write, from this process or another, gives a new record and so a new
 * member. Staleness cannot happen by construction.
 */
import type { Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';
import type { FoldedUser, Profile } from '../model/types.js';
import type { MemberRecord, RatingsStore } from '../store/ratingsStore.js';
import type { ImportBook } from './applyImport.js';
import { decodeVector, encodeVector, modelFingerprint } from './memberVector.js';
import { memberTag } from './privacyFeed.js';

/** A member as the service holds them, for the group features: read-only, replaced on each change of ratings. */
export interface MemberState {
  readonly record: MemberRecord;
  readonly profile: Profile;
  /** undefined when the member has no ratings the model knows. */
  readonly folded: FoldedUser | undefined;
  /** itemIx of everything the member rated or watched. */
  readonly rated: ReadonlySet<number>;
}

/** A member as this process holds them. */
export interface Member extends MemberState {
  record: MemberRecord;
  readonly rated: Set<number>;
  /** Top picks per filter (`genreIx|typeIx`), valid until the member's next write replaces this object. */
  readonly topByFilter: Map<string, { items: Int32Array; scores: Float32Array; restsOn: Int32Array }>;
}

/** Called after a member's ratings were stored (before: the ratings they replaced; undefined when none). */
export type RatingsCommitted = (userId: string, before: Record<string, number> | undefined, member: Member) => Promise<void>;

const MEMBER_READS_IN_FLIGHT = 64;

export class MemberCache {
  private readonly cached = new Map<string, Member>();
  /** The cached members by their privacy-feed tag, so a change named in the feed finds whom to drop. */
  private readonly idByTag = new Map<string, string>();
  private readonly fingerprint: string;
  /** Anime the model knows: itemIx below this; the merged catalogue's others are community items. */
  private readonly modelItems: number;
  private changes = 0;

  constructor(
    private readonly deps: {
      model: AnirecModel;
      catalogue: Catalogue;
      store: RatingsStore;
      log: Logger;
      cacheSize: number;
      /** Told of every stored change of ratings; the write resolves once this does. */
      committed?: RatingsCommitted;
    },
  ) {
    this.fingerprint = modelFingerprint(deps.model);
    this.modelItems = deps.model.catalogue.anime.length;
  }

  /** Grows on every change of any member (ratings, servers, privacy): what the groups derive is current while it stays. */
  get changeCount(): number {
    return this.changes;
  }

  /** Something about members changed that the groups must see (a server list, another process's /privacy). */
  changed(): void {
    this.changes++;
  }

  /** The member as cached, without reading the store. */
  peek(userId: string): Member | undefined {
    return this.cached.get(userId);
  }

  /** A member from a record; `refold` ignores the stored vector (the ratings just changed). */
  from(record: MemberRecord, refold: boolean): Member {
    const { model, log } = this.deps;
    const profile = this.profileOf(record.ratings);
    let folded: FoldedUser | undefined;
    const known = this.knownRows(profile);
    if (known.itemIx.length > 0) {
      if (!refold && record.vector !== undefined && record.modelFingerprint === this.fingerprint) {
        try {
          folded = model.importUser(decodeVector(record.vector));
        } catch (error) {
          log.warn(`stored vector unusable, folding in again: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      folded ??= model.foldIn(known);
    }
    return { record, profile, folded, rated: new Set(profile.itemIx), topByFilter: new Map() };
  }

  /** The member from the store (one read), reusing the cached one while the record is the same. */
  async load(userId: string): Promise<Member | undefined> {
    const record = await this.deps.store.get(userId);
    if (record === undefined) {
      this.drop(userId);
      return undefined;
    }
    const cached = this.cached.get(userId);
    if (cached?.record === record) return cached;
    const member = this.from(record, false);
    this.remember(userId, member);
    return member;
  }

  /** Several members; a server's first /twins reads thousands, so several reads stay in flight. */
  async loadMany(userIds: readonly string[]): Promise<(Member | undefined)[]> {
    const out: (Member | undefined)[] = new Array(userIds.length);
    const missing: number[] = [];
    for (let i = 0; i < userIds.length; i++) {
      out[i] = this.cached.get(userIds[i]!);
      if (out[i] === undefined) missing.push(i);
    }
    for (let at = 0; at < missing.length; at += MEMBER_READS_IN_FLIGHT) {
      const batch = missing.slice(at, at + MEMBER_READS_IN_FLIGHT);
      const loaded = await Promise.all(batch.map((i) => this.load(userIds[i]!)));
      batch.forEach((i, k) => (out[i] = loaded[k]));
    }
    return out;
  }

  /**
   * Applies `change` to the member's stored ratings (and, when given, `extra` to the rest of the record),
   * folds the member in again and stores ratings and vector together in one write, so the two always agree.
   * Resolves only after the store confirmed it.
   */
  async changeRatings<T>(
    userId: string,
    change: (ratings: Record<string, number>, book: ImportBook) => T,
    extra?: (record: MemberRecord) => MemberRecord,
  ): Promise<{ member: Member; before: Record<string, number> | undefined; result: T }> {
    const { model, store } = this.deps;
    let before: Record<string, number> | undefined;
    const outcome = await store.update(userId, (current) => {
      before = current?.ratings;
      const ratings = { ...(current?.ratings ?? {}) };
      // Which anime each import set (copied: the change may run again on a newer record).
      const book: ImportBook = { ...current?.imports };
      const result = change(ratings, book);
      // Everything else stored about the member (servers, privacy) stays as it was.
      const { vector: _vector, modelFingerprint: _fingerprint, imports: _imports, ...kept } = current ?? { ratings };
      const imports = Object.fromEntries(Object.entries(book).filter(([, ids]) => ids !== undefined && ids.length > 0));
      let record: MemberRecord = { ...kept, ratings, ...(Object.keys(imports).length > 0 ? { imports } : {}), updatedAt: Date.now() };
      if (extra !== undefined) record = extra(record);
      const member = this.from(record, true);
      if (member.folded !== undefined) {
        record.vector = encodeVector(model.exportUser(member.folded));
        record.modelFingerprint = this.fingerprint;
      }
      return { record, result: { member, result } };
    });
    this.remember(userId, outcome.member);
    await this.deps.committed?.(userId, before, outcome.member);
    return { ...outcome, before };
  }

  /** Changes what is stored about a member besides the ratings (undefined: nothing to change); the fold-in stays. */
  async changeRecord(userId: string, change: (record: MemberRecord) => MemberRecord | undefined): Promise<MemberRecord> {
    const record = await this.deps.store.update(userId, (current) => {
      const before = current ?? { ratings: {}, updatedAt: Date.now() };
      const after = change(before);
      return { record: after ?? (current === undefined ? null : before), result: after ?? before };
    });
    this.changed();
    const cached = this.cached.get(userId);
    if (cached !== undefined) cached.record = record;
    return record;
  }

  drop(userId: string): void {
    if (this.cached.delete(userId)) this.idByTag.delete(memberTag(userId));
  }

  /** Drops the members named by privacy-feed tags (undefined: everyone). */
  dropTagged(tags: Iterable<string> | undefined): void {
    if (tags === undefined) {
      this.cached.clear();
      this.idByTag.clear();
      return;
    }
    for (const tag of tags) {
      const id = this.idByTag.get(tag);
      if (id !== undefined) this.drop(id);
    }
  }

  private remember(userId: string, member: Member): void {
    if (!this.cached.delete(userId)) this.idByTag.set(memberTag(userId), userId);
    this.cached.set(userId, member);
    if (this.cached.size > this.deps.cacheSize) this.drop(this.cached.keys().next().value!);
  }

  private profileOf(ratings: Record<string, number>): Profile {
    const { catalogue } = this.deps;
    const items: number[] = [];
    const scores: number[] = [];
    for (const [animeId, score] of Object.entries(ratings)) {
      const itemIx = catalogue.ixByAnimeId.get(Number(animeId));
      if (itemIx === undefined) continue;
      items.push(itemIx);
      scores.push(score);
    }
    return { itemIx: Int32Array.from(items), score: Int8Array.from(scores) };
  }

  /** The rows of a profile the model knows (the others are community items, folded the other way). */
  private knownRows(profile: Profile): Profile {
    const modelItems = this.modelItems;
    let known = 0;
    for (const ix of profile.itemIx) if (ix < modelItems) known++;
    if (known === profile.itemIx.length) return profile;
    const itemIx = new Int32Array(known);
    const score = new Int8Array(known);
    for (let j = 0, k = 0; j < profile.itemIx.length; j++) {
      if (profile.itemIx[j]! >= modelItems) continue;
      itemIx[k] = profile.itemIx[j]!;
      score[k++] = profile.score[j]!;
    }
    return { itemIx, score };
  }
}
