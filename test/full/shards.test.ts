/**
 * ANIREC_SHARDS=auto through the fake Discord: the manager asks /gateway/bot (2 shards), starts one process
 * per shard, each identifies with [id, 2] and serves only the guilds routed to it, one member in guilds on
 * both shards shares one store; /metrics and /healthz gather both shards; a shard SIGKILLed is restarted
 * while the other keeps answering.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, spawnAnirec } from '../../support/childProcess.js';
import { FakeDiscord, shardOfGuild } from '../../support/fakeDiscord.js';
import { TEST_TOKEN } from '../e2e/inProcessBot.js';
import { prepareTestModel, type TestModel } from '../e2e/testModel.js';

let tm: TestModel;
let fake: FakeDiscord;
beforeAll(async () => {
  tm = await prepareTestModel();
  fake = await FakeDiscord.start({ token: TEST_TOKEN, shards: 2 });
});
afterAll(async () => {
  await killAllChildren();
  await fake?.close();
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

describe('anirec start with ANIREC_SHARDS', () => {
  it('given auto and two recommended shards then each shard serves its guilds, a member spans both, and a killed shard comes back', async () => {
    const first = shardOfGuild(fake.guildId, 2);
    const guilds = { [first]: fake.guildId, [1 - first]: fake.addGuild(1 - first, 2) } as Record<number, string>;
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    const manager = spawnAnirec(['start'], {
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      ANIREC_MODEL_DIR: tm.modelDir,
      ANIREC_DATA_DIR: tm.dataDir,
      ANIREC_CACHE_DIR: tm.cacheDir,
      ANIREC_STORE_URL: `sqlite://${join(dir, 'anirec.sqlite')}`,
      ANIREC_SHARDS: 'auto',
      ANIREC_SHARD_SPAWN_DELAY_MS: '0',
      ANIREC_METRICS_PORT: '0',
    });
    await manager.waitForOutput(/all 2 shards ready in \d+\.\d+ s/, 90_000);
    const output = () => manager.stdout() + manager.stderr();
    expect(output()).toContain('sharding: 2 of 2 shards here (0, 1), count recommended by Discord');
    expect(fake.identifiedShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // Each shard logs what it serves (its line may come just after the manager heard it was ready).
    await manager.waitForOutput(/as shard 0 of 2 with \d+ commands \(1 guilds\)/);
    await manager.waitForOutput(/as shard 1 of 2 with \d+ commands \(1 guilds\)/);

    const user = fake.member(1);
    expect((await fake.slash('rate', { anime: '1000', score: 9 }, { user, guildId: guilds[0] })).data.content).toMatch(/^Saved: .* You have rated 1 anime\.$/);
    expect((await fake.slash('rate', { anime: '1001', score: 3 }, { user, guildId: guilds[1] })).data.content).toMatch(/^Saved: .* You have rated 2 anime\.$/);
    const ratings = await fake.slash('ratings', {}, { user, guildId: guilds[0] });
    expect(ratings.data.embeds[0].footer.text).toBe('Page 1/1 · 2 anime');
    const picks = await fake.slash('recommend', { count: 10 }, { user, guildId: guilds[1] });
    expect(JSON.stringify(picks.data.embeds[0].fields)).not.toMatch(/anime\/100[01]\)/);

    const port = Number(/ops: \/healthz and \/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(output())![1]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('anirec_shard_status{shard="0",status="ready"} 1');
    expect(metrics).toContain('anirec_shard_status{shard="1",status="ready"} 1');
    // Added up over both shards: two /rate answered ok, one model serving in two shards.
    expect(metrics).toMatch(/anirec_interactions_total\{command="rate",outcome="ok"\} 2\n/);
    expect(metrics).toMatch(/anirec_model_info\{name="[^"]+",fingerprint="[0-9a-f]{16}"\} 2\n/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(Object.keys(((await health.json()) as { shards: object }).shards)).toEqual(['0', '1']);

    // Shard 1 dies; shard 0 keeps answering while the manager starts shard 1 again.
    const pid = Number(new RegExp(`shard 1: ready \\(pid (\\d+)\\)`).exec(output())![1]);
    process.kill(pid, 'SIGKILL');
    await manager.waitForOutput(/shard 1: its process ended; starting it again/, 10_000);
    const during = await fake.slash('rate', { anime: '1002', score: 5 }, { user, guildId: guilds[0] });
    expect(during.data.content).toMatch(/^Saved: .* You have rated 3 anime\.$/);
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`shard 1 did not come back:\n${output()}`)), 60_000);
      const poll = setInterval(() => {
        if (count(output(), /shard 1: ready/) >= 2) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 100);
    });
    await fake.waitForSession();
    const after = await fake.slash('ratings', {}, { user, guildId: guilds[1], timeoutMs: 10_000 });
    expect(after.data.embeds[0].footer.text).toBe('Page 1/1 · 3 anime');

    const code = await manager.stop('SIGTERM');
    expect(code, output().split('\n').slice(-15).join('\n')).toBe(0);
    expect(output()).toContain('SIGTERM: stopping the shards');
  });
});
