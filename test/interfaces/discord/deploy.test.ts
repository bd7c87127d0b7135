import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommands } from '../../../src/interfaces/commandRegistry.js';
import { deployCommands } from '../../../src/interfaces/discord/deploy.js';
import { startLoopback, type Loopback } from './loopback.js';

let loop: Loopback;
beforeAll(async () => {
  loop = await startLoopback();
});
afterAll(async () => {
  await loop.close();
});

describe('deployCommands', () => {
  it('given a guild id then one PUT of every command to that guild, with the bot token', async () => {
    const { commands } = await loadCommands();
    const result = await deployCommands({ token: 'test-token', clientId: '1800000000000000001', guildId: '1900000000000000001', apiUrl: `${loop.base}/api`, commands: commands.values() });
    expect(result).toEqual({ scope: 'guild', names: ['affinity', 'forget-me', 'import', 'privacy', 'rate', 'ratings', 'recommend', 'seasonal', 'server-top', 'similar', 'twins', 'unrate', 'watch-party'] });
    const put = loop.requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.path).toBe('/api/v10/applications/1800000000000000001/guilds/1900000000000000001/commands');
    expect(put.headers.authorization).toBe('Bot test-token');
    expect(put.body.map((c: { name: string }) => c.name)).toEqual(result.names);
    expect(put.body.find((c: { name: string }) => c.name === 'rate')).toEqual(commands.get('rate')!.data.toJSON());
  });

  it('given no guild id then the global route', async () => {
    const { commands } = await loadCommands();
    const result = await deployCommands({ token: 't', clientId: '1800000000000000001', apiUrl: `${loop.base}/api`, commands: commands.values() });
    expect(result.scope).toBe('global');
    expect(loop.requests.at(-1)!.path).toBe('/api/v10/applications/1800000000000000001/commands');
  });
});
