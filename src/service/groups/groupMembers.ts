/**
 * The members a group feature may see, and what it derives from each: only members who used the bot in
 * the server and did not leave the lists (/privacy) are ever compared or listed. Derived values (sorted
 * scores, taste vector) are kept per member object, which the service replaces on each change of ratings.
 */
import type { Catalogue } from '../../data/types.js';
import { InvalidOptionError } from '../../errors.js';
import type { AnirecModel } from '../../model/anirecModel.js';
import { LruMap } from '../lruMap.js';
import type { MemberState } from '../members.js';
import { animeView, type AnimeView } from '../views.js';
import { createTasteSpace, scoredList, type ScoredList, type TasteSpace } from './affinityMaths.js';

/** What the group features read: members and server lists, not the service. */
export interface GroupSources {
  catalogue: Catalogue;
  model: AnirecModel;
  members: {
    loadMany(userIds: readonly string[]): Promise<(MemberState | undefined)[]>;
    /** Grows on every change of any member: what is derived from a server's members is current while it stays. */
    readonly changeCount: number;
  };
  servers: { members(guildId: string): Promise<ReadonlySet<string>> };
  /** Drops members whose visibility another process changed; every group reply calls it first. */
  syncVisibility(): Promise<void>;
}

/** What the group features derive from one member; dropped with the member object on their next change. */
export interface Derived {
  scored: ScoredList;
  taste: Float32Array | undefined;
}

export const HIDDEN_SELF = 'you left the server lists with /privacy; use /privacy lists:visible to join them again';

/** Servers remembered as loaded once (the first whole-server command there defers). */
export const LOADED_SERVERS = 10_000;

export class GroupMembers {
  readonly catalogue: Catalogue;
  readonly model: AnirecModel;
  private space: TasteSpace | undefined;
  private readonly derivedOf = new WeakMap<MemberState, Derived>();
  private readonly loadedGuilds = new LruMap<string, true>(LOADED_SERVERS);

  constructor(readonly sources: GroupSources) {
    this.catalogue = sources.catalogue;
    this.model = sources.model;
  }

  view(itemIx: number): AnimeView {
    return animeView(this.catalogue, itemIx);
  }

  tasteSpace(): TasteSpace {
    return (this.space ??= createTasteSpace(this.model));
  }

  derive(member: MemberState): Derived {
    let d = this.derivedOf.get(member);
    if (d === undefined) {
      d = { scored: scoredList(member.profile), taste: member.folded === undefined ? undefined : this.tasteSpace().vector(member.folded) };
      this.derivedOf.set(member, d);
    }
    return d;
  }

  /** In this server's lists: used the bot here (both the record and the server's list say so) and not hidden. */
  listed(member: MemberState | undefined, guildId: string, ids: ReadonlySet<string>, id: string): member is MemberState {
    return member !== undefined && ids.has(id) && member.record.guilds?.includes(guildId) === true && member.record.hidden !== true;
  }

  /** The caller; InvalidOptionError when they left the lists. */
  async self(selfId: string): Promise<MemberState | undefined> {
    const [member] = await this.sources.members.loadMany([selfId]);
    if (member?.record.hidden === true) throw new InvalidOptionError('privacy', HIDDEN_SELF);
    return member;
  }

  /** Every member who used the bot in the server, loaded. */
  async everyone(guildId: string): Promise<{ guildIds: ReadonlySet<string>; ids: string[]; states: (MemberState | undefined)[] }> {
    const guildIds = await this.sources.servers.members(guildId);
    const ids = [...guildIds];
    const states = await this.sources.members.loadMany(ids);
    this.loadedGuilds.set(guildId, true);
    return { guildIds, ids, states };
  }

  /** false until a whole-server command has loaded this server's members once: the first may be slow. */
  loaded(guildId: string): boolean {
    return this.loadedGuilds.has(guildId);
  }
}
