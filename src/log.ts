/**
 * A small leveled logger to stderr (stdout carries data). Every line passes through `redact`, so the
 * Discord token, and anything shaped like one, never reaches a log even inside an error message; nor does
 * the password of any URL in it (`redis://:pw@host`, `postgres://u@h/db?password=pw`), configured or not.
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

// `scheme://user:password@`: the password runs to the last @ of the word (a raw @ in a password is common).
const URL_USERINFO_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:)[^\s]*@/gi;
// `?password=...` and its kin (sslpassword, pass, pwd) in a URL's query; punctuation after the URL stays.
const URL_QUERY_PASSWORD = /([?&;](?:[a-z_]*pass(?:word)?|pwd)=)[^&#\s"'<>]*?(?=[),.;]*(?:[&#\s"'<>]|$))/gi;

/** `text` with the password of every URL in it replaced by `***` (for URLs shown to people). */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_USERINFO_PASSWORD, '$1***@').replace(URL_QUERY_PASSWORD, '$1***');
}

/**
 * The passwords a connection URL carries, as written and percent-decoded: its userinfo password
 * (`//user:pw@`, up to the last @ before the query) and every `password=`-like query parameter.
 */
export function urlPasswords(url: string): string[] {
  const found: string[] = [];
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (rest !== url) {
    const head = rest.split(/[?#]/, 1)[0] ?? '';
    const at = head.lastIndexOf('@');
    const colon = head.indexOf(':');
    if (at > 0 && colon >= 0 && colon < at) found.push(head.slice(colon + 1, at));
  }
  for (const match of url.matchAll(/[?&;](?:[a-z_]*pass(?:word)?|pwd)=([^&#]*)/gi)) found.push(match[1]!);
  const decoded = (value: string) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return value;
    }
  };
  return [...new Set(found.flatMap((pw) => [pw, decoded(pw), encodeURIComponent(decoded(pw))]))].filter((pw) => pw !== '');
}

/**
 * Replaces each secret, every token-shaped substring and every URL password with `[redacted]` (`***` for
 * URL passwords). Longer secrets go first, so one that contains another leaves no tail behind.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const known = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join('[redacted]');
  return maskUrlPasswords(out.replace(TOKEN_SHAPE, '[redacted]'));
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Values never to print (the Discord token...). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
}

/**
 * An error as text: name and message, or its stack; then its `cause` chain and an AggregateError's errors,
 * indented (the detail a debug log needs is often there). Not redacted here: every caller redacts the line.
 */
export function describeFailure(error: unknown, withStack: boolean, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  let text = withStack && error.stack ? error.stack : `${error.name}: ${error.message}`;
  if (depth >= 5) return text;
  const indent = '  '.repeat(depth + 1);
  if (error instanceof AggregateError) {
    for (const inner of error.errors as unknown[]) text += `\n${indent}- ${describeFailure(inner, withStack, depth + 1)}`;
  }
  if (error.cause !== undefined) text += `\n${indent}caused by ${describeFailure(error.cause, withStack, depth + 1)}`;
  return text;
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
    error: (m, error) => emit('error', error === undefined ? m : `${m}: ${describeFailure(error, level === 'debug')}`),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
