/**
 * A fake Discord on 127.0.0.1 for end-to-end tests and the bot benchmark: the REST routes and gateway
 * opcodes an unmodified discord.js 14 Client uses (see FINDINGS.md), nothing more. Tests send
 * INTERACTION_CREATE payloads through the gateway and await what the bot sends back over REST.
 * Any route the fake does not know is logged loudly, recorded in `unhandled` and answered 404, so a
 * missing route shows up as a test failure instead of a silent hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeSeq = 0n;

/** A fresh 18-19 digit snowflake (timestamp << 22 | sequence), like Discord's ids. */
export function makeSnowflake(): string {
  snowflakeSeq = (snowflakeSeq + 1n) & 0x3fffffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | snowflakeSeq).toString();
}

export const EPHEMERAL = 64;

export const InteractionType = { Ping: 1, Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const CallbackType = {
  Message: 4,
  DeferredMessage: 5,
  DeferredUpdate: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

/** One REST request as the fake received it (path decoded, body parsed when JSON). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: any;
  at: number;
}

/** One thing the bot sent for an interaction. */
export interface BotResponse {
  /** callback: POST .../callback; edit: PATCH .../@original; followup: POST /webhooks/...; delete. */
  kind: 'callback' | 'edit' | 'followup' | 'delete';
  /** Callback type for `callback` (4, 5, 6, 7, 8, 9). */
  type?: number;
  /** The message (or choices, or modal) data the bot sent. */
  data: any;
  at: number;
}

/** What the bot answered to one interaction once a visible answer arrived. */
export interface Reply {
  interactionId: string;
  /** Type of the first callback (4 reply, 5 defer, 6 deferUpdate, 7 update, 8 autocomplete, 9 modal). */
  callbackType: number;
  /** The visible answer: the callback's data, or the first edit/follow-up after a defer. */
  data: any;
  /** Ephemeral flag 64 on the reply (for a defer, on the defer's flags). */
  ephemeral: boolean;
  /** Everything the bot sent for this interaction so far (more may arrive later: see `responsesFor`). */
  responses: BotResponse[];
  /** The message object the fake made for the visible answer (use it for button clicks). */
  message: FakeMessage | undefined;
  /** Milliseconds from sending the interaction to the visible answer. */
  latencyMs: number;
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  flags: number;
  [key: string]: unknown;
}

/**
 * An option value: string, integer (whole numbers), number (`{ number }`), boolean, attachment, a user
 * (`{ user }`), a string of mentions (`{ mentions }`, resolved as Discord resolves mentions typed into a
 * string option) or a channel (`{ channel }`, e.g. `fake.voiceChannel`).
 */
export type OptionValue =
  | string
  | number
  | boolean
  | { number: number }
  | FakeAttachment
  | { user: FakeUser }
  | { mentions: FakeUser[] }
  | { channel: FakeChannel };

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
}

export interface FakeAttachment {
  attachment: { id: string; filename: string; size: number; url: string; proxy_url: string; content_type: string };
}

export interface InteractOptions {
  /** The member who acts (defaults to member 0). */
  user?: FakeUser;
  /** Send as a DM (no guild, `user` instead of `member`). */
  dm?: boolean;
  /** The guild it happens in (default the fake's first guild, `guildId`); see `addGuild`. */
  guildId?: string;
  /** Fail the wait after this many ms (default the fake's `replyTimeoutMs`). */
  timeoutMs?: number;
}

interface Pending {
  id: string;
  token: string;
  label: string;
  sentAt: number;
  responses: BotResponse[];
  original: FakeMessage | undefined;
  settle?: (reply: Reply) => void;
  fail?: (error: Error) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

interface Session {
  socket: WebSocket;
  seq: number;
  identified: boolean;
  /** [shard id, shard count] from IDENTIFY ([0, 1] when the bot does not shard). */
  shard: [number, number];
}

/** The shard Discord routes a guild to: (guild_id >> 22) % shard count. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export interface FakeDiscordOptions {
  /** When set, REST calls with another token get 401 and IDENTIFY with another token is closed with 4004. */
  token?: string;
  /** Default wait for a reply before a test fails. */
  replyTimeoutMs?: number;
  /** Print unhandled routes to stderr (default true). */
  loud?: boolean;
  /**
   * Discord drops an interaction not acknowledged within 3 s (callback answers 404, code 10062); the
   * fake does the same after this many ms (default 3000; Infinity to turn it off under heavy load).
   */
  callbackWindowMs?: number;
  /** The shard count GET /gateway/bot recommends (default 1). */
  shards?: number;
}

const MEMBER_PERMISSIONS = '2248473465835073';

export class FakeDiscord {
  readonly applicationId = makeSnowflake();
  readonly guildId = makeSnowflake();
  readonly channelId = makeSnowflake();
  /** A voice channel of the guild (type 2); members join it with `joinVoice`. */
  readonly voiceChannel: FakeChannel = { id: makeSnowflake(), type: 2, name: 'Lounge' };
  /** Every guild the bot is in: `guildId` first, then those added by `addGuild`. */
  readonly guildIds: string[] = [this.guildId];
  /** Each guild's one text channel. */
  private readonly channelOf = new Map<string, string>([[this.guildId, this.channelId]]);
  readonly botUser: FakeUser = {
    id: this.applicationId,
    username: 'anirec',
    global_name: null,
    discriminator: '0',
    avatar: null,
    bot: true,
  };
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** REST requests the fake has no route for (answered 404). */
  readonly unhandled: RecordedRequest[] = [];
  /** Commands registered by PUT, by scope: 'global' or a guild id. */
  readonly commands = new Map<string, any[]>();
  /** Tokens received in IDENTIFY payloads. */
  readonly identifyTokens: string[] = [];
  /** Errors thrown in this process while interactions were pending (see `guardRejections`). */
  readonly rejections: unknown[] = [];
  readonly replyTimeoutMs: number;

  private server: Server;
  private wss: WebSocketServer;
  private sessions: Session[] = [];
  private pending = new Map<string, Pending>();
  private byToken = new Map<string, Pending>();
  private files = new Map<string, { body: Buffer; contentType: string }>();
  private members = new Map<number, FakeUser>();
  private rejectIdentifies = 0;
  private rejectIdentifyCode = 4004;
  private readyWaiters: (() => void)[] = [];
  private port = 0;
  private readonly options: FakeDiscordOptions;
  private rejectionListener = (reason: unknown) => {
    this.rejections.push(reason);
    const error = reason instanceof Error ? reason : new Error(String(reason));
    for (const p of this.pending.values()) p.fail?.(new Error(`unhandled rejection while waiting: ${error.message}`));
  };

  private constructor(options: FakeDiscordOptions) {
    this.options = options;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5_000;
    this.server = createServer((req, res) => {
      this.handleHttp(req, res).catch((error: unknown) => {
        process.stderr.write(`[fakeDiscord] handler failed: ${String(error)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.handleSocket(ws));
    });
  }

  /** Starts a fake Discord on a random port of 127.0.0.1. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** REST base to give the bot (DISCORD_API_URL); discord.js appends /v10. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of gateway sessions that completed IDENTIFY and are still open. */
  get connectedSessions(): number {
    return this.sessions.filter((s) => s.identified && s.socket.readyState === s.socket.OPEN).length;
  }

  /** Closes the next `count` IDENTIFYs with `code` (4004 = authentication failed). */
  rejectNextIdentify(count = 1, code = 4004): void {
    this.rejectIdentifies = count;
    this.rejectIdentifyCode = code;
  }

  /** Resolves once a bot has identified and received READY + GUILD_CREATE. */
  waitForSession(timeoutMs = 10_000): Promise<void> {
    if (this.connectedSessions > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no bot connected to the fake gateway within ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Fails pending interactions when anything in this process rejects unhandled; returns the undo. */
  guardRejections(): () => void {
    process.on('unhandledRejection', this.rejectionListener);
    return () => process.off('unhandledRejection', this.rejectionListener);
  }

  /** Adds a guild (before the bot connects) that Discord routes to `shard` of `shardCount`; returns its id. */
  addGuild(shard: number, shardCount: number): string {
    let id = makeSnowflake();
    while (shardOfGuild(id, shardCount) !== shard) id = makeSnowflake();
    this.guildIds.push(id);
    this.channelOf.set(id, makeSnowflake());
    return id;
  }

  /** The shard ids of the open sessions, as they identified ([id, count]). */
  get identifiedShards(): [number, number][] {
    return this.sessions.filter((s) => s.identified && s.socket.readyState === s.socket.OPEN).map((s) => s.shard);
  }

  /** A stable guild member (n >= 0). */
  member(n: number): FakeUser {
    let user = this.members.get(n);
    if (!user) {
      user = { id: makeSnowflake(), username: `member${n}`, global_name: `Member ${n}`, discriminator: '0', avatar: null };
      this.members.set(n, user);
    }
    return user;
  }

  /** Serves `body` at a 127.0.0.1 URL and returns the attachment option value pointing at it. */
  attachment(filename: string, body: string | Buffer, contentType = 'application/xml'): FakeAttachment {
    const id = makeSnowflake();
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    const path = `/attachments/${this.channelId}/${id}/${encodeURIComponent(filename)}`;
    this.files.set(path, { body: buffer, contentType });
    const url = `${this.baseUrl}${path}`;
    return { attachment: { id, filename, size: buffer.length, url, proxy_url: url, content_type: contentType } };
  }

  /** Sends a slash command and awaits the visible answer. */
  slash(name: string, options: Record<string, OptionValue> = {}, opts: InteractOptions = {}): Promise<Reply> {
    const resolved: Resolved = {};
    const list = Object.entries(options).map(([optName, value]) => toOption(optName, value, resolved));
    const data: Record<string, unknown> = { id: this.commandId(name), name, type: 1, options: list };
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    return this.interact(InteractionType.Command, data, `/${name}`, opts);
  }

  /** Sends an autocomplete request with `focused` as the focused option (its value is what was typed). */
  autocomplete(
    name: string,
    focused: string,
    typed: string,
    others: Record<string, OptionValue> = {},
    opts: InteractOptions = {},
  ): Promise<Reply> {
    const list: any[] = Object.entries(others).map(([optName, value]) => toOption(optName, value, {}));
    list.push({ name: focused, type: 3, value: typed, focused: true });
    const data = { id: this.commandId(name), name, type: 1, options: list };
    return this.interact(InteractionType.Autocomplete, data, `/${name} autocomplete`, opts);
  }

  /**
   * Puts `user` in the voice channel (null: out of voice) with a VOICE_STATE_UPDATE on the open session;
   * the gateway keeps order, so an interaction sent afterwards sees it.
   */
  joinVoice(user: FakeUser, channel: FakeChannel | null = this.voiceChannel): void {
    const session = this.latestSession();
    if (session === undefined) throw new Error('joinVoice needs a connected bot');
    this.dispatch(session, 'VOICE_STATE_UPDATE', {
      guild_id: this.guildId,
      channel_id: channel?.id ?? null,
      user_id: user.id,
      member: guildMember(user),
      session_id: `voice-${makeSnowflake()}`,
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    });
  }

  /** Clicks the button `customId` on `message` (a message the bot sent, from `Reply.message`). */
  click(customId: string, message: FakeMessage, opts: InteractOptions = {}): Promise<Reply> {
    const data = { custom_id: customId, component_type: 2 };
    return this.interact(InteractionType.Component, data, `button ${customId}`, opts, message);
  }

  /** Sends any interaction `data` of `type` (for payloads the helpers above do not build). */
  interact(type: number, data: unknown, label: string, opts: InteractOptions = {}, message?: FakeMessage): Promise<Reply> {
    const payload = this.buildInteraction(type, data, opts, message);
    return this.sendInteraction(payload, label, opts.timeoutMs);
  }

  /** Builds a full INTERACTION_CREATE payload (exposed so tests can break it on purpose). */
  buildInteraction(type: number, data: unknown, opts: InteractOptions = {}, message?: FakeMessage): Record<string, any> {
    const user = opts.user ?? this.member(0);
    const guildId = opts.guildId ?? this.guildId;
    const channelId = opts.dm ? this.channelId : (this.channelOf.get(guildId) ?? this.channelId);
    const payload: Record<string, any> = {
      id: makeSnowflake(),
      application_id: this.applicationId,
      type,
      token: `itoken-${makeSnowflake()}-${Math.random().toString(36).slice(2)}`,
      data,
      channel_id: channelId,
      channel: { id: channelId, type: opts.dm ? 1 : 0, guild_id: opts.dm ? undefined : guildId, name: 'general' },
      entitlements: [],
      authorizing_integration_owners: opts.dm ? { '1': user.id } : { '0': guildId },
      app_permissions: MEMBER_PERMISSIONS,
      locale: 'en-US',
      version: 1,
      context: opts.dm ? 1 : 0,
      attachment_size_limit: 10_485_760,
    };
    if (opts.dm) {
      payload.user = user;
    } else {
      payload.guild_id = guildId;
      payload.guild_locale = 'en-US';
      payload.guild = { id: guildId, locale: 'en-US', features: [] };
      payload.member = { ...guildMember(user), permissions: MEMBER_PERMISSIONS };
    }
    if (message) payload.message = message;
    return payload;
  }

  /** Sends a prepared payload and awaits the visible answer (or fails after the timeout). */
  sendInteraction(payload: Record<string, any>, label: string, timeoutMs = this.replyTimeoutMs): Promise<Reply> {
    // Discord sends a guild's events to the shard serving it, DMs to shard 0.
    const session = this.latestSession(payload.guild_id === undefined ? undefined : String(payload.guild_id));
    const pending: Pending = {
      id: String(payload.id),
      token: String(payload.token),
      label,
      sentAt: performance.now(),
      responses: [],
      original: undefined,
      settled: false,
    };
    const promise = new Promise<Reply>((resolve, reject) => {
      pending.settle = resolve;
      pending.fail = (error) => {
        if (pending.settled) return;
        pending.settled = true;
        clearTimeout(pending.timer);
        reject(error);
      };
      pending.timer = setTimeout(() => {
        const seen = pending.responses.map((r) => `${r.kind}${r.type ? ` ${r.type}` : ''}`).join(', ') || 'nothing';
        pending.fail!(new Error(`no answer to ${label} (interaction ${pending.id}) within ${timeoutMs} ms; the bot sent: ${seen}`));
      }, timeoutMs);
    });
    this.pending.set(pending.id, pending);
    this.byToken.set(pending.token, pending);
    if (!session) {
      pending.fail!(new Error(`cannot send ${label}: no bot is connected to the fake gateway`));
      return promise;
    }
    session.seq += 1;
    session.socket.send(JSON.stringify({ op: 0, t: 'INTERACTION_CREATE', s: session.seq, d: payload }));
    return promise;
  }

  /** Everything the bot sent for an interaction id (including what arrived after the visible answer). */
  responsesFor(interactionId: string): BotResponse[] {
    return this.pending.get(interactionId)?.responses ?? [];
  }

  /** Every message body the bot sent (callback data, edits, follow-ups), for checks over all replies. */
  allSentBodies(): any[] {
    const bodies: any[] = [];
    for (const p of this.pending.values()) {
      for (const r of p.responses) if (r.data && r.type !== CallbackType.AutocompleteResult) bodies.push(r.data);
    }
    return bodies;
  }

  /** Forgets answered interactions and recorded requests (keeps memory flat in long runs). */
  clearAnswered(): void {
    for (const [id, p] of this.pending) {
      if (p.settled) {
        this.pending.delete(id);
        this.byToken.delete(p.token);
      }
    }
    this.requests.length = 0;
  }

  /** Drops every gateway connection with `code` (simulates Discord closing the socket). */
  dropSessions(code = 1001): void {
    for (const s of this.sessions) s.socket.close(code);
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) p.fail?.(new Error(`fake Discord closed while ${p.label} was pending`));
    for (const s of this.sessions) s.socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- gateway ---

  private handleSocket(socket: WebSocket): void {
    const session: Session = { socket, seq: 0, identified: false, shard: [0, 1] };
    this.sessions.push(session);
    socket.on('close', () => {
      this.sessions = this.sessions.filter((s) => s !== session);
    });
    socket.on('message', (raw) => {
      let packet: { op: number; d: any };
      try {
        packet = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      this.handleGatewayPacket(session, packet);
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  private handleGatewayPacket(session: Session, packet: { op: number; d: any }): void {
    const { socket } = session;
    if (packet.op === 1) {
      socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      return;
    }
    if (packet.op === 2) {
      const token = String(packet.d?.token ?? '');
      this.identifyTokens.push(token);
      const wrongToken = this.options.token !== undefined && token !== this.options.token;
      if (this.rejectIdentifies > 0 || wrongToken) {
        if (this.rejectIdentifies > 0) this.rejectIdentifies -= 1;
        socket.close(wrongToken ? 4004 : this.rejectIdentifyCode, 'Authentication failed.');
        return;
      }
      session.identified = true;
      const shard = packet.d?.shard;
      session.shard = Array.isArray(shard) && shard.length === 2 ? [Number(shard[0]), Number(shard[1])] : [0, 1];
      const guilds = this.guildIds.filter((id) => shardOfGuild(id, session.shard[1]) === session.shard[0]);
      this.dispatch(session, 'READY', {
        v: 10,
        user: { ...this.botUser, flags: 0, verified: true, mfa_enabled: false },
        guilds: guilds.map((id) => ({ id, unavailable: true })),
        session_id: `session-${makeSnowflake()}`,
        resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
        shard: session.shard,
        application: { id: this.applicationId, flags: 0 },
        private_channels: [],
      });
      for (const id of guilds) this.dispatch(session, 'GUILD_CREATE', this.guildPayload(id));
      for (const waiter of this.readyWaiters.splice(0)) waiter();
      return;
    }
    if (packet.op === 6) {
      // RESUME: tell the client to start over, which it handles by identifying again.
      socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    // Presence/voice/request-members updates: nothing to answer.
  }

  private dispatch(session: Session, event: string, d: unknown): void {
    session.seq += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d }));
  }

  /** The newest open session of the shard serving `guildId` (shard 0 for DMs). */
  private latestSession(guildId?: string): Session | undefined {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const s = this.sessions[i]!;
      const serves = guildId === undefined ? s.shard[0] === 0 : shardOfGuild(guildId, s.shard[1]) === s.shard[0];
      if (s.identified && s.socket.readyState === s.socket.OPEN && serves) return s;
    }
    return undefined;
  }

  private guildPayload(guildId: string): Record<string, unknown> {
    return {
      id: guildId,
      name: 'anirec test server',
      icon: null,
      owner_id: this.member(0).id,
      unavailable: false,
      member_count: 2,
      large: false,
      features: [],
      roles: [{ id: guildId, name: '@everyone', permissions: MEMBER_PERMISSIONS, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      channels: [
        { id: this.channelOf.get(guildId)!, type: 0, name: 'general', position: 0, permission_overwrites: [], guild_id: guildId },
        ...(guildId === this.guildId ? [{ ...this.voiceChannel, position: 1, permission_overwrites: [], guild_id: guildId, bitrate: 64000, user_limit: 0 }] : []),
      ],
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      emojis: [],
      stickers: [],
      stage_instances: [],
      guild_scheduled_events: [],
      joined_at: new Date(0).toISOString(),
      preferred_locale: 'en-US',
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      system_channel_flags: 0,
    };
  }

  private commandId(name: string): string {
    for (const list of this.commands.values()) {
      const found = list.find((c) => c.name === name);
      if (found) return String(found.id);
    }
    return makeSnowflake();
  }

  // --- REST ---

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);

    const file = this.files.get(url.pathname);
    if (method === 'GET' && file) {
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length }).end(file.body);
      return;
    }

    const record: RecordedRequest = {
      method,
      path,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: parseBody(raw, req.headers['content-type']),
      at: performance.now(),
    };
    this.requests.push(record);

    const api = path.match(/^\/api\/v\d+(\/.*)$/);
    if (!api) return this.notFound(res, record);
    const route = api[1]!;

    // Interaction endpoints authenticate with the interaction token only; everything else with the bot token.
    const interactionRoute = route.startsWith('/interactions/') || route.startsWith('/webhooks/');
    if (!interactionRoute && this.options.token !== undefined && record.authorization !== `Bot ${this.options.token}`) {
      return json(res, 401, { message: '401: Unauthorized', code: 0 });
    }

    let m: RegExpMatchArray | null;
    if (method === 'GET' && route === '/gateway/bot') {
      return json(res, 200, {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: this.options.shards ?? 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && route === '/gateway') return json(res, 200, { url: `ws://127.0.0.1:${this.port}/gateway` });
    if (method === 'GET' && route === '/users/@me') return json(res, 200, this.botUser);
    if (method === 'GET' && (route === '/applications/@me' || route === '/oauth2/applications/@me')) {
      return json(res, 200, { id: this.applicationId, name: 'anirec', flags: 0, bot_public: true, owner: this.member(0) });
    }
    if ((m = route.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      const scope = m[2] ?? 'global';
      if (method === 'PUT') {
        const list = (Array.isArray(record.body) ? record.body : []).map((c: any) => ({
          ...c,
          id: makeSnowflake(),
          application_id: m![1],
          guild_id: m![2],
          version: makeSnowflake(),
          type: c.type ?? 1,
        }));
        this.commands.set(scope, list);
        return json(res, 200, list);
      }
      if (method === 'GET') return json(res, 200, this.commands.get(scope) ?? []);
    }
    if (method === 'POST' && (m = route.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const p = this.pending.get(m[1]!);
      if (!p || p.token !== m[2]) return json(res, 404, { message: 'Unknown interaction', code: 10062 });
      const late = record.at - p.sentAt;
      if (late > (this.options.callbackWindowMs ?? 3_000)) {
        p.fail?.(new Error(`the bot acknowledged ${p.label} after ${Math.round(late)} ms, past Discord's 3 s window: the member saw "The application did not respond"`));
        return json(res, 404, { message: 'Unknown interaction', code: 10062 });
      }
      if (p.responses.some((r) => r.kind === 'callback')) {
        return json(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      }
      const type = Number(record.body?.type);
      const data = record.body?.data ?? {};
      p.responses.push({ kind: 'callback', type, data, at: record.at });
      if (type === CallbackType.Message || type === CallbackType.DeferredMessage) {
        p.original = this.makeMessage(data, p.original?.id);
      } else if (type === CallbackType.UpdateMessage || type === CallbackType.DeferredUpdate) {
        p.original = undefined;
      }
      this.maybeSettle(p);
      if (url.searchParams.get('with_response') === 'true') {
        return json(res, 200, {
          interaction: { id: p.id, type: 2, activity_instance_id: null, response_message_id: p.original?.id, response_message_loading: type === 5, response_message_ephemeral: ((data.flags ?? 0) & EPHEMERAL) !== 0 },
          resource: p.original ? { type, message: p.original } : { type },
        });
      }
      res.writeHead(204).end();
      return;
    }
    if ((m = route.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/))) {
      const p = this.byToken.get(m[2]!);
      if (!p) return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
      const target = m[3];
      if (method === 'POST' && target === undefined) {
        // As on Discord, the first follow-up after a defer replaces the "thinking" message (and keeps its flags).
        const callback = p.responses.find((r) => r.kind === 'callback');
        const replacesThinking = callback?.type === CallbackType.DeferredMessage && !p.responses.some((r) => r.kind === 'edit' || r.kind === 'followup');
        const message = this.makeMessage(
          replacesThinking ? { ...(record.body ?? {}), flags: callback!.data?.flags ?? 0 } : (record.body ?? {}),
          replacesThinking ? p.original?.id : undefined,
        );
        if (replacesThinking) p.original = message;
        p.responses.push({ kind: 'followup', data: record.body ?? {}, at: record.at });
        this.maybeSettle(p, message);
        return json(res, 200, message);
      }
      if (target === '@original') {
        if (method === 'PATCH') {
          p.original = this.makeMessage({ ...(p.original ?? {}), ...(record.body ?? {}) }, p.original?.id);
          p.responses.push({ kind: 'edit', data: record.body ?? {}, at: record.at });
          this.maybeSettle(p);
          return json(res, 200, p.original);
        }
        if (method === 'GET') return p.original ? json(res, 200, p.original) : json(res, 404, { message: 'Unknown Message', code: 10008 });
        if (method === 'DELETE') {
          p.responses.push({ kind: 'delete', data: null, at: record.at });
          p.original = undefined;
          res.writeHead(204).end();
          return;
        }
      }
    }
    return this.notFound(res, record);
  }

  private notFound(res: ServerResponse, record: RecordedRequest): void {
    this.unhandled.push(record);
    if (this.options.loud !== false) {
      process.stderr.write(`[fakeDiscord] UNHANDLED ROUTE ${record.method} ${record.path} -> 404\n`);
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  private makeMessage(body: any, id = makeSnowflake()): FakeMessage {
    return {
      id,
      type: 20,
      channel_id: this.channelId,
      author: this.botUser,
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: body.flags ?? 0,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
    };
  }

  /** Settles the wait once a visible answer exists: a message/update/choices, or an edit/follow-up after a defer. */
  private maybeSettle(p: Pending, followup?: FakeMessage): void {
    if (p.settled) return;
    const callback = p.responses.find((r) => r.kind === 'callback');
    if (!callback) return;
    const deferred = callback.type === CallbackType.DeferredMessage || callback.type === CallbackType.DeferredUpdate;
    let visible: BotResponse | undefined = callback;
    if (deferred) visible = p.responses.find((r) => r.kind === 'edit' || r.kind === 'followup');
    if (!visible) return;
    const flags = Number((deferred ? callback.data?.flags : visible.data?.flags) ?? 0);
    p.settled = true;
    clearTimeout(p.timer);
    p.settle!({
      interactionId: p.id,
      callbackType: callback.type!,
      data: visible.data,
      ephemeral: (flags & EPHEMERAL) !== 0 || (visible.kind === 'followup' && (Number(visible.data?.flags ?? 0) & EPHEMERAL) !== 0),
      responses: p.responses,
      message: visible.kind === 'followup' ? followup : callback.type === CallbackType.UpdateMessage ? this.makeMessage(visible.data) : p.original,
      latencyMs: performance.now() - p.sentAt,
    });
  }
}

function guildMember(user: FakeUser): Record<string, unknown> {
  return { user, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null };
}

type Resolved = Record<'attachments' | 'users' | 'members' | 'channels', Record<string, unknown>> | Record<string, never>;

function resolve(resolved: Resolved, kind: 'attachments' | 'users' | 'members' | 'channels', id: string, value: unknown): void {
  const table = resolved as Record<string, Record<string, unknown>>;
  (table[kind] ??= {})[id] = value;
}

function resolveUser(resolved: Resolved, user: FakeUser): void {
  resolve(resolved, 'users', user.id, user);
  // Discord's resolved members carry no `user` (it is in `users`) and the member's permissions.
  const { user: _user, ...member } = guildMember(user);
  resolve(resolved, 'members', user.id, { ...member, permissions: MEMBER_PERMISSIONS });
}

function toOption(name: string, value: OptionValue, resolved: Resolved): Record<string, unknown> {
  if (typeof value === 'string') return { name, type: 3, value };
  if (typeof value === 'boolean') return { name, type: 5, value };
  if (typeof value === 'number') return { name, type: Number.isInteger(value) ? 4 : 10, value };
  if ('number' in value) return { name, type: 10, value: value.number };
  if ('user' in value) {
    resolveUser(resolved, value.user);
    return { name, type: 6, value: value.user.id };
  }
  if ('mentions' in value) {
    for (const user of value.mentions) resolveUser(resolved, user);
    return { name, type: 3, value: value.mentions.map((u) => `<@${u.id}>`).join(' ') };
  }
  if ('channel' in value) {
    resolve(resolved, 'channels', value.channel.id, { ...value.channel, permissions: MEMBER_PERMISSIONS });
    return { name, type: 7, value: value.channel.id };
  }
  resolve(resolved, 'attachments', value.attachment.id, value.attachment);
  return { name, type: 11, value: value.attachment.id };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): any {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.startsWith('multipart/form-data')) {
    // Files are sent as multipart; the message itself is the payload_json part.
    const part = text.match(/name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/);
    return part ? JSON.parse(part[1]!) : { multipart: text };
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
