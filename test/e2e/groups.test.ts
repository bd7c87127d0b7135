/**
 * /affinity, /twins, /watch-party, /server-top and /privacy end to end: the real bot (discord.js Client)
 * against the fake Discord, members named by user options, by mentions Discord resolved in the
 * interaction's data, and by who sits in a voice channel.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../../support/fakeDiscord.js';
import { useFakeDiscordBot } from './inProcessBot.js';
import { prepareTestModel, type TestModel } from './testModel.js';

let tm: TestModel;
beforeAll(async () => {
  tm = await prepareTestModel();
});

describe('members together through a fake Discord', () => {
  const ctx = useFakeDiscordBot(() => tm.model);
  const [me, twin, opposite, newcomer, stranger] = [0, 1, 2, 3, 4].map((n) => ({ n }));
  const user = (m: { n: number }): FakeUser => ctx.fake.member(m.n);

  afterEach(() => {
    expect(ctx.fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(ctx.fake.rejections).toEqual([]);
  });

  const rate = async (who: { n: number }, anime: string, score: number) => {
    const reply = await ctx.fake.slash('rate', { anime, score }, { user: user(who) });
    expect(reply.data.content).toMatch(/^Saved/);
  };
  const rateTaste = async (who: { n: number }, loved: string, hated: string) => {
    for (let k = 1; k <= 6; k++) await rate(who, `${loved} Story ${k}`, 9);
    for (let k = 1; k <= 6; k++) await rate(who, `${hated} Story ${k}`, 2);
  };

  it('given members who rated in this server then /twins lists them closest first by mention, and /affinity gives MAL\'s figure', async () => {
    await rateTaste(me, 'Action', 'Comedy');
    await rateTaste(twin, 'Action', 'Comedy');
    await rateTaste(opposite, 'Comedy', 'Action');
    const twins = await ctx.fake.slash('twins', {}, { user: user(me) });
    // The server's first whole-server command defers (it may load thousands of members); later ones answer at once.
    expect(twins.callbackType).toBe(5);
    const description: string = twins.data.embeds[0].description;
    expect(description.split('\n').map((l) => l.replace(/ ·.*/, ''))).toEqual([`1. <@${user(twin).id}>`, `2. <@${user(opposite).id}>`]);
    expect(twins.data.allowed_mentions).toEqual({ parse: [] });

    const affinity = await ctx.fake.slash('affinity', { member: { user: user(twin) } }, { user: user(me) });
    const text: string = affinity.data.embeds[0].description;
    expect(text).toContain(`With <@${user(twin).id}>`);
    expect(text).toContain("**100.0%**: MyAnimeList's figure: the correlation of the 12 scores you both gave.");
    expect(text).toContain('**Both loved:** [Action Story 1]');
  });

  it('given a member who never used the bot here then /affinity refuses; /privacy hides a member from /twins', async () => {
    const refused = await ctx.fake.slash('affinity', { member: { user: user(stranger) } }, { user: user(me) });
    expect(refused.ephemeral).toBe(true);
    expect(refused.data.content).toBe(`member: <@${user(stranger).id}> is not in this server's lists (they have not used anirec here, or chose to stay out)`);

    const hide = await ctx.fake.slash('privacy', { lists: 'hidden' }, { user: user(opposite) });
    expect(hide.data.content).toMatch(/^Saved\. You are out of this bot's server lists/);
    const twins = await ctx.fake.slash('twins', {}, { user: user(me) });
    expect(twins.callbackType).toBe(4);
    expect(twins.data.embeds[0].description).not.toContain(user(opposite).id);
    await ctx.fake.slash('privacy', { lists: 'visible' }, { user: user(opposite) });
  });

  it('given mentions resolved in the interaction then /watch-party ranks for the party and names the member without ratings', async () => {
    await ctx.fake.slash('ratings', {}, { user: user(newcomer) }); // used the bot here, rated nothing
    // That use is written down just after the reply: wait for it, as a member's next command would.
    await expect.poll(async () => (await ctx.bot.store.get(user(newcomer).id))?.guilds?.length ?? 0).toBe(1);
    const reply = await ctx.fake.slash('watch-party', { members: { mentions: [user(twin), user(opposite), user(newcomer)] } }, { user: user(me) });
    const embed = reply.data.embeds[0];
    expect(embed.title).toBe('Watch party for 3');
    expect(embed.description).toContain(`Left out (no ratings yet, try /rate): <@${user(newcomer).id}>.`);
    expect(embed.fields.length).toBeGreaterThan(0);
    const rated = new Set([...Array(6).keys()].flatMap((k) => [`Action Story ${k + 1}`, `Comedy Story ${k + 1}`]));
    for (const field of embed.fields) {
      expect(rated.has(field.name.replace(/^\d+\. /, ''))).toBe(false);
      expect(field.value).toMatch(new RegExp(`<@${user(me).id}> \\d+\\.\\d · <@${user(twin).id}> \\d+\\.\\d · <@${user(opposite).id}> \\d+\\.\\d`));
    }
  });

  it('given a voice channel then the party is who sits in it; one person alone is refused', async () => {
    ctx.fake.joinVoice(user(me));
    ctx.fake.joinVoice(user(twin));
    const reply = await ctx.fake.slash('watch-party', { voice: { channel: ctx.fake.voiceChannel } }, { user: user(me) });
    expect(reply.data.embeds[0].title).toBe('Watch party for 2');
    ctx.fake.joinVoice(user(twin), null);
    const alone = await ctx.fake.slash('watch-party', { voice: { channel: ctx.fake.voiceChannel } }, { user: user(me) });
    expect(alone.data.content).toMatch(/^members: a watch party is 2 to 10 people including you \(got 1\)/);
    // An id typed out by hand is not a mention Discord resolved: it does not join the party.
    const typed = await ctx.fake.slash('watch-party', { members: `<@${user(twin).id}>` }, { user: user(me) });
    expect(typed.data.content).toMatch(/\(got 1\)/);
  });

  it('given /server-top then anime three members scored, best first; in a DM the group commands say they need a server', async () => {
    const top = await ctx.fake.slash('server-top', { count: 3 }, { user: user(me) });
    const lines: string[] = top.data.embeds[0].description.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^1\. \[(Action|Comedy) Story \d\]\(https:\/\/myanimelist\.net\/anime\/\d+\) · \*\*\d\.\d\d\*\* from 3 members$/);
    const dm = await ctx.fake.slash('twins', {}, { user: user(me), dm: true });
    expect(dm.data.content).toBe('server: this works inside a server, where members can be compared');
  });
});
