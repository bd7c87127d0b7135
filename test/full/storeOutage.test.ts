/**
 * A real Redis and a real PostgreSQL stopped and started again while members keep rating: ratings during
 * the outage get "not saved, try again" (never a false "Saved"), every acknowledged rating is there
 * afterwards, and the same running service saves again once the server is back, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/interfaces/messages.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { composeService } from '../../src/app/compose.js';
import { trainPlantedModel, type PlantedModel } from '../service/plantedModel.js';
import { startPrivateServer, type ServerKind } from '../../support/servers.js';

let trained: PlantedModel;
beforeAll(async () => {
  trained = await trainPlantedModel();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['redis', 'postgres'] as ServerKind[])('%s stopped and started again under load', (kind) => {
  const opened: RatingsStore[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  });

  it('given ratings arriving throughout then none is falsely acknowledged and saving resumes by itself', async () => {
    const server = await startPrivateServer(kind);
    try {
      const store = await openRatingsStore(server.url, { onError: () => undefined, timeoutMs: 1500 });
      opened.push(store);
      const service = composeService({ model: trained.model, store, rateLimitPerMinute: 1_000_000 });
      const nAnime = trained.model.catalogue.anime.length;
      type Outcome = { member: string; animeId: string; score: number; at: number; saved: boolean; message?: string };
      const outcomes: Outcome[] = [];
      let slot = 0;
      let running = true;
      // Each (member, anime) is rated once in the whole test, so a write that failed to answer but landed
      // anyway can never be mistaken for (or overwrite) an acknowledged one.
      const lane = async () => {
        while (running) {
          const s = slot++;
          const member = String(200_000_000_000_000_000n + BigInt(Math.floor(s / nAnime)));
          const animeId = String(trained.model.catalogue.anime[s % nAnime]!.animeId);
          const score = 1 + (s % 10);
          try {
            await service.rate(member, animeId, score);
            outcomes.push({ member, animeId, score, at: performance.now(), saved: true });
          } catch (error) {
            outcomes.push({ member, animeId, score, at: performance.now(), saved: false, message: describeError(error) });
            await sleep(20);
          }
        }
      };
      const lanes = Array.from({ length: 8 }, lane);
      await sleep(1000);
      await server.stop();
      const stopped = performance.now();
      await sleep(1500);
      await server.start();
      const restarted = performance.now();
      // Load goes on until the same service has saved 100 more ratings (or 30 s pass).
      while (outcomes.filter((o) => o.saved && o.at > restarted).length < 100 && performance.now() - restarted < 30_000) await sleep(100);
      running = false;
      await Promise.all(lanes);

      const failed = outcomes.filter((o) => !o.saved);
      expect(outcomes.filter((o) => o.saved && o.at < stopped).length).toBeGreaterThan(50);
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((o) => o.message))).toEqual(new Set(['I could not save that just now, so nothing was recorded. Please try again in a moment.']));
      expect(outcomes.filter((o) => o.saved && o.at > restarted).length).toBeGreaterThanOrEqual(100);

      const check = await openRatingsStore(server.url);
      opened.push(check);
      const missing: Outcome[] = [];
      for (const o of outcomes.filter((x) => x.saved)) if ((await check.get(o.member))?.ratings[o.animeId] !== o.score) missing.push(o);
      expect(missing).toEqual([]);
    } finally {
      await server.remove();
    }
  });
});
