/**
 * Every front-end answers the same input the same way: rate, recommend, similar, seasonal and search
 * through the console, Discord (the real discord.js client against the fake Discord), the web API and the
 * CLI, each on a service composed by src/app/compose.ts from the same saved model and catalogue cache.
 * Answers are compared by the anime they name, in order.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeOffline } from '../../src/app/compose.js';
import { startWebServer, type RunningWebServer } from '../../src/interfaces/web/server.js';
import type { AnirecService } from '../../src/service/index.js';
import { consoleOutput } from '../interfaces/consoleSession.js';
import { savePlantedModel, type PlantedModel } from '../service/plantedModel.js';
import { FakeDiscord, type Reply } from '../../support/fakeDiscord.js';
import { startTestBot, TEST_TOKEN, type TestBot } from './inProcessBot.js';

const work = mkdtempSync(join(tmpdir(), 'anirec-frontends-'));
const cacheDir = join(work, 'cache');
let trained: PlantedModel & { modelDir: string };
const closers: (() => Promise<void>)[] = [];
let consoleService: AnirecService;
let fake: FakeDiscord;
let bot: TestBot;
let web: RunningWebServer;

async function composed(): Promise<AnirecService> {
  const { service, close } = await composeOffline({ cacheDir }, trained.modelDir);
  closers.push(close);
  return service;
}

beforeAll(async () => {
  trained = await savePlantedModel();
  consoleService = await composed();
  fake = await FakeDiscord.start({ token: TEST_TOKEN });
  bot = await startTestBot({ fake, model: trained.model, dir: join(work, 'bot'), service: await composed() });
  web = await startWebServer({ service: await composed(), evalDir: join(work, 'no-eval'), rateLimitPerMinute: 100_000, port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await web?.close();
  await bot?.stop();
  await fake?.close();
  for (const close of closers) await close();
});

/** MyAnimeList ids named by links, in order of first appearance. */
const linked = (text: string): number[] => [...new Set([...text.matchAll(/myanimelist\.net\/anime\/(\d+)/g)].map((m) => Number(m[1])))];
const discordIds = (reply: Reply) => linked(JSON.stringify(reply.data));
const api = async (path: string, body?: unknown) => {
  const response = await fetch(`${web.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as any;
};
function cli(...args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ANIREC_CACHE_DIR: cacheDir, ANIREC_LOG_LEVEL: 'error' },
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}
const csvColumn = (text: string, column: string) => {
  const [header, ...rows] = text.trim().split('\n');
  const at = header!.split(',').indexOf(column);
  return rows.map((row) => Number(row.split(',')[at]));
};

// A member who loves planted group 0 (every 4th anime) and dislikes group 1, rated by title.
const ratings = [
  [0, 10],
  [4, 9],
  [8, 10],
  [1, 2],
  [5, 3],
] as const;
const title = (itemIx: number) => trained.model.catalogue.anime[itemIx]!.name;
const animeId = (itemIx: number) => trained.model.catalogue.anime[itemIx]!.animeId;

describe('every front-end, the same answers', () => {
  it('given the same ratings by title then /rate names the same anime and /recommend picks the same ones on console, Discord, web and CLI', async () => {
    // /rate answers with the anime's name ("Saved: **name** score/10"), on both.
    const savedNames = (text: string) => [...text.matchAll(/Saved: \**(.+?)\** \d+\/10/g)].map((m) => m[1]);
    const consoleRated = savedNames(await consoleOutput(consoleService, ratings.map(([ix, s]) => `/rate ${title(ix)} ${s}`)));
    const user = fake.member(1);
    const discordRated: string[] = [];
    for (const [ix, score] of ratings) discordRated.push(...savedNames((await fake.slash('rate', { anime: title(ix), score }, { user })).data.content));
    expect(discordRated).toEqual(ratings.map(([ix]) => title(ix)));
    expect(consoleRated).toEqual(discordRated);
    const consoleText = await consoleOutput(consoleService, ['/recommend count:5']);
    const discordPicks = discordIds(await fake.slash('recommend', { count: 5 }, { user }));

    const webPicks = (await api('/api/recommend', { ratings: ratings.map(([ix, score]) => ({ animeId: animeId(ix), score })), count: 5 })).picks.map((p: { animeId: number }) => p.animeId);
    const profiles = join(work, 'profiles.csv');
    writeFileSync(profiles, ['user_id,anime_id,rating', ...ratings.map(([ix, s]) => `1,${animeId(ix)},${s}`)].join('\n') + '\n');
    const cliPicks = csvColumn(cli('recommend', '--model', trained.modelDir, '--profiles', profiles, '--top', '5'), 'anime_id');

    expect(webPicks).toHaveLength(5);
    expect(linked(consoleText).slice(0, 5)).toEqual(webPicks);
    expect(discordPicks.slice(0, 5)).toEqual(webPicks);
    expect(cliPicks).toEqual(webPicks);
  });

  it('given a title then /similar lists the same neighbours on console, Discord, web and CLI', async () => {
    const anime = title(12);
    const webIds = (await api(`/api/similar/${animeId(12)}?count=6`)).similar.map((n: { animeId: number }) => n.animeId);
    const consoleIds = linked(await consoleOutput(consoleService, [`/similar ${anime} count:6`]));
    const discord = discordIds(await fake.slash('similar', { anime, count: 6 }, { user: fake.member(2) }));
    const cliIds = csvColumn(cli('similar', '--model', trained.modelDir, '--anime', anime, '--top', '6'), 'anime_id');
    expect(webIds).toHaveLength(6);
    expect(consoleIds).toEqual([animeId(12), ...webIds]);
    expect(discord).toEqual([animeId(12), ...webIds]);
    expect(cliIds).toEqual(webIds);
  });

  it('given a season then /seasonal answers the same on console and Discord', async () => {
    const consoleIds = linked(await consoleOutput(consoleService, ['/seasonal season:spring 2024 count:5']));
    // The member of the first test, who rated the same anime on both.
    const discord = discordIds(await fake.slash('seasonal', { season: 'spring 2024', count: 5 }, { user: fake.member(1) }));
    expect(discord).toEqual(consoleIds);
  });

  it('given typed text then the title search offers the same anime on Discord autocomplete and the web page', async () => {
    const typed = title(20).slice(0, 8);
    const webIds = (await api(`/api/search?q=${encodeURIComponent(typed)}`)).results.map((r: { animeId: number }) => r.animeId);
    const choices = (await fake.autocomplete('rate', 'anime', typed, {}, { user: fake.member(4) })).data.choices as { value: string }[];
    expect(webIds.length).toBeGreaterThan(0);
    expect(choices.map((c) => Number(c.value))).toEqual(webIds);
  });
});
