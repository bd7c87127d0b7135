import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../../src/data/titles.js';
import { loadCommands } from '../../../src/interfaces/commandRegistry.js';
import { createDispatcher } from '../../../src/interfaces/discord/dispatch.js';
import { createLogger } from '../../../src/log.js';
import { createRateLimiter } from '../../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../../src/store/ratingsStore.js';
import { createService } from '../../../src/service/index.js';
import { CLIENT_ID, startFakeListServers, type FakeListServers } from '../../data/lists/fakeListServers.js';
import { trainPlantedModel } from '../../service/plantedModel.js';
import { autocomplete, button, callbackOf, chatInput, deliver, startLoopback, webhookOf, type Loopback } from './loopback.js';

let loop: Loopback;
let store: RatingsStore;
let lists: FakeListServers;
const logLines: string[] = [];

beforeAll(async () => {
  const { model } = await trainPlantedModel();
  store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite')}`);
  lists = await startFakeListServers();
  lists.lists.set('kana', { format: 'POINT_5', entries: [{ idMal: 1008, title: 'Action Story 3', score: 4 }, { idMal: 99_001, title: 'Frieren', score: 5 }] });
  const service = createService({
    model,
    store,
    titles: buildTitleIndex(model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    lists: { anilistUrl: lists.anilistUrl, malApiUrl: lists.malApiUrl, malClientId: CLIENT_ID, timeoutMs: 1000 },
  });
  const log = createLogger({ level: 'info', write: (l) => logLines.push(l) });
  const { commands } = await loadCommands();
  // A command that fails in a way we did not plan, to see the apology path.
  commands.set('boom', {
    data: { name: 'boom', description: 'x', toJSON: () => ({ name: 'boom', description: 'x' }) },
    async execute({ defer }) {
      await defer();
      throw new Error('database exploded at /secret/path');
    },
  });
  loop = await startLoopback();
  loop.client.on('interactionCreate', createDispatcher({ commands, context: { service, log } }));
});
afterAll(async () => {
  await loop.close();
  await store.close();
  await lists.close();
});

async function send(payload: ReturnType<typeof chatInput>) {
  const reply = loop.waitFor(callbackOf(payload));
  deliver(loop.client, payload);
  return reply;
}

describe('dispatcher with the real commands', () => {
  it('given /rate with an autocompleted id then an ephemeral confirmation that pings nobody', async () => {
    const r = await send(chatInput('1600000000000000001', 'rate', [
      { name: 'anime', type: 3, value: '1000' },
      { name: 'score', type: 4, value: 9 },
    ]));
    expect(r.body).toMatchObject({
      type: 4,
      data: { content: 'Saved: **Action Story 1** 9/10. You have rated 1 anime.', flags: 64, allowed_mentions: { parse: [] } },
    });
    expect((await store.get('1600000000000000001'))?.ratings).toEqual({ '1000': 9 });
  });

  it('given /rate of "@everyone" then the did-you-mean answer echoes it without pinging', async () => {
    const r = await send(chatInput('1600000000000000002', 'rate', [
      { name: 'anime', type: 3, value: '@everyone' },
      { name: 'score', type: 4, value: 5 },
    ]));
    expect(r.body.data.content).toMatch(/^I don't know an anime called "@everyone"/);
    expect(r.body.data).toMatchObject({ flags: 64, allowed_mentions: { parse: [] } });
  });

  it('given an autocomplete of /rate then at most 25 titles with anime ids as values', async () => {
    const payload = autocomplete('1600000000000000001', 'rate', [{ name: 'anime', type: 3, value: 'Drama Story 1', focused: true }]);
    const r = await send(payload as never);
    expect(r.body.type).toBe(8);
    expect(r.body.data.choices[0]).toEqual({ name: 'Drama Story 1', value: '1002' });
    expect(r.body.data.choices.length).toBeLessThanOrEqual(25);
  });

  it('given an autocomplete that fails then an empty list', async () => {
    const payload = autocomplete('1600000000000000001', 'ratings', [{ name: 'x', type: 3, value: 'a', focused: true }]);
    const r = await send(payload as never);
    expect(r.body).toEqual({ type: 8, data: { choices: [] } });
  });

  it('given /recommend then an embed of picks linked to MyAnimeList with reasons', async () => {
    const r = await send(chatInput('1600000000000000001', 'recommend', [{ name: 'count', type: 4, value: 3 }]));
    expect(r.body.type).toBe(4);
    const embed = r.body.data.embeds[0];
    expect(embed.title).toBe('Picked for you');
    expect(embed.fields).toHaveLength(3);
    expect(embed.fields[0].value).toMatch(/\(https:\/\/myanimelist\.net\/anime\/\d+\)\n_because you liked Action Story 1_$/);
    expect(r.body.data.flags).toBeUndefined();
  });

  it('given /ratings with 12 ratings then page buttons only their owner can press', async () => {
    const owner = '1600000000000000003';
    await store.set(owner, { ratings: Object.fromEntries(Array.from({ length: 12 }, (_, j) => [String(1000 + j), 1 + (j % 10)])), updatedAt: 1 });
    const first = await send(chatInput(owner, 'ratings'));
    const row = first.body.data.components[0].components;
    expect(row.map((b: { custom_id: string; disabled: boolean }) => [b.custom_id, b.disabled])).toEqual([
      [`ratings:${owner}:0`, true],
      [`ratings:${owner}:2`, false],
    ]);
    const stranger = await send(button('1600000000000000004', `ratings:${owner}:2`) as never);
    expect(stranger.body).toMatchObject({ type: 4, data: { content: 'These buttons belong to someone else; run the command yourself.', flags: 64 } });
    const next = await send(button(owner, `ratings:${owner}:2`) as never);
    expect(next.body.type).toBe(7);
    expect(next.body.data.embeds[0].footer.text).toBe('Page 2/2 · 12 anime');
  });

  it('given /forget-me then Confirm deletes the member and Cancel deletes nothing', async () => {
    const owner = '1600000000000000005';
    await store.set(owner, { ratings: { '1000': 5 }, updatedAt: 1 });
    const prompt = await send(chatInput(owner, 'forget-me'));
    expect(prompt.body.data.components[0].components.map((b: { custom_id: string }) => b.custom_id)).toEqual([`forget-me:${owner}:confirm`, `forget-me:${owner}:cancel`]);
    const cancel = await send(button(owner, `forget-me:${owner}:cancel`) as never);
    expect(cancel.body).toMatchObject({ type: 7, data: { content: 'Cancelled: nothing was deleted.', components: [] } });
    expect(await store.get(owner)).toBeDefined();
    const confirm = await send(button(owner, `forget-me:${owner}:confirm`) as never);
    expect(confirm.body).toMatchObject({ type: 7, data: { content: 'Done: everything stored about you is deleted.' } });
    expect(await store.get(owner)).toBeUndefined();
  });

  it('given /import of a gzipped export then a deferred reply edited with the counts', async () => {
    const owner = '1600000000000000006';
    loop.files.set('animelist.xml.gz', gzipSync('<myanimelist><anime><series_animedb_id>1004</series_animedb_id><my_score>8</my_score><my_status>Completed</my_status></anime><anime><series_animedb_id>5</series_animedb_id><my_score>8</my_score><my_status>Completed</my_status></anime></myanimelist>'));
    const attachment = { id: '1700000000000000001', filename: 'animelist.xml.gz', size: 200, url: `${loop.base}/files/animelist.xml.gz`, proxy_url: `${loop.base}/files/animelist.xml.gz` };
    const payload = chatInput(owner, 'import', [{ name: 'file', type: 11, value: attachment.id }], { attachments: { [attachment.id]: attachment } });
    const edited = loop.waitFor((r) => webhookOf(payload)(r) && r.method === 'PATCH');
    const deferred = await send(payload);
    expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } });
    expect((await edited).body).toMatchObject({
      content: 'Imported 1 ratings and 0 watched anime. You have rated 1 anime. (1 anime not in our catalogue: anime #5)',
      allowed_mentions: { parse: [] },
    });
  });

  it('given /import anilist:<user> then a deferred reply edited with the counts, the unknown anime named', async () => {
    const owner = '1600000000000000016';
    const payload = chatInput(owner, 'import', [{ name: 'anilist', type: 3, value: 'kana' }]);
    const edited = loop.waitFor((r) => webhookOf(payload)(r) && r.method === 'PATCH');
    const deferred = await send(payload);
    expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } });
    expect((await edited).body).toMatchObject({
      content: 'Imported 1 ratings and 0 watched anime from AniList user kana. You have rated 1 anime. (1 anime not in our catalogue: Frieren)',
      allowed_mentions: { parse: [] },
    });
    expect((await store.get(owner))?.ratings).toEqual({ '1008': 8 });
  });

  it('given /import with two sources then one ephemeral line, nothing deferred or fetched', async () => {
    const asked = lists.anilistRequests.length;
    const payload = chatInput('1600000000000000017', 'import', [
      { name: 'anilist', type: 3, value: 'kana' },
      { name: 'mal', type: 3, value: 'kana' },
    ]);
    const r = await send(payload);
    expect(r.body).toMatchObject({ type: 4, data: { content: 'import: give one source at a time, not anilist and mal', flags: 64 } });
    expect(lists.anilistRequests.length).toBe(asked);
  });

  it('given /import of a file that is not an export then the answer says why', async () => {
    loop.files.set('notes.txt', Buffer.from('hello'));
    const attachment = { id: '1700000000000000002', filename: 'notes.txt', size: 5, url: `${loop.base}/files/notes.txt`, proxy_url: `${loop.base}/files/notes.txt` };
    const payload = chatInput('1600000000000000007', 'import', [{ name: 'file', type: 11, value: attachment.id }], { attachments: { [attachment.id]: attachment } });
    const followUp = loop.waitFor((r) => webhookOf(payload)(r) && r.method === 'POST');
    await send(payload);
    expect((await followUp).body).toMatchObject({ content: 'That file is not a MyAnimeList list export: it is not XML', flags: 64 });
  });

  it('given a command that fails unexpectedly after deferring then a short apology follows and the log has the cause', async () => {
    const payload = chatInput('1600000000000000008', 'boom');
    const followUp = loop.waitFor((r) => webhookOf(payload)(r) && r.method === 'POST');
    await send(payload);
    expect((await followUp).body).toMatchObject({ content: 'something went wrong on our side; the details are in the log', flags: 64 });
    expect(logLines.some((l) => l.startsWith('ERROR /boom by 1600000000000000008 failed: Error: database exploded'))).toBe(true);
  });
});
