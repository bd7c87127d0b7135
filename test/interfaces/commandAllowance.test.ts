/**
 * Every command that costs more than a key read takes from the member's allowance and their server's,
 * before it resolves anything: through the real command modules, on the console (the Discord dispatcher
 * calls the same takeAllowance; test/e2e/badInput.test.ts covers it through a fake Discord).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemberServerLimiter } from '../../src/service/rateLimiter.js';
import { trainPlantedModel, type PlantedModel } from '../service/plantedModel.js';
import { closeAll, serviceOnTempStore } from '../service/tempService.js';
import { consoleOutput } from './consoleSession.js';

let trained: PlantedModel;
beforeAll(async () => {
  trained = await trainPlantedModel();
});
afterAll(closeAll);

async function session(lines: string[], limits: { perMember: number; perServer: number }): Promise<string[]> {
  const { service } = await serviceOnTempStore(trained.model, { commandLimiter: createMemberServerLimiter({ ...limits, now: () => 0 }) });
  // One answer per command line (the banner first).
  return (await consoleOutput(service, lines)).split('\n').filter(Boolean).slice(1);
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
