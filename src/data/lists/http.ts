/**
 * The one way list imports talk HTTP: Node's global fetch with a per-request timeout, a time budget for
 * the whole import (a 429 whose Retry-After fits in it is waited out, else "try again in N s"), a cap on
 * the bytes read, and JSON parsing. Every failure becomes a ListImportError the member can read; nothing
 * here logs or echoes request headers (the MyAnimeList client id travels in one).
 */
import { ListImportError, type ListSourceName } from '../../errors.js';

/** How list requests behave; every field has a production default (lists/index.ts). */
export interface ListHttpOptions {
  /** One request not answered within this fails the import as "did not answer" (production: 10 s). */
  timeoutMs: number;
  /** Milliseconds clock (tests); Date.now by default. */
  now: () => number;
  /** Waits out a Retry-After (tests may record instead of waiting). */
  sleep: (ms: number) => Promise<void>;
  /** A response body larger than this fails the import. */
  maxBytes: number;
}

export interface ListRequest {
  source: ListSourceName;
  user: string;
  url: string;
  init: RequestInit;
  /** The clock time (options.now) the whole import must end by. */
  deadline: number;
}

export interface ListResponse {
  status: number;
  /** The parsed JSON body; undefined for an error status whose body is not JSON. */
  body: unknown;
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

/**
 * Sends one request (again after a 429 when its Retry-After fits before the deadline) and returns the
 * status with the parsed body. 5xx, network errors and timeouts throw list_unavailable; a 2xx body that
 * is not JSON throws list_malformed. Other statuses are the caller's to interpret.
 */
export async function requestJson(request: ListRequest, options: ListHttpOptions): Promise<ListResponse> {
  const { source, user } = request;
  for (;;) {
    const left = request.deadline - options.now();
    const timeoutMs = Math.min(options.timeoutMs, left);
    const seconds = Math.ceil(options.timeoutMs / 1000);
    if (timeoutMs <= 0) throw new ListImportError('list_unavailable', source, user, 'out of time', { reason: 'timeout', seconds });
    let response: Response;
    try {
      response = await fetch(request.url, { ...request.init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ListImportError('list_unavailable', source, user, `no answer within ${timeoutMs} ms`, { reason: 'timeout', seconds });
      }
      throw new ListImportError('list_unavailable', source, user, 'unreachable', { reason: 'network' }, { cause: error });
    }
    const tooLarge = (): never => {
      throw new ListImportError('list_too_large', source, user, `an answer larger than ${options.maxBytes} bytes`, { maxBytes: options.maxBytes });
    };
    try {
      if (response.status === 429) {
        await response.body?.cancel().catch(() => undefined);
        const waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now()) ?? DEFAULT_RETRY_MS;
        if (options.now() + waitMs + AFTER_WAIT_MS <= request.deadline) {
          await options.sleep(waitMs);
          continue;
        }
        throw new ListImportError('list_busy', source, user, `rate limited for ${waitMs} ms`, { retryAfterMs: waitMs });
      }
      if (response.status >= 500) {
        await response.body?.cancel().catch(() => undefined);
        throw new ListImportError('list_unavailable', source, user, `HTTP ${response.status}`, { reason: 'status', status: response.status });
      }
      const text = await readCapped(response, options.maxBytes, tooLarge);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new ListImportError('list_malformed', source, user, 'not JSON', { problem: 'not JSON' });
        body = undefined;
      }
      return { status: response.status, body };
    } catch (error) {
      if (error instanceof ListImportError) throw error;
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ListImportError('list_unavailable', source, user, `no complete answer within ${timeoutMs} ms`, { reason: 'timeout', seconds });
      }
      throw new ListImportError('list_unavailable', source, user, 'the answer broke off', { reason: 'network' }, { cause: error });
    }
  }
}

/** Plain-object check for JSON answers. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
