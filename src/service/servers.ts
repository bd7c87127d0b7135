/** Which members used the bot in which server: the member's record names the server, the server's list names the member. */
import type { ServiceContext } from './context.js';
import { LruMap } from './lruMap.js';

/** Servers whose list of members stays in memory (the most recently used); the others are read again when asked. */
export const SERVER_CACHE = 2000;

export class ServerLists {
  private readonly lists: LruMap<string, Promise<Set<string>>>;

  constructor(private readonly ctx: ServiceContext, cacheSize = SERVER_CACHE) {
    this.lists = new LruMap(cacheSize);
  }

  /** Ids of the members who used the bot in a server, loaded from the store once per server. */
  members(guildId: string): Promise<Set<string>> {
    let set = this.lists.get(guildId);
    if (set === undefined) {
      set = this.ctx.store.guildMembers(guildId).then((ids) => new Set(ids));
      set.catch(() => this.lists.delete(guildId));
      this.lists.set(guildId, set);
    }
    return set;
  }

  /** Records that the member used the bot in a server (once per member and server; later calls cost nothing). */
  async noteUse(userId: string, guildId: string): Promise<void> {
    const { members, store } = this.ctx;
    const known = await this.members(guildId);
    // Known here, unless the member's record (when cached) does not name the server: forgotten in another
    // process, and back with a new record.
    const cached = members.peek(userId);
    if (known.has(userId) && (cached === undefined || cached.record.guilds?.includes(guildId) === true)) return;
    // The member's own record first, then the server's list: /forget-me finds every list through the record.
    await members.changeRecord(userId, (record) => (record.guilds?.includes(guildId) ? undefined : { ...record, guilds: [...(record.guilds ?? []), guildId] }));
    await store.addGuildMember(guildId, userId);
    known.add(userId);
    members.changed(); // the server's list changed too (the groups rebuild what they derived)
  }


  /**
   * After a write that already named the server in the member's record (a /rate): lists the member if the
   * server's list does not have them yet. Usually a cached read and no write at all.
   */
  async listAfterRecord(userId: string, guildId: string): Promise<void> {
    const known = await this.members(guildId);
    if (known.has(userId)) return;
    await this.ctx.store.addGuildMember(guildId, userId);
    known.add(userId);
    this.ctx.members.changed();
  }

  /** A forgotten member leaves every list held in memory. */
  forget(userId: string): void {
    for (const set of this.lists.values()) void set.then((ids) => ids.delete(userId), () => undefined);
  }
}
