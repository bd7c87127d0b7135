/**
 * Configuration: environment variables (optionally from `.env`, via dotenv), validated once at start.
 * Every variable, its default and its meaning is listed here and in `.env.example`; a bad value
 * becomes a one-line ConfigError naming the variable.
 */
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError } from './errors.js';
import { DEFAULT_SERVER_RATE_LIMIT } from './service/rateLimiter.js';
import { maskUrlPasswords, urlPasswords } from './log.js';

export const KAGGLE_DATASET_URL =
  'https://www.kaggle.com/api/v1/datasets/download/CooperUnion/anime-recommendations-database';
export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const ANILIST_URL_DEFAULT = 'https://graphql.anilist.co';
export const MAL_API_URL_DEFAULT = 'https://api.myanimelist.net/v2';

export interface Config {
  /** Folder holding anime.csv and rating.csv(.gz). */
  dataDir: string;
  /** Where parsed data sets are cached (binary, checked against the source files). */
  cacheDir: string;
  /** Folder of the trained model the bot serves. */
  modelDir: string;
  /** Where the model trained from the shipped demo set lives (used while dataDir has no data). */
  demoModelDir: string;
  /** ANIREC_DEMO: fall back to the shipped demo set while dataDir has no data (false: say the data is missing). */
  demo: boolean;
  /** Keyv connection URL for members' ratings. */
  storeUrl: string;
  /** Where `anirec data --download` fetches the Kaggle archive from. */
  dataUrl: string;
  kaggleUsername: string | undefined;
  kaggleKey: string | undefined;
  discordToken: string | undefined;
  discordClientId: string | undefined;
  discordGuildId: string | undefined;
  /** REST base of Discord's API (without the /v10 that discord.js appends). */
  discordApiUrl: string;
  /** Commands a member may run per minute (all but /ratings, /privacy, /forget-me and /import, which has its own). */
  rateLimitPerMinute: number;
  /** Commands all of a server's members may run together per minute (ANIREC_SERVER_RATE_LIMIT). */
  serverRateLimitPerMinute: number;
  /** Port of the web page beside the bot (ANIREC_WEB_PORT); undefined: no web page unless `anirec web`. */
  webPort: number | undefined;
  /** Address the web page listens on. */
  webHost: string;
  /** Requests to the web page's JSON API one client (IP address, an IPv6 /64) may make per minute. */
  webRateLimitPerMinute: number;
  /**
   * ANIREC_WEB_TRUST_PROXY: which proxies' X-Forwarded-For names the client (Fastify's `trustProxy`): false (the
   * default: the socket's address is the client), true (any peer), or proxy addresses and CIDR ranges.
   */
  webTrustProxy: boolean | string[];
  /** Folder of the `anirec eval` output the web page's report shows. */
  evalDir: string;
  /** Training threads (worker_threads); 0 means one per core. */
  threads: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * ANIREC_SHARDS: run the bot as shards under discord.js's ShardingManager, one process each; 'auto' is the
   * count Discord recommends (GET /gateway/bot). Unset: one process, no sharding.
   */
  shards: 'auto' | number | undefined;
  /** ANIREC_SHARD_IDS: the shards this machine runs (so several machines split one bot); all when unset. */
  shardIds: number[] | undefined;
  /** ANIREC_SHARD_SPAWN_DELAY_MS: pause between starting two shards (Discord allows one IDENTIFY per 5 s). */
  shardSpawnDelayMs: number;
  /** ANIREC_METRICS_PORT: /healthz and /metrics (Prometheus) on this port; none when unset, 0 = any free port. */
  metricsPort: number | undefined;
  /** ANIREC_METRICS_HOST: the address they listen on (127.0.0.1: only this machine). */
  metricsHost: string;
  /** ANIREC_WATCH_MODEL: swap to a model `anirec train` writes into ANIREC_MODEL_DIR (SIGHUP always does). */
  watchModel: boolean;
  /** ANIREC_ANILIST_URL: AniList's GraphQL endpoint, for /import anilist:<user>. */
  anilistUrl: string;
  /** ANIREC_MAL_API_URL: MyAnimeList's API v2 base, for /import mal:<user>. */
  malApiUrl: string;
  /** MAL_CLIENT_ID: the server owner's MyAnimeList API client id (a secret: redacted from logs); unset: no /import mal:. */
  malClientId: string | undefined;
  /**
   * ANIREC_SEASON_REFRESH_HOURS: a running bot syncs this season and the next from AniList (ANIREC_ANILIST_URL)
   * every this many hours (refreshSeason in app/servingCatalogue.ts); 0 turns it off. Default 24.
   */
  seasonRefreshHours: number;
}

/** Where /import anilist: and mal: read lists (a part of Config, read on its own by services built without one). */
export type ListImportSettings = Pick<Config, 'anilistUrl' | 'malApiUrl' | 'malClientId'>;

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const SNOWFLAKE = /^\d{17,20}$/;

/** Reads `.env` (if present) into process.env without overriding variables already set. */
export function loadDotenvFile(path = '.env'): void {
  loadDotenv({ path, quiet: true });
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function url(env: Env, name: string, fallback: string, protocols: readonly string[]): string {
  const value = text(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `"${value}" is not a URL`);
  }
  if (protocols.length > 0 && !protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `protocol ${parsed.protocol} is not one of ${protocols.join(', ')}`);
  }
  return value.replace(/\/+$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `"${value}" is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `${n} is outside ${min}..${max}`);
  return n;
}

function snowflake(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !SNOWFLAKE.test(value)) {
    throw new ConfigError(name, 'must be a Discord id (17 to 20 digits)');
  }
  return value;
}

function shardCount(env: Env): Config['shards'] {
  const value = text(env, 'ANIREC_SHARDS');
  if (value === undefined || value.toLowerCase() === 'auto') return value === undefined ? undefined : 'auto';
  return integer(env, 'ANIREC_SHARDS', 1, 1, 100_000);
}

function shardIds(env: Env, count: Config['shards']): number[] | undefined {
  const value = text(env, 'ANIREC_SHARD_IDS');
  if (value === undefined) return undefined;
  if (count === undefined) throw new ConfigError('ANIREC_SHARD_IDS', 'needs ANIREC_SHARDS (the total shard count, or auto)');
  const ids = value.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^\d+$/.test(id))) throw new ConfigError('ANIREC_SHARD_IDS', `"${value}" is not a comma-separated list of shard numbers such as 0,1`);
  const numbers = ids.map(Number);
  const tooBig = typeof count === 'number' ? numbers.find((id) => id >= count) : undefined;
  if (tooBig !== undefined) throw new ConfigError('ANIREC_SHARD_IDS', `shard ${tooBig} does not exist with ANIREC_SHARDS=${count} (ids are 0..${Number(count) - 1})`);
  return numbers;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `"${value}" is not true or false`);
}

// proxy-addr's names for address ranges, accepted in ANIREC_WEB_TRUST_PROXY's list as Fastify accepts them.
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

function trustProxy(env: Env): Config['webTrustProxy'] {
  const name = 'ANIREC_WEB_TRUST_PROXY';
  const value = text(env, name)?.toLowerCase();
  if (value === undefined || ['false', 'no', 'off', '0'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return true;
  // Fastify 5 ignores a hop count (it trusts no one then): it cannot tell a proxy from a client who reaches
  // the server directly and sends X-Forwarded-For itself. Refused rather than accepted and silently ignored.
  if (/^\d+$/.test(value)) throw new ConfigError(name, `a hop count (${value}) cannot tell the proxy from a client that reaches anirec directly: give the proxy's address (such as 127.0.0.1 or 10.0.0.0/8), or true to trust any`);
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isProxyAddress(entry));
  if (bad !== undefined) {
    throw new ConfigError(name, `"${bad}" is not true, false, or a proxy address or range such as 10.0.0.1, 10.0.0.0/8, ::1 or loopback`);
  }
  return entries;
}

/** ANIREC_ANILIST_URL, ANIREC_MAL_API_URL and MAL_CLIENT_ID, validated. */
export function readListImportSettings(env: Env = process.env): ListImportSettings {
  const malClientId = text(env, 'MAL_CLIENT_ID');
  // Never echo the value: it is a secret.
  if (malClientId !== undefined && !/^[\x21-\x7e]{8,128}$/.test(malClientId)) {
    throw new ConfigError('MAL_CLIENT_ID', 'is not a MyAnimeList client id (8 to 128 visible characters, no spaces)');
  }
  return {
    anilistUrl: url(env, 'ANIREC_ANILIST_URL', ANILIST_URL_DEFAULT, ['http:', 'https:']),
    malApiUrl: url(env, 'ANIREC_MAL_API_URL', MAL_API_URL_DEFAULT, ['http:', 'https:']),
    malClientId,
  };
}

/**
 * The values a logger must never print (pass as createLogger's `secrets`): the Discord token, the MAL client
 * id, the Kaggle key and the store URL's password in every form it may be printed in (as written, decoded).
 */
export function secretsOf(config: Pick<Config, 'discordToken' | 'malClientId' | 'kaggleKey' | 'storeUrl'>): (string | undefined)[] {
  return [config.discordToken, config.malClientId, config.kaggleKey, ...urlPasswords(config.storeUrl)];
}

/** secretsOf for an environment that may not even be a valid configuration (a start that failed early). */
export function secretsOfEnv(env: Env = process.env): (string | undefined)[] {
  return secretsOf({
    discordToken: text(env, 'DISCORD_TOKEN'),
    malClientId: text(env, 'MAL_CLIENT_ID'),
    kaggleKey: text(env, 'KAGGLE_KEY'),
    storeUrl: text(env, 'ANIREC_STORE_URL') ?? '',
  });
}

/** Builds and validates the configuration from an environment (process.env by default). */
export function readConfig(env: Env = process.env): Config {
  const logLevel = (text(env, 'ANIREC_LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('ANIREC_LOG_LEVEL', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const token = text(env, 'DISCORD_TOKEN');
  if (token !== undefined && /\s/.test(token)) {
    throw new ConfigError('DISCORD_TOKEN', 'contains white space');
  }
  const storeUrl = text(env, 'ANIREC_STORE_URL') ?? 'sqlite://data/anirec.sqlite';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(storeUrl)) {
    // Not a URL, so no pattern finds its password: show only the part before any @ or query.
    throw new ConfigError('ANIREC_STORE_URL', `"${maskUrlPasswords(storeUrl).replace(/[:@?].*$/s, '...')}" is not a Keyv URL such as sqlite://data/anirec.sqlite`);
  }
  const shards = shardCount(env);
  const modelDir = resolve(text(env, 'ANIREC_MODEL_DIR') ?? 'models/default');
  return {
    dataDir: resolve(text(env, 'ANIREC_DATA_DIR') ?? 'data'),
    cacheDir: resolve(text(env, 'ANIREC_CACHE_DIR') ?? 'data/.cache'),
    modelDir,
    demo: flag(env, 'ANIREC_DEMO', true),
    demoModelDir: resolve(text(env, 'ANIREC_DEMO_MODEL_DIR') ?? join(dirname(modelDir), 'demo')),
    storeUrl,
    dataUrl: url(env, 'ANIREC_DATA_URL', KAGGLE_DATASET_URL, ['http:', 'https:']),
    kaggleUsername: text(env, 'KAGGLE_USERNAME'),
    kaggleKey: text(env, 'KAGGLE_KEY'),
    discordToken: token,
    discordClientId: snowflake(env, 'DISCORD_CLIENT_ID'),
    discordGuildId: snowflake(env, 'DISCORD_GUILD_ID'),
    discordApiUrl: url(env, 'DISCORD_API_URL', DISCORD_API_DEFAULT, ['http:', 'https:']),
    rateLimitPerMinute: integer(env, 'ANIREC_RATE_LIMIT', 20, 1, 100_000),
    serverRateLimitPerMinute: integer(env, 'ANIREC_SERVER_RATE_LIMIT', DEFAULT_SERVER_RATE_LIMIT, 1, 1_000_000),
    webPort: text(env, 'ANIREC_WEB_PORT') === undefined ? undefined : integer(env, 'ANIREC_WEB_PORT', 0, 0, 65_535),
    webHost: text(env, 'ANIREC_WEB_HOST') ?? '127.0.0.1',
    webRateLimitPerMinute: integer(env, 'ANIREC_WEB_RATE_LIMIT', 300, 1, 1_000_000),
    webTrustProxy: trustProxy(env),
    evalDir: resolve(text(env, 'ANIREC_EVAL_DIR') ?? 'eval-results'),
    threads: integer(env, 'ANIREC_THREADS', 0, 0, 64),
    logLevel,
    shards,
    shardIds: shardIds(env, shards),
    shardSpawnDelayMs: integer(env, 'ANIREC_SHARD_SPAWN_DELAY_MS', 5500, 0, 600_000),
    metricsPort: text(env, 'ANIREC_METRICS_PORT') === undefined ? undefined : integer(env, 'ANIREC_METRICS_PORT', 0, 0, 65_535),
    metricsHost: text(env, 'ANIREC_METRICS_HOST') ?? '127.0.0.1',
    watchModel: flag(env, 'ANIREC_WATCH_MODEL', true),
    ...readListImportSettings(env),
    seasonRefreshHours: integer(env, 'ANIREC_SEASON_REFRESH_HOURS', 24, 0, 24 * 365),
  };
}
