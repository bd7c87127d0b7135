/**
 * A minimal loopback Discord REST server for unit tests of the dispatcher and commands: a real
 * discord.js Client talks to it over HTTP; interactions are fed through the client's own
 * INTERACTION_CREATE action (what the gateway handler calls), so every reply is real library output.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, GatewayIntentBits } from 'discord.js';

export interface Captured {
  method: string;
  path: string;
  body: any;
  headers: IncomingMessage['headers'];
}

export const APP_ID = '1300000000000000001';
let nextId = 1400000000000000000n;
export const snowflake = () => String(nextId++);

export interface Loopback {
  base: string;
  client: Client;
  requests: Captured[];
  /** Files served at base/files/<name>. */
  files: Map<string, Buffer>;
  /** Resolves with the first request (from now on) whose path matches. */
  waitFor(match: (r: Captured) => boolean): Promise<Captured>;
  close(): Promise<void>;
}

function message(body: any) {
  return {
    id: snowflake(),
    channel_id: '1500000000000000000',
    type: 0,
    content: body?.content ?? '',
    author: { id: APP_ID, username: 'anirec', discriminator: '0', avatar: null, global_name: null },
    embeds: body?.embeds ?? [],
    attachments: [],
    components: body?.components ?? [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: body?.flags ?? 0,
  };
}

export async function startLoopback(): Promise<Loopback> {
  const requests: Captured[] = [];
  const files = new Map<string, Buffer>();
  let waiters: { match: (r: Captured) => boolean; resolve: (r: Captured) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
      if (req.method === 'GET' && path.startsWith('/files/')) {
        const file = files.get(path.slice('/files/'.length));
        res.writeHead(file ? 200 : 404).end(file);
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const captured: Captured = { method: req.method ?? '', path, body: text ? JSON.parse(text) : undefined, headers: req.headers };
      requests.push(captured);
      const still: typeof waiters = [];
      for (const w of waiters) (w.match(captured) ? w.resolve(captured) : still.push(w));
      waiters = still;
      if (/\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
        res.writeHead(204).end();
      } else if (req.method === 'PUT' && path.endsWith('/commands')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(captured.body));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message(captured.body)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new Client({ intents: [GatewayIntentBits.Guilds], allowedMentions: { parse: [] }, rest: { api: `${base}/api` } });
  return {
    base,
    client,
    requests,
    files,
    waitFor(match) {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async close() {
      await client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const user = (id: string) => ({ id, username: `member${id.slice(-3)}`, discriminator: '0', avatar: null, global_name: null });

function envelope(type: number, userId: string, data: object, extra: object = {}) {
  return {
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `token-${snowflake()}`,
    version: 1,
    user: user(userId),
    data,
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    ...extra,
  };
}

/** A slash command payload; options as Discord sends them ({name, type, value}). */
export function chatInput(userId: string, name: string, options: object[] = [], resolved?: object) {
  return envelope(2, userId, { id: snowflake(), name, type: 1, options, ...(resolved ? { resolved } : {}) });
}

export function autocomplete(userId: string, name: string, options: object[]) {
  return envelope(4, userId, { id: snowflake(), name, type: 1, options });
}

export function button(userId: string, customId: string) {
  return envelope(3, userId, { custom_id: customId, component_type: 2 }, { message: message({ content: 'earlier' }) });
}

/** Feeds a payload to the client as the gateway would. */
export function deliver(client: Client, payload: object): void {
  (client as unknown as { actions: { InteractionCreate: { handle(data: object): void } } }).actions.InteractionCreate.handle(payload);
}

export const callbackOf = (payload: { id: string }) => (r: Captured) => r.path.includes(`/interactions/${payload.id}/`);
export const webhookOf = (payload: { token: string }) => (r: Captured) => r.path.includes(`/webhooks/${APP_ID}/${payload.token}`);
