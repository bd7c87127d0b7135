/**
 * `anirec` as a child process against the fake Discord: deploy-commands, start, SIGTERM, SIGKILL right
 * after acknowledgements (every acknowledged rating survives), a rejected login, and the token never
 * appearing in anything the process prints.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../../support/childProcess.js';
import { FakeDiscord } from '../../support/fakeDiscord.js';
import { TEST_TOKEN } from './inProcessBot.js';
import { prepareTestModel, type TestModel } from './testModel.js';

const COMMAND_NAMES = ['affinity', 'forget-me', 'import', 'privacy', 'rate', 'ratings', 'recommend', 'seasonal', 'server-top', 'similar', 'twins', 'unrate', 'watch-party'];

let tm: TestModel;
let fake: FakeDiscord;
const outputs: string[] = [];

function spawnTracked(args: string[], env: Record<string, string>): AnirecChild {
  const child = spawnAnirec(args, env);
  void child.exited.then(() => outputs.push(child.stdout(), child.stderr()));
  return child;
}

function botEnv(storeFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    ANIREC_MODEL_DIR: tm.modelDir,
    ANIREC_DATA_DIR: tm.dataDir,
    ANIREC_CACHE_DIR: tm.cacheDir,
    ANIREC_STORE_URL: `sqlite://${storeFile}`,
    ANIREC_LOG_LEVEL: 'debug',
    ...extra,
  };
}

beforeAll(async () => {
  tm = await prepareTestModel();
  fake = await FakeDiscord.start({ token: TEST_TOKEN });
});

afterAll(async () => {
  await killAllChildren();
  await fake?.close();
  // Checked last, over the output of every child of this file (including failed logins).
  for (const text of outputs) expect(text).not.toContain(TEST_TOKEN);
});

afterEach(() => {
  expect(fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
});

describe('anirec deploy-commands', () => {
  it('given DISCORD_GUILD_ID then the commands are PUT to that guild', async () => {
    const child = spawnTracked(['deploy-commands'], {
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.apiUrl,
    });
    expect(await child.exited).toBe(0);
    const registered = fake.commands.get(fake.guildId)!;
    expect(registered.map((c) => c.name).sort()).toEqual(COMMAND_NAMES);
    const rate = registered.find((c) => c.name === 'rate');
    expect(rate.options).toMatchObject([
      { name: 'anime', type: 3, required: true, autocomplete: true },
      { name: 'score', type: 4, required: true, min_value: 1, max_value: 10 },
    ]);
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`/api/v10/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put.authorization).toBe(`Bot ${TEST_TOKEN}`);
  });

  it('given no DISCORD_GUILD_ID then the commands are registered globally', async () => {
    const child = spawnTracked(['deploy-commands'], { DISCORD_TOKEN: TEST_TOKEN, DISCORD_CLIENT_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl });
    expect(await child.exited).toBe(0);
    expect(fake.commands.get('global')!.map((c) => c.name).sort()).toEqual(COMMAND_NAMES);
  });

  it('given a token Discord refuses (401) then it fails with one line naming DISCORD_TOKEN, without the token', async () => {
    const strict = await FakeDiscord.start({ token: 'the.only.token-the-fake-accepts' });
    try {
      const child = spawnTracked(['deploy-commands'], { DISCORD_TOKEN: TEST_TOKEN, DISCORD_CLIENT_ID: strict.applicationId, DISCORD_API_URL: strict.apiUrl });
      expect(await child.exited).toBe(1);
      expect(child.stderr()).not.toContain(TEST_TOKEN);
      expect(child.stderr()).toMatch(/^anirec deploy-commands: .*DISCORD_TOKEN.*\n$/);
    } finally {
      await strict.close();
    }
  });
});

describe('anirec start', () => {
  it('given a token and a model then it logs in, answers commands and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    const child = spawnTracked(['start'], botEnv(join(dir, 'anirec.sqlite')));
    await child.waitForOutput(/ready in \d+\.\d+ s/);
    const user = fake.member(1);
    const rate = await fake.slash('rate', { anime: '1000', score: 9 }, { user });
    expect(rate.data.content).toBe('Saved: **Action Story 1** 9/10. You have rated 1 anime.');
    const recommend = await fake.slash('recommend', { count: 3 }, { user });
    expect(recommend.data.embeds[0].fields).toHaveLength(3);
    const suggest = await fake.autocomplete('similar', 'anime', 'comedy story 1');
    expect(suggest.data.choices[0]).toEqual({ name: 'Comedy Story 1', value: '1001' });
    const similar = await fake.slash('similar', { anime: '1001', count: 2 }, { user });
    expect(similar.data.embeds[0].title).toBe('Like Comedy Story 1');
    const ratings = await fake.slash('ratings', {}, { user });
    expect(ratings.data.embeds[0].description).toBe('**9/10** · [Action Story 1](https://myanimelist.net/anime/1000)');
    expect(await child.stop('SIGTERM')).toBe(0);
    expect(child.stderr()).toContain('SIGTERM: shutting down');
  });

  it('given SIGKILL right after the acknowledgements then every acknowledged rating is in the SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    const storeFile = join(dir, 'anirec.sqlite');
    // 30 ratings a member at once: above the default allowance of 20 commands a minute.
    const child = spawnTracked(['start'], botEnv(storeFile, { ANIREC_RATE_LIMIT: '1000' }));
    await child.waitForOutput(/ready in \d+\.\d+ s/);
    const members = [fake.member(20), fake.member(21), fake.member(22), fake.member(23)];
    const sent = Array.from({ length: 120 }, (_, i) =>
      fake.slash('rate', { anime: String(1000 + (i % 30)), score: 1 + (i % 10) }, { user: members[Math.floor(i / 30)]!, timeoutMs: 30_000 }),
    );
    const replies = await Promise.all(sent);
    child.process.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    expect(replies.every((r) => r.data.content.startsWith('Saved:'))).toBe(true);

    const store = await openRatingsStore(`sqlite://${storeFile}`);
    try {
      for (const [m, user] of members.entries()) {
        const expected = Object.fromEntries(Array.from({ length: 30 }, (_, j) => [String(1000 + j), 1 + ((m * 30 + j) % 10)]));
        expect((await store.get(user.id))?.ratings).toEqual(expected);
      }
    } finally {
      await store.close();
    }

    // And the restarted bot serves them.
    const again = spawnTracked(['start'], botEnv(storeFile));
    await again.waitForOutput(/ready in \d+\.\d+ s/);
    const page = await fake.slash('ratings', {}, { user: members[0]! });
    expect(page.data.embeds[0].footer.text).toBe('Page 1/3 · 30 anime');
    expect(await again.stop()).toBe(0);
  });

  it('given the gateway rejects the token (4004) then start fails naming DISCORD_TOKEN and never prints the token', async () => {
    fake.rejectNextIdentify(1, 4004);
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    const child = spawnTracked(['start'], botEnv(join(dir, 'anirec.sqlite'), { ANIREC_LOG_LEVEL: 'info' }));
    expect(await child.exited).toBe(1);
    expect(child.stdout() + child.stderr()).not.toContain(TEST_TOKEN);
    // At the default log level the person must learn that the token was refused, in one line.
    const lastLine = child.stderr().trimEnd().split('\n').at(-1);
    expect(lastLine).toMatch(/^anirec start: .*DISCORD_TOKEN/);
  });
});
