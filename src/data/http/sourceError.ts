/** A catalogue source's failed request as the error `anirec catalogue --update` and the refresh report. */
import { CatalogueSourceError, type CatalogueSourceName } from '../../errors.js';
import { HttpFailure } from './json.js';

/** The URL without credentials or query, for messages. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

export function toCatalogueSourceError(error: unknown, source: CatalogueSourceName, url: string): unknown {
  if (!(error instanceof HttpFailure)) return error;
  const at = shownUrl(url);
  const { data } = error;
  const options = error.cause !== undefined ? { cause: error.cause } : undefined;
  switch (error.kind) {
    case 'timeout':
      return new CatalogueSourceError('catalogue_source_unavailable', source, at, error.message, { reason: 'timeout', seconds: Math.ceil((data.waitedMs ?? data.timeoutMs ?? 0) / 1000) });
    case 'network':
      return new CatalogueSourceError('catalogue_source_unavailable', source, at, `${error.message}${data.code ? ` (${data.code})` : ''}`, { reason: 'network', ...(data.code ? { code: data.code } : {}) }, options);
    case 'status':
      return new CatalogueSourceError('catalogue_source_unavailable', source, at, error.message, { reason: 'status', status: data.status });
    case 'busy':
      return new CatalogueSourceError('catalogue_source_unavailable', source, at, error.message, { reason: 'busy', retryAfterMs: data.retryAfterMs });
    case 'too_large':
      return new CatalogueSourceError('catalogue_source_malformed', source, at, error.message, { problem: error.message });
    case 'malformed':
      return new CatalogueSourceError('catalogue_source_malformed', source, at, error.message, { problem: data.problem ?? error.message });
  }
}
