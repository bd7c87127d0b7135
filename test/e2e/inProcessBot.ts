/** Starts the real bot (startBot, real discord.js Client) in this process against a fake Discord. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { readConfig } from '../../src/config.js';
import { startBot, type RunningBot } from '../../src/interfaces/discord/bot.js';
import { composeService } from '../../src/app/compose.js';
import { createLogger } from '../../src/log.js';
import type { AnirecModel } from '../../src/model/anirecModel.js';
import type { AnirecService } from '../../src/service/index.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { FakeDiscord } from '../../support/fakeDiscord.js';

/** Recognisable, token-shaped (id.timestamp.hmac) so a leak is easy to find. */
export const TEST_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAniRc.e2e-SECRET-token-do-not-print-0123456789';

export interface TestBot {
  bot: RunningBot;
  store: RatingsStore;
  storeFile: string;
  /** Every log line the bot wrote (already redacted by the logger). */
  logLines: string[];
  stop(): Promise<void>;
}

export async function startTestBot(options: {
  fake: FakeDiscord;
  model: AnirecModel;
  dir: string;
  env?: Record<string, string>;
  globalRequestsPerSecond?: number;
  /** Milliseconds before an unanswered command defers (the bot's default when absent). */
  deferAfterMs?: number;
  /** A service composed elsewhere (the bot's own store is then unused). */
  service?: AnirecService;
}): Promise<TestBot> {
  const storeFile = join(options.dir, 'store', 'anirec.sqlite');
  const config = readConfig({
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: options.fake.apiUrl,
    ANIREC_STORE_URL: `sqlite://${storeFile}`,
    ANIREC_LOG_LEVEL: 'debug',
    ANIREC_RATE_LIMIT: '10000',
    ANIREC_SERVER_RATE_LIMIT: '1000000',
    ...options.env,
  });
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [config.discordToken], write: (line) => logLines.push(line) });
  const store = await openRatingsStore(config.storeUrl, { onError: (error) => log.error('ratings store', error) });
  const service = options.service ?? composeService({
    model: options.model,
    store,
    rateLimitPerMinute: config.rateLimitPerMinute,
    serverRateLimitPerMinute: config.serverRateLimitPerMinute,
    log,
    lists: { anilistUrl: config.anilistUrl, malApiUrl: config.malApiUrl, malClientId: config.malClientId },
  });
  const bot = await startBot({
    config,
    service,
    log,
    globalRequestsPerSecond: options.globalRequestsPerSecond ?? 10_000,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  let stopped = false;
  return {
    bot,
    store,
    storeFile,
    logLines,
    async stop() {
      if (stopped) return;
      stopped = true;
      await bot.stop();
      await store.close().catch(() => undefined);
    },
  };
}

/**
 * Registers, in the calling describe block, a fresh fake Discord and an in-process bot on the model
 * `getModel()` returns (with extra environment), torn down after the block; unhandled rejections fail the run. Read `fake` and `bot` inside tests and hooks.
 */
export function useFakeDiscordBot(
  getModel: () => AnirecModel,
  options: { env?: Record<string, string>; deferAfterMs?: number } = {},
): { readonly fake: FakeDiscord; readonly bot: TestBot } {
  const state = {} as { fake: FakeDiscord; bot: TestBot; unguard: () => void };
  beforeAll(async () => {
    state.fake = await FakeDiscord.start({ token: TEST_TOKEN });
    state.unguard = state.fake.guardRejections();
    state.bot = await startTestBot({ fake: state.fake, model: getModel(), dir: mkdtempSync(join(tmpdir(), 'anirec-')), ...options });
  });
  afterAll(async () => {
    await state.bot?.stop();
    await state.fake?.close();
    state.unguard?.();
  });
  return {
    get fake() {
      return state.fake;
    },
    get bot() {
      return state.bot;
    },
  };
}
