/**
 * A small leveled logger to stderr (stdout carries data). Every line passes through `redact`, so the
 * Discord token, and anything shaped like one, never reaches a log even inside an error message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Discord bot tokens are three base64url parts joined by dots (id.timestamp.hmac).
const TOKEN_SHAPE = /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}/g;

/** Replaces each secret, and every token-shaped substring, with `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(TOKEN_SHAPE, '[redacted]');
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Values never to print (the Discord token...). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
}

function describe(error: unknown, withStack: boolean): string {
  if (error instanceof Error) return withStack && error.stack ? error.stack : `${error.name}: ${error.message}`;
  return String(error);
}

/** A logger that prints `LEVEL message` lines at or above `level`, secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (at: LogLevel, message: string) => {
    if (RANK[at] < RANK[level]) return;
    write(redact(`${at.toUpperCase().padEnd(5)} ${message}`, secrets) + '\n');
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m, error) => emit('error', error === undefined ? m : `${m}: ${describe(error, level === 'debug')}`),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
