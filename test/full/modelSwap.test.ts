/**
 * A running bot switches to the model `anirec train` writes into its folder (watched) or on SIGHUP, while
 * members keep rating and asking for picks through the fake Discord: no interaction fails, the log and
 * /metrics name the model that serves after the switch.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { saveAnirecModel, trainAnirecModel, type AnirecModel } from '../../src/model/anirecModel.js';
import { modelFingerprint } from '../../src/service/index.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../../support/childProcess.js';
import { FakeDiscord } from '../../support/fakeDiscord.js';
import { TEST_TOKEN } from '../e2e/inProcessBot.js';
import { prepareTestModel, type TestModel } from '../e2e/testModel.js';

let tm: TestModel;
let fake: FakeDiscord;
const retrained: AnirecModel[] = [];
beforeAll(async () => {
  tm = await prepareTestModel();
  fake = await FakeDiscord.start({ token: TEST_TOKEN });
  const dataset = await loadDataset(tm.dataDir, { cacheDir: tm.cacheDir });
  // Two more models of the same data (another training run each: a new trainedAt, so a new fingerprint).
  for (const epochs of [3, 4]) retrained.push(await trainAnirecModel(dataset, { quiet: true, explicitKinds: ['embedding'], explicit: { epochs, threads: 1, dim: 8 } }));
});
afterAll(async () => {
  await killAllChildren();
  await fake?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Members rating and asking for picks, 8 at a time, until stopped; every answer checked. */
function load() {
  const failures: string[] = [];
  let longestMs = 0;
  let answered = 0;
  let running = true;
  const lane = async (n: number) => {
    const user = fake.member(100 + n);
    for (let i = 0; running; i++) {
      const started = performance.now();
      try {
        if (i % 2 === 0) {
          const reply = await fake.slash('rate', { anime: String(1000 + ((n * 7 + i) % 60)), score: 1 + (i % 10) }, { user });
          if (!reply.data.content.startsWith('Saved:')) failures.push(reply.data.content);
        } else {
          const reply = await fake.slash('recommend', { count: 5 }, { user });
          if (reply.data.embeds?.[0]?.fields?.length !== 5) failures.push(JSON.stringify(reply.data));
        }
        answered++;
      } catch (error) {
        failures.push(String(error));
      }
      longestMs = Math.max(longestMs, performance.now() - started);
    }
  };
  const lanes = Array.from({ length: 8 }, (_, n) => lane(n));
  return {
    failures,
    answered: () => answered,
    async stop() {
      running = false;
      await Promise.all(lanes);
      return longestMs;
    },
  };
}

async function startBot(extra: Record<string, string>): Promise<{ child: AnirecChild; metricsUrl: string }> {
  const child = spawnAnirec(['start'], {
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    ANIREC_MODEL_DIR: tm.modelDir,
    ANIREC_DATA_DIR: tm.dataDir,
    ANIREC_CACHE_DIR: tm.cacheDir,
    ANIREC_STORE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 'anirec.sqlite')}`,
    ANIREC_METRICS_PORT: '0',
    ANIREC_RATE_LIMIT: '100000',
    ANIREC_SERVER_RATE_LIMIT: '1000000',
    ...extra,
  });
  await child.waitForOutput(/ready in \d+\.\d+ s/, 60_000);
  const port = /ops: \/healthz and \/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(child.stderr())![1];
  return { child, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

describe('model swap while interactions are in flight', () => {
  it.each([
    ['a new model written into the watched folder', {}, 0, /model folder changed/],
    ['SIGHUP, folder watch off', { ANIREC_WATCH_MODEL: 'false' }, 1, /SIGHUP/],
  ] as const)('given %s then no interaction fails and the new model serves', async (_label, extra, which, reason) => {
    const { child, metricsUrl } = await startBot(extra);
    const next = retrained[which]!;
    const fingerprint = modelFingerprint(next);
    const traffic = load();
    await sleep(1000);
    await saveAnirecModel(next, tm.modelDir);
    if (which === 1) child.process.kill('SIGHUP');
    const line = await child.waitForOutput(new RegExp(`model: now serving .*fingerprint ${fingerprint}.*`), 30_000);
    expect(line).toMatch(reason);
    const at = traffic.answered();
    await sleep(1000);
    await traffic.stop();
    expect(traffic.failures).toEqual([]);
    expect(traffic.answered()).toBeGreaterThan(at);
    expect(await (await fetch(metricsUrl)).text()).toContain(`fingerprint="${fingerprint}"} 1`);
    expect(await child.stop()).toBe(0);
  });
});
