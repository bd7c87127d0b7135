/**
 * The one way the data layer asks a JSON API: Node's fetch with a per-request timeout, an overall deadline
 * (a 429 whose Retry-After fits before it is waited out, else "busy"), an optional shared pacer, a cap on
 * the bytes read, and JSON parsing. Failures are HttpFailure, a neutral description each caller turns into
 * its own error (a list import's ListImportError, the catalogue sync's CatalogueSourceError). Nothing here
 * logs or echoes request headers (a client id may travel in one).
 */
import type { RequestPacer } from './pacer.js';

export interface JsonHttpOptions {
  /** One request not answered within this fails. */
  timeoutMs: number;
  /** Milliseconds clock (tests); Date.now by default in callers. */
  now: () => number;
  /** Waits out a Retry-After or the pacer (tests may record instead of waiting). */
  sleep: (ms: number) => Promise<void>;
  /** A response body larger than this fails. */
  maxBytes: number;
}

export interface JsonRequestOptions extends JsonHttpOptions {
  /** The clock time (options.now) everything must end by. */
  deadline: number;
  /** Spaces requests to the API's rate limit. */
  pacer?: RequestPacer;
}

export interface JsonResponse {
  status: number;
  /** The parsed JSON body; undefined for an error status whose body is not JSON. */
  body: unknown;
  headers: Headers;
}

export type HttpFailureKind = 'timeout' | 'network' | 'busy' | 'status' | 'too_large' | 'malformed';

/** Why a request gave nothing usable; `message` is short and safe to show and log. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    readonly data: { timeoutMs?: number; waitedMs?: number; retryAfterMs?: number; status?: number; maxBytes?: number; problem?: string; code?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A 429 without a usable Retry-After: a minute, AniList's and MyAnimeList's rate window. */
const DEFAULT_RETRY_MS = 60_000;
/** A wait is worth it only if the request after it still has this long before the deadline. */
const AFTER_WAIT_MS = 2_000;

/** The system error code behind a failed fetch (ECONNREFUSED, ENOTFOUND...), for the message. */
export function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

async function readCapped(response: Response, maxBytes: number, fail: () => never): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    fail();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      fail();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

const isTimeout = (error: unknown) => {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
};

/**
 * Sends one request (again after a 429 when its Retry-After fits before the deadline) and returns the
 * status with the parsed body. 5xx, network errors and timeouts fail; a 2xx body that is not JSON fails as
 * malformed. Other statuses are the caller's to interpret.
 */
export async function requestJson(url: string, init: RequestInit, options: JsonRequestOptions): Promise<JsonResponse> {
  // A retry after a 429's wait goes at once (its slot was taken by the request refused). Other callers are
  // not paused: a 429 answers one request, and each waits out its own (a shared pause would fail every
  // import in the process for one member's unlucky timing).
  let retrying = false;
  for (;;) {
    if (options.pacer !== undefined && !retrying) {
      const wait = options.pacer.reserve(options.now());
      if (wait > 0) {
        if (options.now() + wait + AFTER_WAIT_MS > options.deadline) throw new HttpFailure('busy', `rate limited for ${wait} ms`, { retryAfterMs: wait });
        await options.sleep(wait);
      }
    }
    retrying = false;
    const left = options.deadline - options.now();
    const timeoutMs = Math.min(options.timeoutMs, left);
    if (timeoutMs <= 0) throw new HttpFailure('timeout', 'out of time', { timeoutMs: options.timeoutMs });
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (isTimeout(error)) throw new HttpFailure('timeout', `no answer within ${timeoutMs} ms`, { timeoutMs: options.timeoutMs, waitedMs: timeoutMs });
      const code = networkCode(error);
      throw new HttpFailure('network', 'unreachable', code !== undefined ? { code } : {}, { cause: error });
    }
    const limit = Number(response.headers.get('x-ratelimit-limit'));
    if (options.pacer !== undefined && limit > 0) options.pacer.lowerLimit(limit);
    const tooLarge = (): never => {
      throw new HttpFailure('too_large', `an answer larger than ${options.maxBytes} bytes`, { maxBytes: options.maxBytes });
    };
    try {
      if (response.status === 429) {
        await response.body?.cancel().catch(() => undefined);
        const waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now()) ?? DEFAULT_RETRY_MS;
        if (options.now() + waitMs + AFTER_WAIT_MS <= options.deadline) {
          await options.sleep(waitMs);
          retrying = true;
          continue;
        }
        throw new HttpFailure('busy', `rate limited for ${waitMs} ms`, { retryAfterMs: waitMs });
      }
      if (response.status >= 500) {
        await response.body?.cancel().catch(() => undefined);
        throw new HttpFailure('status', `HTTP ${response.status}`, { status: response.status });
      }
      const text = await readCapped(response, options.maxBytes, tooLarge);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new HttpFailure('malformed', 'not JSON', { problem: 'not JSON' });
        body = undefined;
      }
      return { status: response.status, body, headers: response.headers };
    } catch (error) {
      if (error instanceof HttpFailure) throw error;
      if (isTimeout(error)) throw new HttpFailure('timeout', `no complete answer within ${timeoutMs} ms`, { timeoutMs: options.timeoutMs, waitedMs: timeoutMs });
      throw new HttpFailure('network', 'the answer broke off', {}, { cause: error });
    }
  }
}

/** Plain-object check for JSON answers. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
