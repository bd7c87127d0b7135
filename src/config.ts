/**
 * Configuration: environment variables (optionally from `.env`, via dotenv), validated once at start.
 * Every variable, its default and its meaning is listed here and in `.env.example`; a bad value
 * becomes a one-line ConfigError naming the variable.
 */
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError } from './errors.js';

export const KAGGLE_DATASET_URL =
  'https://www.kaggle.com/api/v1/datasets/download/CooperUnion/anime-recommendations-database';
export const DISCORD_API_DEFAULT = 'https://discord.com/api';

export interface Config {
  /** Folder holding anime.csv and rating.csv(.gz). */
  dataDir: string;
  /** Where parsed data sets are cached (binary, checked against the source files). */
  cacheDir: string;
  /** Folder of the trained model the bot serves. */
  modelDir: string;
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
  /** Expensive commands a member may run per minute. */
  rateLimitPerMinute: number;
  /** Port of the web page beside the bot (ANIREC_WEB_PORT); undefined: no web page unless `anirec web`. */
  webPort: number | undefined;
  /** Address the web page listens on. */
  webHost: string;
  /** Requests to the web page's JSON API one client (IP address) may make per minute. */
  webRateLimitPerMinute: number;
  /** Folder of the `anirec eval` output the web page's report shows. */
  evalDir: string;
  /** Training threads (worker_threads); 0 means one per core. */
  threads: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

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
    throw new ConfigError('ANIREC_STORE_URL', `"${storeUrl}" is not a Keyv URL such as sqlite://data/anirec.sqlite`);
  }
  return {
    dataDir: resolve(text(env, 'ANIREC_DATA_DIR') ?? 'data'),
    cacheDir: resolve(text(env, 'ANIREC_CACHE_DIR') ?? 'data/.cache'),
    modelDir: resolve(text(env, 'ANIREC_MODEL_DIR') ?? 'models/default'),
    storeUrl,
    dataUrl: url(env, 'ANIREC_DATA_URL', KAGGLE_DATASET_URL, ['http:', 'https:']),
    kaggleUsername: text(env, 'KAGGLE_USERNAME'),
    kaggleKey: text(env, 'KAGGLE_KEY'),
    discordToken: token,
    discordClientId: snowflake(env, 'DISCORD_CLIENT_ID'),
    discordGuildId: snowflake(env, 'DISCORD_GUILD_ID'),
    discordApiUrl: url(env, 'DISCORD_API_URL', DISCORD_API_DEFAULT, ['http:', 'https:']),
    rateLimitPerMinute: integer(env, 'ANIREC_RATE_LIMIT', 20, 1, 100_000),
    webPort: text(env, 'ANIREC_WEB_PORT') === undefined ? undefined : integer(env, 'ANIREC_WEB_PORT', 0, 0, 65_535),
    webHost: text(env, 'ANIREC_WEB_HOST') ?? '127.0.0.1',
    webRateLimitPerMinute: integer(env, 'ANIREC_WEB_RATE_LIMIT', 300, 1, 1_000_000),
    evalDir: resolve(text(env, 'ANIREC_EVAL_DIR') ?? 'eval-results'),
    threads: integer(env, 'ANIREC_THREADS', 0, 0, 64),
    logLevel,
  };
}
