/** /privacy and /forget-me: who may be seen, told to every process through the privacy feed, and a forgetting that resumes. */
import type { ServiceContext } from './context.js';
import { createForgetting, type Forgetting } from './forget.js';
import { createPrivacyFeed, type PrivacyFeed } from './privacyFeed.js';
import type { ServerLists } from './servers.js';

export class Privacy {
  private readonly feed: PrivacyFeed;
  private readonly forgetting: Forgetting;

  constructor(private readonly ctx: ServiceContext, servers: ServerLists) {
    const { store, catalogue, community, members, log, modelItems } = ctx;
    this.feed = createPrivacyFeed(store);
    this.forgetting = createForgetting({
      store,
      feed: this.feed,
      isCommunityAnime: (animeId) => (catalogue.ixByAnimeId.get(animeId) ?? 0) >= modelItems,
      // Not the members' commit hook: a failure here must keep the request pending, so it throws.
      forgetCommunity: async (userId, ratings) => community?.items.memberChanged(userId, ratings, undefined, undefined),
      dropCached: (userId) => {
        members.drop(userId);
        servers.forget(userId);
        members.changed();
      },
      log,
    });
  }

  /** true leaves /twins, /affinity and the server lists; returns the choice now stored. */
  async setHidden(userId: string, hidden: boolean): Promise<boolean> {
    const record = await this.ctx.members.changeRecord(userId, (r) => (Boolean(r.hidden) === hidden ? undefined : { ...r, hidden, updatedAt: Date.now() }));
    // Told to every process before the member is: a retry after a failure here announces it again.
    await this.feed.note(userId);
    this.ctx.log.info(`member ${userId} ${hidden ? 'left' : 'joined'} the server lists`);
    return Boolean(record.hidden);
  }

  /** Drops what this process cached of members whose visibility another process changed: one key read. */
  async sync(): Promise<void> {
    const changes = await this.feed.changes();
    if (changes.kind === 'none') return;
    this.ctx.members.dropTagged(changes.kind === 'all' ? undefined : changes.tags);
    // The server lists need no refresh: nobody is listed without a stored record that says so (groups).
    this.ctx.members.changed();
  }

  async forget(userId: string): Promise<boolean> {
    const removed = await this.forgetting.forget(userId);
    this.ctx.log.info(`member ${userId} asked to be forgotten${removed ? '' : ' (nothing was stored)'}`);
    return removed;
  }

  finishPending(): Promise<number> {
    return this.forgetting.finishPending();
  }
}
