/**
 * The words people read, keyed by error code, shared by Discord, the console and the CLI (like Zod's
 * locales). Anything that is not an AnirecError gets a short apology; its details go to the log only.
 */
import { isAnirecError, type AnirecError, type ErrorCode } from '../errors.js';

type Render = (error: AnirecError) => string;

function list(values: unknown): string {
  return Array.isArray(values) && values.length > 0 ? values.map((v) => `"${String(v)}"`).join(', ') : '';
}

const MESSAGES: Record<ErrorCode, Render> = {
  config_invalid: (e) => `configuration: ${e.message}`,
  csv_format: (e) => e.message,
  csv_header: (e) => e.message,
  data_missing: (e) => e.message,
  download_failed: (e) => `download failed: ${e.message}`,
  model_missing: (e) => e.message,
  model_invalid: (e) => `the model is unusable: ${e.message}`,
  model_fit: (e) => e.message,
  unknown_title: (e) => {
    const s = list(e.details.suggestions);
    return s ? `I don't know an anime called "${String(e.details.query)}". Did you mean ${s}?` : `I don't know an anime called "${String(e.details.query)}".`;
  },
  ambiguous_title: (e) => `"${String(e.details.query)}" could be several anime: ${list(e.details.suggestions)}. Which one?`,
  invalid_option: (e) => e.message,
  input_file: (e) => e.message,
  store_write: () => 'I could not save that just now, so nothing was recorded. Please try again in a moment.',
  store_read: () => 'I could not read your ratings just now. Please try again in a moment.',
  rate_limited: (e) => `Easy there! Try again in ${Math.ceil(Number(e.details.retryAfterMs) / 1000)} s.`,
  import_invalid: (e) => `That file is not a MyAnimeList list export: ${e.message}`,
};

/** One line for a person: our message for a known error, a short apology for anything else. */
export function describeError(error: unknown): string {
  if (isAnirecError(error)) return MESSAGES[error.code](error);
  return 'something went wrong on our side; the details are in the log';
}
