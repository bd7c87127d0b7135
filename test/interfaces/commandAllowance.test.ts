/**
 * Every command that costs more than a key read takes from the member's allowance and their server's,
 * before it resolves anything: through the real command modules, on the console (the Discord dispatcher
 * calls the same takeAllowance; test/e2e/badInput.test.ts covers it through a fake Discord).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { runConsole } from '../../src/interfaces/console.js';
import { createCommandLimiter, createRateLimiter } from '../../src/recommender/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/recommender/ratingsStore.js';
import { createService } from '../../src/recommender/service.js';
import { trainPlantedModel, type PlantedModel } from '../recommender/plantedModel.js';

let trained: PlantedModel;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function session(lines: string[], limits: { perMember: number; perServer: number }): Promise<string[]> {
  const store = await openRatingsStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 's.sqlite')}`);
  stores.push(store);
  const service = createService({
    model: trained.model,
    store,
    titles: buildTitleIndex(trained.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    commandLimiter: createCommandLimiter({ ...limits, now: () => 0 }),
  });
  let out = '';
  await runConsole({ service, input: Readable.from([lines.join('\n') + '\n']), write: (t) => (out += t) });
  // One answer per command line (the banner first).
  return out.split('\n').filter(Boolean).slice(1);
}

const LIMITED = /^Easy there! Try again in \d+ s\.$/;

describe('the command allowance', () => {
  it('given a member over their allowance then /rate, /unrate, /similar (even of an unknown title) and the group commands are refused; /ratings is not', async () => {
    const out = await session(
      ['/rate Action Story 1 9', '/unrate Action Story 1', '/similar No Such Anime Anywhere', '/rate Action Story 2 9', '/unrate Action Story 2', '/similar No Such Anime Anywhere', '/twins', '/watch-party members:@console', '/server-top', '/affinity member:bob', '/ratings'],
      { perMember: 3, perServer: 100 },
    );
    expect(out[0]).toMatch(/^Saved/);
    expect(out[2]).toMatch(/^I don't know an anime called/);
    const refused = out.slice(3, 10);
    expect(refused.every((line) => LIMITED.test(line)), refused.join('\n')).toBe(true);
    expect(out.at(-1)).toMatch(/You have not rated anything yet|Page/);
  });

  it("given a server's members over the server's allowance then the next member is refused though their own allowance is whole", async () => {
    const out = await session(['/rate Action Story 1 9', '/as bob', '/rate Action Story 1 9', '/recommend', '/as carol', '/recommend'], { perMember: 10, perServer: 3 });
    expect(out[0]).toMatch(/^Saved/);
    expect(out[2]).toMatch(/^Saved/);
    expect(out.at(-1)).toMatch(LIMITED);
  });
});
