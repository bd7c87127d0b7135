import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../../../src/interfaces/commandRegistry.js';

describe('loadCommands', () => {
  it('given the commands folder then the thirteen slash commands, none rejected', async () => {
    const { commands, rejected } = await loadCommands();
    expect([...commands.keys()]).toEqual(['affinity', 'forget-me', 'import', 'privacy', 'rate', 'ratings', 'recommend', 'seasonal', 'server-top', 'similar', 'twins', 'unrate', 'watch-party']);
    expect(rejected).toEqual([]);
  });

  it('given a file without data and execute then it is named, the others load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anirec-'));
    writeFileSync(join(dir, 'good.mjs'), "export const data = { name: 'good', toJSON: () => ({ name: 'good' }) };\nexport async function execute() {}\n");
    writeFileSync(join(dir, 'half.mjs'), "export const data = { name: 'half', toJSON: () => ({}) };\n");
    writeFileSync(join(dir, 'notes.md'), '# not code');
    const { commands, rejected } = await loadCommands(dir);
    expect([...commands.keys()]).toEqual(['good']);
    expect(rejected).toEqual(['half.mjs: does not export both "data" and "execute"']);
  });

  it('given the commands then options are named and bounded as documented', async () => {
    const { commands } = await loadCommands();
    const json = (name: string) => commands.get(name)!.data.toJSON();
    const brief = (name: string) =>
      (json(name).options ?? []).map((o) => {
        const x = o as unknown as Record<string, unknown>;
        return [x.name, x.type, x.required ?? false, x.autocomplete ?? false, x.min_value, x.max_value];
      });
    expect(brief('rate')).toEqual([
      ['anime', 3, true, true, undefined, undefined],
      ['score', 4, true, false, 1, 10],
    ]);
    expect(brief('recommend')).toEqual([
      ['count', 4, false, false, 1, 25],
      ['genre', 3, false, true, undefined, undefined],
      ['type', 3, false, false, undefined, undefined],
    ]);
    expect(brief('similar')).toEqual([
      ['anime', 3, true, true, undefined, undefined],
      ['count', 4, false, false, 1, 25],
    ]);
    expect(brief('unrate')).toEqual([['anime', 3, true, true, undefined, undefined]]);
    expect(brief('import')).toEqual([
      ['file', 11, false, false, undefined, undefined],
      ['anilist', 3, false, false, undefined, undefined],
      ['mal', 3, false, false, undefined, undefined],
    ]);
    expect(brief('ratings')).toEqual([]);
    expect(brief('forget-me')).toEqual([]);
    expect(brief('affinity')).toEqual([['member', 6, true, false, undefined, undefined]]);
    expect(brief('twins')).toEqual([]);
    expect(brief('watch-party')).toEqual([
      ['members', 3, false, false, undefined, undefined],
      ['voice', 7, false, false, undefined, undefined],
    ]);
    expect(brief('server-top')).toEqual([['count', 4, false, false, 1, 25]]);
    expect(brief('privacy')).toEqual([['lists', 3, false, false, undefined, undefined]]);
  });
});
