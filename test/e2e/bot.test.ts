/**
 * The bot end to end: the real discord.js Client (startBot, in this process) against the fake Discord,
 * every command and autocomplete, asserting on the JSON bodies the fake REST receives.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import type { Reply } from '../../support/fakeDiscord.js';
import { malExport } from './malExport.js';
import { TEST_TOKEN, useFakeDiscordBot } from './inProcessBot.js';
import { prepareTestModel, type TestModel } from './testModel.js';

const NO_PING = { parse: [] };

/** The n anime the model counts as most popular (ties by catalogue order), as the bot ranks them. */
function mostPopular(tm: TestModel, n: number) {
  const { popularity, catalogue } = tm.model;
  const order = Array.from(popularity.keys()).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
  return order.slice(0, n).map((ix) => catalogue.anime[ix]!);
}

function fieldNames(reply: Reply): string[] {
  return (reply.data.embeds?.[0]?.fields ?? []).map((f: { name: string }) => f.name);
}

let tm: TestModel;
beforeAll(async () => {
  tm = await prepareTestModel();
});

describe('the bot through a fake Discord', () => {
  const ctx = useFakeDiscordBot(() => tm.model);

  afterEach(() => {
    expect(ctx.fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(ctx.fake.rejections).toEqual([]);
  });

  it('given the token then the client identifies once with it and loads every command', () => {
    expect(ctx.fake.identifyTokens).toEqual([TEST_TOKEN]);
    expect(ctx.bot.logLines.join('')).toContain('logged in to Discord as anirec with 13 commands');
  });

  it('given a partial title in /rate then autocomplete offers matching titles with their MyAnimeList ids', async () => {
    const reply = await ctx.fake.autocomplete('rate', 'anime', 'drama story 1');
    expect(reply.callbackType).toBe(8);
    expect(reply.data.choices.slice(0, 3)).toEqual([
      { name: 'Drama Story 1', value: '1002' },
      { name: 'Drama Story 10', value: '1038' },
      { name: 'Drama Story 11', value: '1042' },
    ]);
  });

  it('given nothing typed then autocomplete offers the 25 most popular titles', async () => {
    const reply = await ctx.fake.autocomplete('similar', 'anime', '');
    expect(reply.data.choices).toHaveLength(25);
    const top = mostPopular(tm, 25);
    expect(reply.data.choices.map((c: { value: string }) => c.value)).toEqual(top.map((a) => String(a.animeId)));
  });

  it('given /rate with an autocompleted id then the rating is saved and acknowledged ephemerally without pings', async () => {
    const user = ctx.fake.member(1);
    const reply = await ctx.fake.slash('rate', { anime: '1000', score: 9 }, { user });
    expect(reply.callbackType).toBe(4);
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('Saved: **Action Story 1** 9/10. You have rated 1 anime.');
    expect(reply.data.allowed_mentions).toEqual(NO_PING);
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1000': 9 });
  });

  it('given /rate again with a typed title then the score is replaced and the old one named', async () => {
    const user = ctx.fake.member(1);
    const reply = await ctx.fake.slash('rate', { anime: 'action story 1', score: 7 }, { user });
    expect(reply.data.content).toBe('Saved: **Action Story 1** 7/10 (was 9/10). You have rated 1 anime.');
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1000': 7 });
  });

  it('given a member who loves Action and hates Drama then /recommend picks unseen Action anime with reasons', async () => {
    const user = ctx.fake.member(2);
    for (const id of [1000, 1004, 1008, 1012]) await ctx.fake.slash('rate', { anime: String(id), score: 10 }, { user });
    for (const id of [1002, 1006]) await ctx.fake.slash('rate', { anime: String(id), score: 2 }, { user });
    const reply = await ctx.fake.slash('recommend', { count: 5 }, { user });
    expect(reply.ephemeral).toBe(false);
    expect(reply.data.allowed_mentions).toEqual(NO_PING);
    const embed = reply.data.embeds[0];
    expect(embed.title).toBe('Picked for you');
    expect(embed.fields).toHaveLength(5);
    const action = embed.fields.filter((f: { value: string }) => /· Action\]/.test(f.value));
    expect(action.length).toBeGreaterThanOrEqual(4);
    for (const f of embed.fields) {
      expect(f.name).not.toMatch(/Action Story [1-4]$/); // never an anime already rated
      expect(f.value).toMatch(/_because you liked (Action|Drama) Story \d+_$/);
    }
  });

  it('given a genre and a type then /recommend returns only those', async () => {
    const reply = await ctx.fake.slash('recommend', { count: 3, genre: 'comedy', type: 'Movie' }, { user: ctx.fake.member(2) });
    const embed = reply.data.embeds[0];
    expect(embed.title).toBe('Picked for you (Comedy, Movie)');
    expect(embed.fields).toHaveLength(3);
    for (const f of embed.fields) expect(f.value).toMatch(/^\[Movie · \d+ eps · MAL \d\.\d\d · Comedy\]/);
  });

  it('given a member with no ratings then /recommend gives popular picks and says why', async () => {
    const reply = await ctx.fake.slash('recommend', { count: 2 }, { user: ctx.fake.member(3) });
    expect(reply.data.embeds[0]).toMatchObject({
      title: 'Popular picks',
      description: 'You have not rated anything yet, so these are popular picks. Use /rate to get picks of your own.',
    });
    expect(fieldNames(reply)).toEqual(mostPopular(tm, 2).map((a, i) => `${i + 1}. ${a.name}`));
  });

  it('given a genre being typed then /recommend autocompletes genres', async () => {
    const reply = await ctx.fake.autocomplete('recommend', 'genre', 'ro');
    expect(reply.data.choices).toEqual([{ name: 'Romance', value: 'Romance' }]);
  });

  it('given /similar then the nearest anime come back as an embed, the anime itself excluded', async () => {
    const reply = await ctx.fake.slash('similar', { anime: '1001', count: 4 });
    const embed = reply.data.embeds[0];
    expect(embed.title).toBe('Like Comedy Story 1');
    expect(embed.url).toBe('https://myanimelist.net/anime/1001');
    expect(embed.fields).toHaveLength(4);
    for (const f of embed.fields) {
      expect(f.name).not.toBe('Comedy Story 1');
      expect(f.value).toMatch(/· Comedy\]\(https:\/\/myanimelist\.net\/anime\/\d+\)\nsimilarity -?\d\.\d\d$/);
    }
    expect(reply.data.allowed_mentions).toEqual(NO_PING);
  });

  it('given more than 10 ratings then /ratings pages with buttons only their owner can press', async () => {
    const user = ctx.fake.member(4);
    for (let i = 0; i < 12; i++) await ctx.fake.slash('rate', { anime: String(1000 + i), score: 1 + (i % 10) }, { user });
    const first = await ctx.fake.slash('ratings', {}, { user });
    expect(first.ephemeral).toBe(true);
    expect(first.data.embeds[0].footer.text).toBe('Page 1/2 · 12 anime');
    expect(first.data.embeds[0].description.split('\n')).toHaveLength(10);
    const buttons = first.data.components[0].components;
    expect(buttons.map((b: { custom_id: string; disabled: boolean }) => [b.custom_id, b.disabled])).toEqual([
      [`ratings:${user.id}:0`, true],
      [`ratings:${user.id}:2`, false],
    ]);

    const next = await ctx.fake.click(`ratings:${user.id}:2`, first.message!, { user });
    expect(next.callbackType).toBe(7);
    expect(next.data.embeds[0].footer.text).toBe('Page 2/2 · 12 anime');
    expect(next.data.embeds[0].description.split('\n')).toHaveLength(2);

    const stranger = await ctx.fake.click(`ratings:${user.id}:2`, first.message!, { user: ctx.fake.member(5) });
    expect(stranger.callbackType).toBe(4);
    expect(stranger.ephemeral).toBe(true);
    expect(stranger.data.content).toBe('These buttons belong to someone else; run the command yourself.');
  });

  it('given a member with no ratings then /ratings says how to start', async () => {
    const reply = await ctx.fake.slash('ratings', {}, { user: ctx.fake.member(6) });
    expect(reply.data.content).toBe('You have not rated anything yet. Use /rate to start.');
    expect(reply.ephemeral).toBe(true);
  });

  it('given /unrate then autocomplete offers only the member\'s rated anime and the rating is removed', async () => {
    const user = ctx.fake.member(7);
    await ctx.fake.slash('rate', { anime: '1003', score: 8 }, { user });
    await ctx.fake.slash('rate', { anime: '1007', score: 6 }, { user });
    const suggest = await ctx.fake.autocomplete('unrate', 'anime', 'romance', {}, { user });
    expect(suggest.data.choices).toEqual([
      { name: 'Romance Story 1', value: '1003' },
      { name: 'Romance Story 2', value: '1007' },
    ]);
    const reply = await ctx.fake.slash('unrate', { anime: '1003' }, { user });
    expect(reply.data.content).toBe('Removed your rating of **Romance Story 1**. You have rated 1 anime.');
    const again = await ctx.fake.slash('unrate', { anime: '1003' }, { user });
    expect(again.data.content).toBe('You had not rated **Romance Story 1**.');
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1007': 6 });
  });

  it('given a MyAnimeList export attached to /import then the bot downloads it and stores the ratings', async () => {
    const user = ctx.fake.member(8);
    const file = ctx.fake.attachment(
      'animelist_1700000000_-_123.xml',
      malExport([
        { id: 1000, title: 'Action Story 1', score: 9, status: 'Completed' },
        { id: 1001, title: 'Comedy Story 1', score: 0, status: 'Dropped' },
        { id: 1002, title: 'Drama Story 1', score: 0, status: 'Plan to Watch' },
        { id: 99999, title: 'Not In Catalogue', score: 7, status: 'Completed' },
      ]),
    );
    const reply = await ctx.fake.slash('import', { file }, { user });
    expect(reply.callbackType).toBe(5);
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe(
      'Imported 1 ratings and 1 watched anime. You have rated 2 anime. (1 anime not in our catalogue: anime #99999; 1 plan-to-watch skipped)',
    );
    expect(reply.data.allowed_mentions).toEqual(NO_PING);
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1000': 9, '1001': -1 });
  });

  it('given /forget-me then Confirm deletes everything stored and Cancel keeps it', async () => {
    const user = ctx.fake.member(9);
    await ctx.fake.slash('rate', { anime: '1005', score: 5 }, { user });
    const prompt = await ctx.fake.slash('forget-me', {}, { user });
    expect(prompt.ephemeral).toBe(true);
    expect(prompt.data.content).toBe('This deletes all your ratings and your taste profile. Are you sure?');
    const ids = prompt.data.components[0].components.map((b: { custom_id: string }) => b.custom_id);
    expect(ids).toEqual([`forget-me:${user.id}:confirm`, `forget-me:${user.id}:cancel`]);

    const cancel = await ctx.fake.click(ids[1], prompt.message!, { user });
    expect(cancel.data).toMatchObject({ content: 'Cancelled: nothing was deleted.', components: [] });
    expect(await ctx.bot.store.get(user.id)).toBeDefined();

    const prompt2 = await ctx.fake.slash('forget-me', {}, { user });
    const confirm = await ctx.fake.click(`forget-me:${user.id}:confirm`, prompt2.message!, { user });
    expect(confirm.data).toMatchObject({ content: 'Done: everything stored about you is deleted.', components: [] });
    expect(await ctx.bot.store.get(user.id)).toBeUndefined();
    const empty = await ctx.fake.slash('ratings', {}, { user });
    expect(empty.data.content).toBe('You have not rated anything yet. Use /rate to start.');
  });

  it('given a DM instead of a guild then the commands work the same', async () => {
    const reply = await ctx.fake.slash('similar', { anime: '1000', count: 1 }, { dm: true, user: ctx.fake.member(10) });
    expect(reply.data.embeds[0].title).toBe('Like Action Story 1');
  });

  it('given every reply the bot sent then none of them can ping anyone', () => {
    const bodies = ctx.fake.allSentBodies().filter((b) => b.content !== undefined || b.embeds !== undefined);
    expect(bodies.length).toBeGreaterThan(30);
    for (const body of bodies) expect(body.allowed_mentions).toEqual(NO_PING);
  });

  it('given everything logged so far then the token appears nowhere', () => {
    expect(ctx.bot.logLines.length).toBeGreaterThan(20);
    expect(ctx.bot.logLines.join('')).not.toContain(TEST_TOKEN);
  });

  it('given the bot stopped then every acknowledged rating is in the SQLite file', async () => {
    await ctx.bot.stop();
    const store = await openRatingsStore(`sqlite://${ctx.bot.storeFile}`);
    try {
      expect((await store.get(ctx.fake.member(1).id))?.ratings).toEqual({ '1000': 7 });
      expect(Object.keys((await store.get(ctx.fake.member(4).id))?.ratings ?? {})).toHaveLength(12);
      expect((await store.get(ctx.fake.member(7).id))?.ratings).toEqual({ '1007': 6 });
    } finally {
      await store.close();
    }
  });
});
