/** /rate's write path: one store write for the rating, the server named in that same write. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { createService } from '../../src/service/index.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { trainPlantedModel, type PlantedModel } from './plantedModel.js';

let trained: PlantedModel;
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
});

/** A process: a service on the store file, counting the writes that reach the backend. */
async function processOn(file: string) {
  const counter = { writes: 0 };
  const store = await openRatingsStore(`sqlite://${file}`, { observe: (operation) => void (operation === 'write' && counter.writes++) });
  stores.push(store);
  const service = createService({ model: trained.model, store, titles: buildTitleIndex(trained.model.catalogue), rateLimiter: createRateLimiter({ perMinute: 1000 }) });
  return { service, store, counter };
}

const writesOf = async (counter: { writes: number }, work: () => Promise<unknown>) => {
  const before = counter.writes;
  await work();
  return counter.writes - before;
};

describe('rate in a server', () => {
  it('given a member already listed in the server then each /rate is one store write, in this process and in a fresh one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-rate-')), 's.sqlite');
    const one = await processOn(file);
    // The first command in a server: the rating (naming the server) and the member's entry in its list.
    expect(await writesOf(one.counter, () => one.service.rate('ann', '1000', 9, { guildId: 'g' }))).toBe(2);
    expect(await writesOf(one.counter, () => one.service.rate('ann', '1001', 8, { guildId: 'g' }))).toBe(1);
    const two = await processOn(file);
    expect(await writesOf(two.counter, () => two.service.rate('ann', '1002', 7, { guildId: 'g' }))).toBe(1);
    expect((await two.store.get('ann'))?.guilds).toEqual(['g']);
    expect([...(await two.service.guildMembers('g'))]).toEqual(['ann']);
  });

  it('given a rating in a DM then nothing names a server', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-rate-')), 's.sqlite');
    const one = await processOn(file);
    expect(await writesOf(one.counter, () => one.service.rate('bob', '1000', 9, { guildId: null }))).toBe(1);
    expect((await one.store.get('bob'))?.guilds).toBeUndefined();
  });

  it('given a member who used the bot in one server then rating in a second adds that server to the same record', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anirec-rate-')), 's.sqlite');
    const one = await processOn(file);
    await one.service.rate('cat', '1000', 9, { guildId: 'g1' });
    await one.service.rate('cat', '1001', 9, { guildId: 'g2' });
    expect((await one.store.get('cat'))?.guilds).toEqual(['g1', 'g2']);
    expect([...(await one.service.guildMembers('g2'))]).toEqual(['cat']);
  });
});
