/**
 * One anirec process of the multi-process store test: the real service on the shared store, rating its
 * share of the catalogue for every member at once (16 in flight). Prints `ack MEMBER ANIME SCORE` once a
 * rating is acknowledged, `fail MEMBER ANIME CODE` when the service refused it, `stale MEMBER` if a
 * /recommend ever offered an anime this process had already seen acknowledged, then `done`.
 */
import { loadAnirecModel } from '../../src/model/anirecModel.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { composeService } from '../../src/app/compose.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`storeWorker needs ${name}`);
  return value;
};
const worker = Number(env('WORKER'));
const workers = Number(env('WORKERS'));
const members = Array.from({ length: Number(env('MEMBERS')) }, (_, m) => (BigInt(env('MEMBER_BASE')) + BigInt(m)).toString());

const model = await loadAnirecModel(env('MODEL_DIR'));
const store = await openRatingsStore(env('STORE_URL'), { onError: () => undefined });
const service = composeService({ model, store, rateLimitPerMinute: 1_000_000 });
const mine = model.catalogue.anime.filter((_, ix) => ix % workers === worker).map((a) => a.animeId);
const tasks = mine.flatMap((animeId) => members.map((member, m) => ({ member, animeId, score: 1 + ((m + animeId) % 10) })));
const acknowledged = new Map<string, Set<number>>(members.map((m) => [m, new Set()]));
const out = (line: string) => process.stdout.write(`${line}\n`);
out('started');

let next = 0;
let done = 0;
async function lane(): Promise<void> {
  while (next < tasks.length) {
    const task = tasks[next++]!;
    try {
      await service.rate(task.member, String(task.animeId), task.score);
      acknowledged.get(task.member)!.add(task.animeId);
      out(`ack ${task.member} ${task.animeId} ${task.score}`);
    } catch (error) {
      out(`fail ${task.member} ${task.animeId} ${(error as { code?: string }).code ?? String(error)}`);
    }
    if (++done % 7 === 0) {
      const seen = new Set(acknowledged.get(task.member));
      const picks = await service.recommend(task.member, { count: 25 });
      if (picks.picks.some((p) => seen.has(p.anime.animeId))) out(`stale ${task.member}`);
    }
  }
}
await Promise.all(Array.from({ length: 16 }, lane));
await store.close();
out('done');
