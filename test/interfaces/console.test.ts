import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { loadCommands } from '../../src/interfaces/commandRegistry.js';
import { optionNames, parseConsoleLine, runConsole } from '../../src/interfaces/console.js';
import { createRateLimiter } from '../../src/service/rateLimiter.js';
import { openRatingsStore, type RatingsStore } from '../../src/store/ratingsStore.js';
import { createService } from '../../src/service/index.js';
import { savePlantedModel, type PlantedModel } from '../service/plantedModel.js';
import { consoleOutput } from './consoleSession.js';

let trained: PlantedModel & { modelDir: string };
const stores: RatingsStore[] = [];
beforeAll(async () => {
  trained = await savePlantedModel();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'anirec-'));

describe('parseConsoleLine', () => {
  it('given name:value options then they are split from the positional text; a colon inside a title stays', async () => {
    const known = optionNames((await loadCommands()).commands);
    expect(parseConsoleLine('/recommend count:5 genre:Slice of Life', known)).toEqual({ command: 'recommend', positional: '', options: { count: '5', genre: 'Slice of Life' } });
    expect(parseConsoleLine('/rate Re:Zero 9', known)).toEqual({ command: 'rate', positional: 'Re:Zero 9', options: {} });
    expect(parseConsoleLine('/similar Steins;Gate count:3', known)).toEqual({ command: 'similar', positional: 'Steins;Gate', options: { count: '3' } });
    expect(parseConsoleLine('help', known)).toEqual({ command: 'help', positional: '', options: {} });
  });
});

async function session(lines: string[]): Promise<string> {
  const store = await openRatingsStore(`sqlite://${join(tempDir(), 's.sqlite')}`);
  stores.push(store);
  const service = createService({
    model: trained.model,
    store,
    titles: buildTitleIndex(trained.model.catalogue),
    rateLimiter: createRateLimiter({ perMinute: 100 }),
  });
  return consoleOutput(service, lines);
}

describe('runConsole', () => {
  it('given a scripted session then each command answers as on Discord, in text', async () => {
    const out = await session(['/rate Action Story 1 9', '/rate anime:Action Story 2 score:10', '/rate Action Story 3 eleven', '/ratings', '/unrate Action Story 2', '/bogus']);
    expect(out).toBe(
      [
        'anirec console: type /help for commands, /quit to leave.',
        'Saved: Action Story 1 9/10. You have rated 1 anime.',
        'Saved: Action Story 2 10/10. You have rated 2 anime.',
        'score: "eleven" is not a whole number from 1 to 10',
        '== Your ratings ==',
        '10/10 · Action Story 2 <https://myanimelist.net/anime/1004>',
        '9/10 · Action Story 1 <https://myanimelist.net/anime/1000>',
        '(Page 1/1 · 2 anime)',
        'Removed your rating of Action Story 2. You have rated 1 anime.',
        'Unknown command /bogus. Type /help for the list.',
        '',
      ].join('\n'),
    );
  });

  it('given /forget-me then it asks first: cancel keeps everything, confirm deletes it', async () => {
    const out = await session(['/rate Action Story 1 9', '/forget-me', 'cancel', '/forget-me', 'confirm', '/ratings']);
    expect(out).toContain('Are you sure?\n(press a button: confirm, cancel)\nCancelled: nothing was deleted.\n');
    expect(out).toContain('Are you sure?\n(press a button: confirm, cancel)\nDone: everything stored about you is deleted.\n');
    expect(out.endsWith('You have not rated anything yet. Use /rate to start.\n')).toBe(true);
  });

  it('given a local member (/as) then their /forget-me and /ratings buttons are theirs, though their id holds a colon', async () => {
    const out = await session(['/as alice', '/rate Action Story 1 9', '/forget-me', 'confirm', '/ratings']);
    expect(out).toContain('Are you sure?\n(press a button: confirm, cancel)\nDone: everything stored about you is deleted.\n');
    expect(out.endsWith('You have not rated anything yet. Use /rate to start.\n')).toBe(true);
  });

  it('given /import of a file then its ratings count; a missing file gets one line', async () => {
    const file = join(tempDir(), 'animelist.xml');
    writeFileSync(file, '<myanimelist><anime><series_animedb_id>1000</series_animedb_id><my_score>8</my_score><my_status>Completed</my_status></anime></myanimelist>');
    const out = await session([`/import ${file}`, '/import /no/such/file.xml']);
    expect(out).toContain('Imported 1 ratings and 0 watched anime. You have rated 1 anime.\n');
    expect(out).toContain('/no/such/file.xml: no such file\n');
  });
});

describe('the console as several local members', () => {
  it('given /as then commands act as that member: twins, affinity and a watch party between local members', async () => {
    const out = await session([
      '/rate Action Story 1 9', '/rate Action Story 2 10', '/rate Comedy Story 1 2',
      '/as alice', '/rate Action Story 1 10', '/rate Action Story 2 9', '/rate Comedy Story 1 1',
      '/as bob', '/rate Comedy Story 1 10', '/rate Action Story 1 2',
      '/as', '/twins', '/affinity member:console', '/watch-party members:@console @carol',
      '/as console', '/ratings',
    ]);
    expect(out).toContain('You are alice.\n');
    expect(out).toContain('You are bob.\n');
    // bob's twins: alice and console, by name; bob's ratings are his own.
    const twins = /== Your taste twins in this server ==\n([\s\S]*?)\n\(/.exec(out)?.[1] ?? '';
    expect(twins.split('\n').map((l) => l.replace(/^\d\. /, '').replace(/ ·.*/, '')).sort()).toEqual(['alice', 'console']);
    expect(twins).toMatch(/^1\. (alice|console) · \*?\*?~?-?\d/);
    expect(out).toContain('== Taste affinity ==\nWith console\n');
    expect(out).toContain('== Watch party for 2 ==\nFor bob, console: anime none of you has seen');
    expect(out).toContain("Left out (not in this server's lists: they have not used anirec here, or chose to stay out): carol.");
    expect(out).toMatch(/bob \d+\.\d · console \d+\.\d/);
    expect(out.endsWith('(Page 1/1 · 3 anime)\n')).toBe(true);
  });

  it('given /help then every command of commands/ is listed from its definition, with /as', async () => {
    const out = await session(['/help']);
    for (const name of ['affinity', 'forget-me', 'import', 'privacy', 'rate', 'ratings', 'recommend', 'server-top', 'similar', 'twins', 'unrate', 'watch-party']) {
      expect(out).toMatch(new RegExp(`^  /${name}\\b`, 'm'));
    }
    expect(out).toContain('/rate <anime> <score:N>');
    expect(out).toContain('/affinity <member:member>');
    expect(out).toContain('/as <name>');
  });
});

describe('anirec start without DISCORD_TOKEN', () => {
  it('given piped commands then the console runs them against the trained model and exits at EOF', async () => {
    const storeFile = join(tempDir(), 'store', 'anirec.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'start'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, DISCORD_TOKEN: '', ANIREC_MODEL_DIR: trained.modelDir, ANIREC_STORE_URL: `sqlite://${storeFile}`, ANIREC_LOG_LEVEL: 'info' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(
      ['/rate Action Story 1 10', '/rate Action Story 2 9', '/rate Comedy Story 1 2', '/recommend count:3', '/similar Action Story 1 count:2', '/recommend genre:Nope', '/rate frieren 9', '/similar frieren', '/seasonal fall 2023 count:3'].join('\n') + '\n',
    );
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('backend: local console');
    expect(stderr).toMatch(/ready in \d+\.\d\d s, RSS \d+ MB/);
    expect(code).toBe(0);
    expect(stdout).toContain('Saved: Action Story 1 10/10. You have rated 1 anime.\n');
    expect(stdout).toContain('Saved: Comedy Story 1 2/10. You have rated 3 anime.\n');
    const picks = /== Picked for you ==\n([\s\S]*?)== Like/.exec(stdout)?.[1] ?? '';
    expect(picks.match(/^\d+\. .*$/gm)).toHaveLength(3);
    expect(picks).toContain('because you liked Action Story');
    expect(stdout).toContain('== Like Action Story 1 <https://myanimelist.net/anime/1000> ==\n1. ');
    expect(stdout).toContain('genre: there is no genre "Nope"\n');
    // The catalogue merged with the installed bangumi-data: an anime of 2023 by its English title.
    expect(stderr).toMatch(/catalogue: \d+ anime \(\d+ newer than the model from bangumi-data/);
    expect(stdout).toContain("Saved: Frieren: Beyond the Journey's End (frieren) 9/10. You have rated 4 anime.\n");
    expect(stdout).toMatch(/== Like Frieren[^\n]*==\nThis anime is newer than the trained model: its place rests on 1 member rating\./);
    expect(stdout).toContain('== Fall 2023: picked for you ==');
    expect(stdout).toContain('estimate from its genres and type only');
  });
});
