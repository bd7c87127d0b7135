/**
 * One process of the server-list test: the real service on the shared store records that each of its
 * members used the bot in one server (16 at once), then prints `done`. Members are MEMBER_BASE+WORKER*COUNT...
 */
import { loadAnirecModel } from '../../src/model/anirecModel.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { composeService } from '../../src/app/compose.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`guildWorker needs ${name}`);
  return value;
};
const count = Number(env('COUNT'));
const first = Number(env('WORKER')) * count;
const ids = Array.from({ length: count }, (_, k) => `${env('MEMBER_BASE')}-${first + k}`);
const model = await loadAnirecModel(env('MODEL_DIR'));
const store = await openRatingsStore(env('STORE_URL'), { onError: () => undefined });
const service = composeService({ model, store, rateLimitPerMinute: 1_000_000 });
let next = 0;
const lane = async () => {
  while (next < ids.length) {
    const id = ids[next++]!;
    await service.noteGuildUse(id, env('GUILD'));
    process.stdout.write(`ack ${id}\n`);
  }
};
await Promise.all(Array.from({ length: 16 }, lane));
await store.close();
process.stdout.write('done\n');
