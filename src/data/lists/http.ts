/**
 * How list imports talk HTTP: the data layer's JSON request (http/json.ts: per-request timeout, a budget
 * for the whole import, Retry-After, a byte cap) with every failure turned into a ListImportError the
 * member can read. Nothing here logs or echoes request headers (the MyAnimeList client id travels in one).
 */
import { ListImportError, type ListSourceName } from '../../errors.js';
import { HttpFailure, requestJson as requestHttpJson, type JsonHttpOptions } from '../http/json.js';

export { isObject, parseRetryAfter } from '../http/json.js';

/** How list requests behave; every field has a production default (lists/index.ts). */
export type ListHttpOptions = JsonHttpOptions;

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

/** A failed request as the import's error: the same words whichever source it was. */
export function toListImportError(error: unknown, source: ListSourceName, user: string): unknown {
  if (!(error instanceof HttpFailure)) return error;
  const { data } = error;
  const options = error.cause !== undefined ? { cause: error.cause } : undefined;
  switch (error.kind) {
    case 'timeout':
      return new ListImportError('list_unavailable', source, user, error.message, { reason: 'timeout', seconds: Math.ceil((data.timeoutMs ?? 0) / 1000) });
    case 'network':
      return new ListImportError('list_unavailable', source, user, error.message, { reason: 'network' }, options);
    case 'status':
      return new ListImportError('list_unavailable', source, user, error.message, { reason: 'status', status: data.status });
    case 'busy':
      return new ListImportError('list_busy', source, user, error.message, { retryAfterMs: data.retryAfterMs });
    case 'too_large':
      return new ListImportError('list_too_large', source, user, error.message, { maxBytes: data.maxBytes });
    case 'malformed':
      return new ListImportError('list_malformed', source, user, error.message, { problem: data.problem });
  }
}

/**
 * Sends one request (again after a 429 when its Retry-After fits before the deadline) and returns the
 * status with the parsed body. 5xx, network errors and timeouts throw list_unavailable; a 2xx body that
 * is not JSON throws list_malformed. Other statuses are the caller's to interpret.
 */
export async function requestJson(request: ListRequest, options: ListHttpOptions): Promise<ListResponse> {
  try {
    const { status, body } = await requestHttpJson(request.url, request.init, { ...options, deadline: request.deadline });
    return { status, body };
  } catch (error) {
    throw toListImportError(error, request.source, request.user);
  }
}
