/**
 * One error family for the whole project. Each error carries a stable `code` and the data needed to
 * explain it; the words people read live in `src/interfaces/messages.ts`, keyed by code, so Discord,
 * the console and the CLI all say the same thing.
 */
import { maskUrlPasswords } from './log.js';

export type ErrorCode =
  | 'config_invalid'
  | 'csv_format'
  | 'csv_header'
  | 'data_missing'
  | 'download_failed'
  | 'model_missing'
  | 'model_invalid'
  | 'model_fit'
  | 'unknown_title'
  | 'ambiguous_title'
  | 'invalid_option'
  | 'input_file'
  | 'store_write'
  | 'store_write_unknown'
  | 'store_read'
  | 'rate_limited'
  | 'import_invalid'
  | 'list_not_found'
  | 'list_private'
  | 'list_unavailable'
  | 'list_busy'
  | 'list_malformed'
  | 'list_too_large'
  | 'list_not_configured'
  | 'catalogue_source_unavailable'
  | 'catalogue_source_malformed';

export class AnirecError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A configuration variable holds a value we cannot use; a URL's password in the text shows as `***`. */
export class ConfigError extends AnirecError {
  constructor(readonly variable: string, problem: string) {
    const shown = maskUrlPasswords(problem);
    super('config_invalid', `${variable}: ${shown}`, { variable, problem: shown });
  }
}

/** A CSV row or header that does not fit the expected schema; names file and line. */
export class CsvFormatError extends AnirecError {
  constructor(readonly file: string, readonly line: number, problem: string, details: Record<string, unknown> = {}) {
    super('csv_format', `${file} line ${line}: ${problem}`, { file, line, problem, ...details });
  }
}

/** A file whose header is not the expected one. */
export class CsvHeaderError extends AnirecError {
  constructor(readonly file: string, readonly expected: readonly string[], readonly found: readonly string[]) {
    super(
      'csv_header',
      `${file}: unexpected header "${found.join(',')}"; expected the columns ${expected.join(', ')}`,
      { file, expected, found },
    );
  }
}

/** The data folder lacks a file we need; `hint` says how to get it. */
export class DataMissingError extends AnirecError {
  constructor(readonly path: string, readonly hint: string) {
    super('data_missing', `${path} not found. ${hint}`, { path, hint });
  }
}

export class DownloadError extends AnirecError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('download_failed', message, details, options);
  }
}

/** No trained model where one was expected; `command` is what to run. */
export class ModelMissingError extends AnirecError {
  constructor(readonly path: string, readonly command: string) {
    super('model_missing', `no trained model in ${path}; run \`${command}\` first`, { path, command });
  }
}

export class ModelInvalidError extends AnirecError {
  constructor(readonly path: string, problem: string) {
    super('model_invalid', `${path}: ${problem}`, { path, problem });
  }
}

/** A model that cannot be fitted on the data it was given (or cannot do what was asked). */
export class ModelFitError extends AnirecError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('model_fit', message, details);
  }
}

/** What a person typed matches no title; `suggestions` are the closest names. */
export class UnknownTitleError extends AnirecError {
  constructor(readonly query: string, readonly suggestions: readonly string[]) {
    super('unknown_title', `no anime called "${query}"`, { query, suggestions });
  }
}

/** What a person typed matches several titles equally well. */
export class AmbiguousTitleError extends AnirecError {
  constructor(readonly query: string, readonly suggestions: readonly string[]) {
    super('ambiguous_title', `"${query}" matches several anime`, { query, suggestions });
  }
}

/** An option value outside what a command accepts (score 11, count 0...). */
export class InvalidOptionError extends AnirecError {
  constructor(readonly option: string, problem: string) {
    super('invalid_option', `${option}: ${problem}`, { option, problem });
  }
}

/** An input file given on the command line that lacks what it needs. */
export class InputFileError extends AnirecError {
  constructor(readonly file: string, problem: string) {
    super('input_file', `${file}: ${problem}`, { file, problem });
  }
}

/** The ratings store did not confirm a write: the rating was not acknowledged. */
export class StoreWriteError extends AnirecError {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super('store_write', `the ratings store did not confirm the write of ${key}`, { key }, options);
  }
}

/**
 * The ratings store did not answer a write in time, and the write may still have landed (it had reached
 * the store and could not be withdrawn): the member is told to check rather than that nothing was saved.
 */
export class StoreWriteUnknownError extends AnirecError {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super('store_write_unknown', `the ratings store did not answer the write of ${key} in time; it may have landed`, { key }, options);
  }
}

export class StoreReadError extends AnirecError {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super('store_read', `the ratings store could not read ${key}`, { key }, options);
  }
}

export class RateLimitedError extends AnirecError {
  constructor(readonly retryAfterMs: number) {
    super('rate_limited', `rate limited; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
  }
}

/** An uploaded file that is not a MyAnimeList list export. */
export class ImportInvalidError extends AnirecError {
  constructor(problem: string) {
    super('import_invalid', problem, { problem });
  }
}

/** Where a list import reads from: AniList's GraphQL API or MyAnimeList's API v2. */
export type ListSourceName = 'anilist' | 'mal';

/** Every way fetching a member's list from AniList or MyAnimeList can fail; nothing is imported then. */
export type ListImportCode = Extract<ErrorCode, `list_${string}`>;

/**
 * A list that could not be fetched or read. `details` always names `source` and `user`, plus what the
 * code needs: `retryAfterMs` (list_busy), `reason`/`status`/`seconds` (list_unavailable), `problem`
 * (list_malformed), `maxEntries` or `maxBytes` (list_too_large), `reason` missing|refused (list_not_configured). Never the
 * client id: the message and details are safe to log and to show.
 */
export class ListImportError extends AnirecError {
  constructor(code: ListImportCode, readonly source: ListSourceName, readonly user: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, `${source} list of "${user}": ${message}`, { source, user, ...details }, options);
  }
}

/** Where `anirec catalogue --update` and the daily refresh read: AniList's GraphQL API or Jikan v4. */
export type CatalogueSourceName = 'anilist' | 'jikan';

/**
 * A catalogue source that could not be reached or read: nothing from it changed the catalogue. `details`
 * names `source` and `url`, plus `reason` (timeout | network | status | busy | silent), `seconds`, `status`,
 * `code` (ECONNREFUSED...) or `retryAfterMs` as the reason needs, or `problem` (malformed).
 */
export class CatalogueSourceError extends AnirecError {
  constructor(
    code: 'catalogue_source_unavailable' | 'catalogue_source_malformed',
    readonly source: CatalogueSourceName,
    readonly url: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, `${source === 'anilist' ? 'AniList' : 'Jikan'} (${url}): ${message}`, { source, url, ...details }, options);
  }
}

export function isAnirecError(error: unknown): error is AnirecError {
  return error instanceof AnirecError;
}
