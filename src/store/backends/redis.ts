/** Redis: @keyv/redis's key layout, swapped by a Lua script that is atomic on the server and checks the deadline against the server's clock. */
import { adapterClass, importAdapter, keyvFor } from './keyvAdapters.js';
import { SwapTooLate, type BackendOptions, type MemberBackend } from './types.js';
// Swaps the value only while it is still the one the writer read; ARGV[1] '1' means "expected absent".
// ARGV[5], when not empty, is the deadline in ms by the server's clock: a late script changes nothing (-1).
const REDIS_SWAP = `
if ARGV[5] ~= '' then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[5]) then return -1 end
end
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;

interface RedisClientLike {
  connect(): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export async function openRedis(url: string, options: BackendOptions): Promise<MemberBackend> {
  const mod = await importAdapter('@keyv/redis', 'redis:');
  const createClient = mod.createClient as (options: unknown) => RedisClientLike;
  let readyOnce = false;
  const client = createClient({
    url,
    // Offline, a command fails at once ("not saved, try again") instead of waiting in a queue past
    // Discord's answer window; the client keeps reconnecting and the next command succeeds by itself.
    disableOfflineQueue: true,
    // A server that cannot be reached at start fails the start (a wrong URL says so); once connected,
    // the client reconnects for ever, backing off to 1 s.
    socket: { connectTimeout: 2000, reconnectStrategy: (attempts: number, cause: Error) => (readyOnce ? Math.min(50 * 2 ** attempts, 1000) : cause) },
  });
  client.on('ready', () => {
    readyOnce = true;
  });
  client.on('error', (error) => options.onError?.(error));
  await client.connect();
  const Redis = adapterClass(mod);
  const adapter = new Redis(client, { throwOnErrors: true }) as { createKeyPrefix(key: string, namespace?: string): string; namespace?: string };
  const keyv = keyvFor(adapter, options);
  // The adapter stores a Keyv key under its own namespace prefix; we address the same Redis key.
  const redisKey = (key: string) => adapter.createKeyPrefix(key, adapter.namespace);
  return {
    module: '@keyv/redis',
    shared: true,
    keyv,
    async read(key) {
      return (await client.get(redisKey(key))) ?? undefined;
    },
    async swap(op) {
      const absent = op.expected === undefined ? '1' : '0';
      const remove = op.next === undefined ? '1' : '0';
      const done = Number(await client.eval(REDIS_SWAP, { keys: [redisKey(op.key)], arguments: [absent, op.expected ?? '', remove, op.next ?? '', op.deadline === undefined ? '' : String(op.deadline)] }));
      if (done === -1) throw new SwapTooLate();
      return done === 1;
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
