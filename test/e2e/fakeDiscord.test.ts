import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../support/fakeDiscord.js';
import { startPingBot } from '../../support/pingBot.js';

// The harness itself, driven by a bare discord.js client: if these fail, the bot's e2e failures mean nothing.
describe('fake Discord', () => {
  const token = 'fake.discord.harness-token';
  let fake: FakeDiscord;
  let bot: Awaited<ReturnType<typeof startPingBot>>;
  let unguard: () => void;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token });
    unguard = fake.guardRejections();
    bot = await startPingBot(fake.apiUrl, token);
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    unguard?.();
  });

  it('given a discord.js client then it logs in with the token and becomes ready on the fake gateway', () => {
    expect(fake.identifyTokens).toEqual([token]);
    expect(fake.connectedSessions).toBe(1);
    expect(bot.client.guilds.cache.has(fake.guildId)).toBe(true);
  });

  it('given a slash command then the reply callback arrives for that interaction', async () => {
    const reply = await fake.slash('ping', { text: 'hi', n: 3 });
    expect(reply.callbackType).toBe(4);
    expect(reply.data).toMatchObject({ content: 'pong', allowed_mentions: { parse: [] } });
    expect(reply.ephemeral).toBe(false);
    expect(reply.message?.content).toBe('pong');
  });

  it('given a deferred reply then the edit of @original is the visible answer and keeps the ephemeral flag', async () => {
    const reply = await fake.slash('defer-edit');
    expect(reply.callbackType).toBe(5);
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('edited');
    expect(reply.responses.map((r) => r.kind)).toEqual(['callback', 'edit']);
  });

  it('given a defer then a follow-up then the follow-up replaces the thinking message, as on Discord', async () => {
    const reply = await fake.slash('defer-follow');
    expect(reply.ephemeral).toBe(true);
    expect(reply.data.content).toBe('followed');
    expect(reply.message?.content).toBe('followed');
    expect(reply.responses.map((r) => r.kind)).toEqual(['callback', 'followup']);
  });

  it('given a button click on a reply then the update callback arrives', async () => {
    const first = await fake.slash('ping');
    const click = await fake.click('page:2', first.message!);
    expect(click.callbackType).toBe(7);
    expect(click.data.content).toBe('clicked page:2');
  });

  it('given an autocomplete then the choices arrive as callback type 8', async () => {
    const reply = await fake.autocomplete('ping', 'text', 'po');
    expect(reply.callbackType).toBe(8);
    expect(reply.data.choices).toEqual([{ name: 'pong', value: 'pong' }]);
  });

  it('given 200 concurrent commands then every one is answered', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => fake.slash('ping', { i })));
    expect(replies.every((r) => r.data.content === 'pong')).toBe(true);
    expect(new Set(replies.map((r) => r.interactionId)).size).toBe(200);
  });

  it('given a served attachment then it can be fetched from 127.0.0.1', async () => {
    const file = fake.attachment('list.xml', '<myanimelist/>');
    const response = await fetch(file.attachment.url);
    expect(await response.text()).toBe('<myanimelist/>');
  });

  it('given a client with the wrong token then the gateway closes with 4004 and login fails', async () => {
    await expect(startPingBot(fake.apiUrl, 'wrong.token')).rejects.toThrow();
    expect(fake.unhandled).toEqual([]);
  });

  it('given a payload discord.js cannot parse then the wait fails with the rejection instead of hanging', async () => {
    const payload = fake.buildInteraction(2, { id: '123456789012345678', name: 'ping', type: 1, options: [] });
    payload.data = undefined;
    await expect(fake.sendInteraction(payload, '/broken', 2_000)).rejects.toThrow(
      "unhandled rejection while waiting: Cannot read properties of undefined (reading 'type')",
    );
  });

  it('given an interaction nobody answers then the wait fails naming it after the timeout', async () => {
    // The ping bot ignores modal submits.
    const data = { custom_id: 'modal', components: [] };
    await expect(fake.interact(5, data, 'modal submit', { timeoutMs: 300 })).rejects.toThrow(
      /^no answer to modal submit \(interaction \d{17,19}\) within 300 ms; the bot sent: nothing$/,
    );
  });
});
