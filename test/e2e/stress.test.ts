/**
 * Load through the fake Discord: 500 concurrent /rate from 50 members (one member sends 50 at once).
 * Every acknowledged rating must be in the SQLite file afterwards, read with a fresh store, and each
 * member's stored vector must equal a fresh fold-in of their stored ratings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../src/model/types.js';
import { openRatingsStore } from '../../src/store/ratingsStore.js';
import { decodeVector, modelFingerprint } from '../../src/service/index.js';
import { FakeDiscord, type Reply } from '../../support/fakeDiscord.js';
import { startTestBot, TEST_TOKEN, type TestBot } from './inProcessBot.js';
import { prepareTestModel, type TestModel } from './testModel.js';

const MEMBERS = 50;
const TOTAL = 500;
const BUSY_MEMBER_RATINGS = 50;

interface Planned {
  member: number;
  animeId: number;
  score: number;
}

/** Member 0 rates 50 distinct anime; the other 450 ratings go round-robin to members 1..49, distinct per member. */
function planRatings(): Planned[] {
  const plan: Planned[] = [];
  for (let j = 0; j < BUSY_MEMBER_RATINGS; j++) plan.push({ member: 0, animeId: 1000 + j, score: 1 + ((j * 7) % 10) });
  for (let k = 0; k < TOTAL - BUSY_MEMBER_RATINGS; k++) {
    const member = 1 + (k % (MEMBERS - 1));
    const round = Math.floor(k / (MEMBERS - 1));
    plan.push({ member, animeId: 1000 + ((round * 5 + member) % 60), score: 1 + ((k * 3) % 10) });
  }
  return plan;
}

describe('500 concurrent /rate from 50 members', () => {
  let fake: FakeDiscord;
  let tm: TestModel;
  let bot: TestBot;
  let unguard: () => void;
  const plan = planRatings();
  let replies: Reply[] = [];

  beforeAll(async () => {
    // The burst checks correctness; Discord's 3 s window is tested elsewhere, so a slow CI box cannot fail it.
    fake = await FakeDiscord.start({ token: TEST_TOKEN, callbackWindowMs: 60_000 });
    unguard = fake.guardRejections();
    tm = await prepareTestModel();
    bot = await startTestBot({ fake, model: tm.model, dir: mkdtempSync(join(tmpdir(), 'anirec-')), globalRequestsPerSecond: 100_000 });
    // Interleave members so the busy one's 50 ratings race everyone else's.
    const order = plan.map((_, i) => i).sort((a, b) => (a * 7919) % TOTAL - (b * 7919) % TOTAL);
    const sent = new Array<Promise<Reply>>(TOTAL);
    for (const i of order) {
      const p = plan[i]!;
      sent[i] = fake.slash('rate', { anime: String(p.animeId), score: p.score }, { user: fake.member(p.member), timeoutMs: 60_000 });
    }
    replies = await Promise.all(sent);
    await bot.stop();
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    unguard?.();
  });

  it('given the burst then every rating is acknowledged with no unhandled route or rejection', () => {
    const saved = replies.filter((r) => /^Saved: \*\*.+\*\* \d+\/10\. You have rated \d+ anime\.$/.test(r.data.content));
    expect(saved).toHaveLength(TOTAL);
    expect(replies.every((r) => r.ephemeral && r.data.allowed_mentions.parse.length === 0)).toBe(true);
    expect(fake.unhandled).toEqual([]);
    expect(fake.rejections).toEqual([]);
  });

  it('given one member\'s 50 concurrent ratings then each saw the one before it (counts 1..50, none lost)', () => {
    const counts = replies
      .filter((_, i) => plan[i]!.member === 0)
      .map((r) => Number(/You have rated (\d+) anime/.exec(r.data.content)![1]))
      .sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: BUSY_MEMBER_RATINGS }, (_, i) => i + 1));
  });

  it('given a fresh store on the SQLite file then it holds every acknowledged rating and a vector equal to a fresh fold-in', async () => {
    const store = await openRatingsStore(`sqlite://${bot.storeFile}`);
    const model = tm.model;
    try {
      for (let m = 0; m < MEMBERS; m++) {
        const expected: Record<string, number> = {};
        plan.forEach((p, i) => {
          if (p.member === m && replies[i]!.data.content.startsWith('Saved:')) expected[String(p.animeId)] = p.score;
        });
        const record = await store.get(fake.member(m).id);
        expect(record?.ratings, `member ${m}`).toEqual(expected);
        expect(record!.modelFingerprint).toBe(modelFingerprint(model));

        const entries = Object.entries(record!.ratings);
        const profile: Profile = {
          itemIx: Int32Array.from(entries, ([id]) => model.catalogue.ixByAnimeId.get(Number(id))!),
          score: Int8Array.from(entries, ([, s]) => s),
        };
        const fresh = model.exportUser(model.foldIn(profile));
        const stored = decodeVector(record!.vector!);
        expect(stored.length).toBe(fresh.length);
        let worst = 0;
        for (let i = 0; i < fresh.length; i++) worst = Math.max(worst, Math.abs(stored[i]! - fresh[i]!));
        expect(worst, `member ${m}`).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await store.close();
    }
  });
});
