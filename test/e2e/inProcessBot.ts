/** Starts the real bot (startBot, real discord.js Client) in this process against a fake Discord. */
import { join } from 'node:path';
import { readConfig } from '../../src/config.js';
import { startBot, type RunningBot } from '../../src/interfaces/discord/bot.js';
import { createLogger } from '../../src/log.js';
import type { AnirecModel } from '../../src/model/anirecModel.js';
import { openRatingsStore, type RatingsStore } from '../../src/recommender/ratingsStore.js';
import type { FakeDiscord } from './fakeDiscord.js';

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
}): Promise<TestBot> {
  const storeFile = join(options.dir, 'store', 'anirec.sqlite');
  const config = readConfig({
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: options.fake.apiUrl,
    ANIREC_STORE_URL: `sqlite://${storeFile}`,
    ANIREC_LOG_LEVEL: 'debug',
    ANIREC_RATE_LIMIT: '10000',
    ...options.env,
  });
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [config.discordToken], write: (line) => logLines.push(line) });
  const store = await openRatingsStore(config.storeUrl, { onError: (error) => log.error('ratings store', error) });
  const bot = await startBot({ config, model: options.model, store, log, globalRequestsPerSecond: options.globalRequestsPerSecond ?? 10_000 });
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
