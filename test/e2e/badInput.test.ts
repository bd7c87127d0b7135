/**
 * Bad input through the fake Discord: every mistake gets a clear ephemeral reply and a log line, the
 * bot keeps answering, nothing already acknowledged is lost, and nothing the bot echoes can ping.
 */
import { gzipSync } from 'node:zlib';
import sqlite3 from 'sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { malExport } from './malExport.js';
import { TEST_TOKEN, useFakeDiscordBot } from './inProcessBot.js';
import { prepareTestModel, type TestModel } from './testModel.js';

const NO_PING = { parse: [] };

let tm: TestModel;
beforeAll(async () => {
  tm = await prepareTestModel();
});

describe('bad input through a fake Discord', () => {
  const ctx = useFakeDiscordBot(() => tm.model);

  afterEach(async () => {
    expect(ctx.fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(ctx.fake.rejections).toEqual([]);
    // The bot still answers after every mistake.
    const next = await ctx.fake.slash('similar', { anime: '1000', count: 1 }, { user: ctx.fake.member(99) });
    expect(next.data.embeds[0].title).toBe('Like Action Story 1');
  });

  it('given an unknown title then the reply says so ephemerally and the log names the code', async () => {
    const reply = await ctx.fake.slash('rate', { anime: 'Zzyzx Qwerty', score: 7 });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('I don\'t know an anime called "Zzyzx Qwerty".');
    expect(ctx.bot.logLines.at(-1)).toMatch(/^INFO {2}\/rate by \d+: unknown_title: no anime called "Zzyzx Qwerty"\n$/);
  });

  it('given a title with a typo then it resolves to the closest title', async () => {
    const reply = await ctx.fake.slash('similar', { anime: 'Acton Story 13', count: 1 });
    expect(reply.data.embeds[0].title).toBe('Like Action Story 13');
  });

  it('given a vague title that many names contain then /rate picks the most popular match and names it in the reply', async () => {
    // Documented behaviour (title index: a word match resolves to the most popular title); the reply
    // names the anime, so a member who meant another one sees it and can /unrate.
    const user = ctx.fake.member(3);
    const reply = await ctx.fake.slash('rate', { anime: 'Story', score: 5 }, { user });
    // What was typed follows the title when the two differ (issue #11).
    expect(reply.data.content).toBe('Saved: **Action Story 1** (Story) 5/10. You have rated 1 anime.');
  });

  it.each([11, 0, -3])('given score %i (which Discord would block) then the reply names the allowed range and nothing is stored', async (score) => {
    const user = ctx.fake.member(1);
    const reply = await ctx.fake.slash('rate', { anime: '1000', score }, { user });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe(`score: ${score} is not a whole number from 1 to 10`);
    expect(ctx.bot.logLines.at(-1)).toBe(`INFO  /rate by ${user.id}: invalid_option: score: ${score} is not a whole number from 1 to 10\n`);
    expect(await ctx.bot.store.get(user.id)).toBeUndefined();
  });

  it('given a forged option of the wrong type (score 7.5 as a number) then it apologises, logs and stores nothing', async () => {
    const user = ctx.fake.member(1);
    const reply = await ctx.fake.slash('rate', { anime: '1000', score: { number: 7.5 } }, { user });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('something went wrong on our side; the details are in the log');
    expect(ctx.bot.logLines.join('')).toContain('Option "score" is of type: 10; expected 4.');
    expect(await ctx.bot.store.get(user.id)).toBeUndefined();
  });

  it.each([0, 26])('given count %i then /recommend names the allowed range', async (count) => {
    const reply = await ctx.fake.slash('recommend', { count });
    expect(reply.data.content).toBe(`count: ${count} is not a whole number from 1 to 25`);
    expect(reply.ephemeral).toBe(true);
  });

  it('given an unknown genre then /recommend says there is no such genre', async () => {
    const reply = await ctx.fake.slash('recommend', { genre: 'Mecha' });
    expect(reply.data.content).toBe('genre: there is no genre "Mecha"');
  });

  it('given @everyone in every text option then it is echoed harmlessly with mentions disabled', async () => {
    for (const reply of [
      await ctx.fake.slash('rate', { anime: '@everyone <@&123456789012345678>', score: 5 }),
      await ctx.fake.slash('similar', { anime: '@here' }),
      await ctx.fake.slash('recommend', { genre: '@everyone' }),
      await ctx.fake.slash('unrate', { anime: '@everyone' }),
    ]) {
      expect(reply.ephemeral).toBe(true);
      expect(reply.data.content).toMatch(/@everyone|@here/);
      expect(reply.data.allowed_mentions).toEqual(NO_PING);
    }
    for (const body of ctx.fake.allSentBodies()) expect(body.allowed_mentions).toEqual(NO_PING);
  });

  it('given an autocomplete with an absurd query then it answers an empty or short list, never an error', async () => {
    const reply = await ctx.fake.autocomplete('rate', 'anime', '\u0000'.repeat(5) + 'x'.repeat(300));
    expect(reply.callbackType).toBe(8);
    expect(reply.data.choices.length).toBeLessThanOrEqual(25);
  });

  it('given an attachment that is not a MyAnimeList export then /import says so and stores nothing', async () => {
    const user = ctx.fake.member(2);
    const file = ctx.fake.attachment('notes.txt', 'just some text, not xml at all', 'text/plain');
    const reply = await ctx.fake.slash('import', { file }, { user });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('That file is not a MyAnimeList list export: it is not XML');
    expect(ctx.bot.logLines.join('')).toContain('import_invalid: it is not XML');
    expect(await ctx.bot.store.get(user.id)).toBeUndefined();
  });

  it('given XML with another root then /import names the root', async () => {
    const file = ctx.fake.attachment('feed.xml', '<?xml version="1.0"?><rss><channel/></rss>');
    const reply = await ctx.fake.slash('import', { file }, { user: ctx.fake.member(2) });
    expect(reply.data.content).toBe('That file is not a MyAnimeList list export: its root element is <rss>, not <myanimelist>');
  });

  it('given a damaged .gz then /import says it is damaged', async () => {
    const gz = gzipSync(malExport([{ id: 1000, title: 'x', score: 9, status: 'Completed' }])).subarray(0, 30);
    const file = ctx.fake.attachment('animelist.xml.gz', gz, 'application/gzip');
    const reply = await ctx.fake.slash('import', { file }, { user: ctx.fake.member(2) });
    expect(reply.data.content).toBe('That file is not a MyAnimeList list export: it is a damaged .gz file');
  });

  it('given a fourth import by the same member within 10 minutes then the import limit answers and nothing is stored', async () => {
    const file = ctx.fake.attachment('animelist.xml', malExport([{ id: 1000, title: 'x', score: 9, status: 'Completed' }]));
    const reply = await ctx.fake.slash('import', { file }, { user: ctx.fake.member(2) });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toMatch(/^Easy there! Try again in \d+ s\.$/);
    expect(await ctx.bot.store.get(ctx.fake.member(2).id)).toBeUndefined();
  });

  it('given an attachment larger than 5 MB then /import refuses it without downloading it all', async () => {
    const file = ctx.fake.attachment('huge.xml', Buffer.alloc(6 * 1024 * 1024, 0x20));
    // Another member: imports are limited to 3 per member per 10 minutes, and member 2 used them above.
    const reply = await ctx.fake.slash('import', { file }, { user: ctx.fake.member(21) });
    expect(reply.data.content).toBe('That file is not a MyAnimeList list export: it is larger than 5 MB');
  });

  it('given an attachment URL that answers 404 then /import says the download failed', async () => {
    const file = ctx.fake.attachment('gone.xml', '<myanimelist/>');
    file.attachment.url = file.attachment.url.replace('/attachments/', '/missing/');
    const reply = await ctx.fake.slash('import', { file }, { user: ctx.fake.member(22) });
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('download failed: I could not download the attachment (HTTP 404)');
    ctx.fake.unhandled.length = 0; // the 404 was the point
  });

  it('given the token itself typed into an option then no log line contains it', async () => {
    const reply = await ctx.fake.slash('rate', { anime: TEST_TOKEN, score: 5 });
    expect(reply.ephemeral).toBe(true);
    expect(ctx.bot.logLines.join('')).toContain('unknown_title: no anime called "[redacted]"');
    expect(ctx.bot.logLines.join('')).not.toContain(TEST_TOKEN);
  });

  it('given a command the bot does not have then it apologises instead of staying silent', async () => {
    const reply = await ctx.fake.slash('dance', {});
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('something went wrong on our side; the details are in the log');
    expect(ctx.bot.logLines.join('')).toContain('/dance by');
  });

  it('given a button nobody made then it apologises', async () => {
    const prompt = await ctx.fake.slash('forget-me', {});
    const reply = await ctx.fake.click('bogus:1:2', prompt.message!);
    expect(reply.data.content).toBe('something went wrong on our side; the details are in the log');
  });
});

describe('a ratings store that fails', () => {
  const ctx = useFakeDiscordBot(() => tm.model);

  it('given the SQLite connection closed under the bot then /rate is refused clearly, logged, and nothing acknowledged is lost', async () => {
    const user = ctx.fake.member(1);
    const saved = await ctx.fake.slash('rate', { anime: '1000', score: 8 }, { user });
    expect(saved.data.content).toBe('Saved: **Action Story 1** 8/10. You have rated 1 anime.');

    await ctx.bot.store.close(); // the adapter is now closed: every read and write fails for real
    const other = ctx.fake.member(2);
    const refused = await ctx.fake.slash('rate', { anime: '1004', score: 6 }, { user: other });
    expect(refused.ephemeral).toBe(true);
    expect(refused.data.content).toMatch(/^I could not (save that just now, so nothing was recorded|read your ratings just now)\. Please try again in a moment\.$/);
    expect(ctx.bot.logLines.join('')).toMatch(
      /ERROR \/rate by \d+: the ratings store (did not confirm the write of|could not read) member:\d+: Error: SQLITE_MISUSE: Database is closed\n/,
    );

    // Still answering: the cached member's data and commands without the store work.
    const similar = await ctx.fake.slash('similar', { anime: '1004', count: 1 }, { user });
    expect(similar.data.embeds[0].title).toBe('Like Action Story 2');
    expect(ctx.fake.rejections).toEqual([]);

    await ctx.bot.stop();
    const reopened = await openRatingsStore(`sqlite://${ctx.bot.storeFile}`);
    try {
      expect((await reopened.get(user.id))?.ratings).toEqual({ '1000': 8 });
      expect(await reopened.get(other.id)).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });
});

describe('a ratings store locked by another process', () => {
  const ctx = useFakeDiscordBot(() => tm.model);

  it('given the SQLite file held by an exclusive lock then /rate still answers within Discord\'s 3 s window, clearly, acknowledging nothing', async () => {
    const user = ctx.fake.member(1);
    await ctx.fake.slash('rate', { anime: '1000', score: 8 }, { user }); // creates the file and the table
    const locker = new sqlite3.Database(ctx.bot.storeFile);
    await new Promise<void>((resolve, reject) => locker.exec('BEGIN EXCLUSIVE', (error) => (error ? reject(error) : resolve())));
    try {
      const reply = await ctx.fake.slash('rate', { anime: '1004', score: 6 }, { user: ctx.fake.member(2), timeoutMs: 15_000 });
      expect(reply.ephemeral).toBe(true);
      expect(reply.data.content).toMatch(/^I could not (save that just now, so nothing was recorded|read your ratings just now)\. Please try again in a moment\.$/);
    } finally {
      await new Promise<void>((resolve) => locker.exec('ROLLBACK', () => locker.close(() => resolve())));
    }
    expect(await ctx.bot.store.get(ctx.fake.member(2).id)).toBeUndefined();
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1000': 8 });
  });
});

describe('a /rate that waits on the store', () => {
  const ctx = useFakeDiscordBot(() => tm.model, { deferAfterMs: 100 });

  it('given the store busy for longer than the defer delay then the answer is deferred first and the saved rating follows', async () => {
    const user = ctx.fake.member(1);
    await ctx.fake.slash('rate', { anime: '1000', score: 8 }, { user }); // creates the file and the table
    const locker = new sqlite3.Database(ctx.bot.storeFile);
    await new Promise<void>((resolve, reject) => locker.exec('BEGIN EXCLUSIVE', (error) => (error ? reject(error) : resolve())));
    // Released well inside the store's own 2 s wait for the lock: the write lands, late.
    setTimeout(() => locker.exec('ROLLBACK', () => locker.close()), 700);
    const reply = await ctx.fake.slash('rate', { anime: '1004', score: 6 }, { user, timeoutMs: 15_000 });
    expect(reply.callbackType).toBe(5);
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toMatch(/^Saved: .* 6\/10\. You have rated 2 anime\.$/);
    expect((await ctx.bot.store.get(user.id))?.ratings).toEqual({ '1000': 8, '1004': 6 });
  });
});

describe('the per-member rate limit', () => {
  const ctx = useFakeDiscordBot(() => tm.model, { env: { ANIREC_RATE_LIMIT: '2' } });

  it('given a member over the limit then every command but /ratings gets a friendly wait, /rate included; other members are unaffected', async () => {
    const user = ctx.fake.member(1);
    await ctx.fake.slash('recommend', { count: 1 }, { user });
    await ctx.fake.slash('similar', { anime: '1000', count: 1 }, { user });
    const limited = await ctx.fake.slash('recommend', { count: 1 }, { user });
    expect(limited.ephemeral).toBe(true);
    expect(limited.data.content).toMatch(/^Easy there! Try again in (2\d|30) s\.$/);
    expect(ctx.bot.logLines.join('')).toMatch(/\/recommend by \d+: rate_limited: rate limited; retry in \d+ s/);

    const rate = await ctx.fake.slash('rate', { anime: '1000', score: 9 }, { user });
    expect(rate.data.content).toMatch(/^Easy there! Try again in \d+ s\.$/);
    const ratings = await ctx.fake.slash('ratings', {}, { user });
    expect(ratings.data.content).toMatch(/not rated anything/);
    const other = await ctx.fake.slash('recommend', { count: 1 }, { user: ctx.fake.member(2) });
    expect(other.data.embeds[0].title).toBe('Popular picks');
  });
});
