/**
 * The words people read, keyed by error code, shared by Discord, the console and the CLI (like Zod's
 * locales). Anything that is not an AnirecError gets a short apology; its details go to the log only.
 */
import { isAnirecError, type AnirecError, type ErrorCode } from '../errors.js';

type Render = (error: AnirecError) => string;

function list(values: unknown): string {
  return Array.isArray(values) && values.length > 0 ? values.map((v) => `"${String(v)}"`).join(', ') : '';
}

const SOURCE_NAMES: Record<string, string> = { anilist: 'AniList', mal: 'MyAnimeList', jikan: 'Jikan' };
const sourceName = (e: AnirecError) => SOURCE_NAMES[String(e.details.source)] ?? String(e.details.source);

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
  store_write_unknown: () => 'The ratings store answered too slowly, so that may not have been saved: check /ratings before trying again.',
  store_read: () => 'I could not read your ratings just now. Please try again in a moment.',
  rate_limited: (e) => `Easy there! Try again in ${Math.ceil(Number(e.details.retryAfterMs) / 1000)} s.`,
  import_invalid: (e) => `That file is not a MyAnimeList list export: ${e.message}`,
  list_not_found: (e) => `${sourceName(e)} has no user called "${String(e.details.user)}". Nothing was imported.`,
  list_private: (e) =>
    `${sourceName(e)} keeps the list of "${String(e.details.user)}" private, so I cannot read it. Make it public there (or use /import file: with your export) and try again.`,
  list_unavailable: (e) => {
    const why =
      e.details.reason === 'timeout' ? `did not answer within ${String(e.details.seconds)} s`
      : e.details.reason === 'status' ? `answered with an error (HTTP ${String(e.details.status)})`
      : 'could not be reached';
    return `${sourceName(e)} ${why}. Nothing was imported; try again later.`;
  },
  list_busy: (e) => `${sourceName(e)} is busy right now. Nothing was imported; try again in ${Math.max(1, Math.ceil(Number(e.details.retryAfterMs) / 1000))} s.`,
  list_malformed: (e) => `${sourceName(e)} answered something I could not read (${String(e.details.problem)}). Nothing was imported.`,
  list_too_large: (e) =>
    e.details.maxEntries !== undefined
      ? `That list has more than ${Number(e.details.maxEntries).toLocaleString('en-US')} entries, more than I import at once. Nothing was imported.`
      : `${sourceName(e)} sent more than ${Math.round(Number(e.details.maxBytes) / 1024 / 1024)} MB for one page of that list, more than I read. Nothing was imported.`,
  list_not_configured: (e) =>
    e.details.reason === 'refused'
      ? `${sourceName(e)} refused this bot's client id (MAL_CLIENT_ID), so I cannot import from it; the bot's owner needs to check it.`
      : `Importing from ${sourceName(e)} is not set up here: the bot's owner sets MAL_CLIENT_ID (a free client id from myanimelist.net/apiconfig).`,
  catalogue_source_unavailable: (e) => {
    const seconds = String(e.details.seconds);
    const why =
      e.details.reason === 'timeout' ? `did not answer within ${seconds} s`
      : e.details.reason === 'silent' ? `gave no answer for ${seconds} s`
      : e.details.reason === 'status' ? `answered with an error (HTTP ${String(e.details.status)})`
      : e.details.reason === 'busy' ? `asked us to wait ${Math.max(1, Math.ceil(Number(e.details.retryAfterMs) / 1000))} s, longer than the update may take`
      : `could not be reached${e.details.code !== undefined ? ` (${String(e.details.code)})` : ''}`;
    return `${sourceName(e)} (${String(e.details.url)}) ${why}: the catalogue keeps what it had from it. Run \`anirec catalogue --update\` again later.`;
  },
  catalogue_source_malformed: (e) =>
    `${sourceName(e)} (${String(e.details.url)}) answered something I could not read (${String(e.details.problem)}): the catalogue keeps what it had from it.`,
};

/** One line for a person: our message for a known error, a short apology for anything else. */
export function describeError(error: unknown): string {
  if (isAnirecError(error)) return MESSAGES[error.code](error);
  return 'something went wrong on our side; the details are in the log';
}

/** What the web page's JSON API answers to a request it cannot use (status 400 unless said). */
export const WEB_MESSAGES = {
  invalidJson: 'The request body is not valid JSON.',
  bodyTooLarge: (limitBytes: number) => `The request body is larger than ${Math.round(limitBytes / 1024 / 1024)} MB.`,
  notJson: 'Send the request body as JSON (Content-Type: application/json).',
  bodyNotObject: 'The request body must be a JSON object such as {"ratings": [{"animeId": 9253, "score": 9}]}.',
  ratingsNotList: '"ratings" must be a list such as [{"animeId": 9253, "score": 9}].',
  tooManyRatings: (max: number, got: number) => `At most ${max.toLocaleString('en-US')} ratings per request; this one has ${got.toLocaleString('en-US')}.`,
  ratingNotObject: (at: number) => `ratings[${at}] must be an object such as {"animeId": 9253, "score": 9}.`,
  badAnimeId: (where: string, value: unknown) => `${where}: ${JSON.stringify(value)} is not an anime id (a whole number such as 9253).`,
  unknownAnimeId: (where: string, animeId: number) => `${where}: no anime has the id ${animeId}.`,
  badScore: (at: number, value: unknown) => `ratings[${at}].score: ${JSON.stringify(value) ?? 'nothing'} is not a whole number from 1 to 10.`,
  badField: (name: string, want: string) => `"${name}" must be ${want}.`,
  queryMissing: 'Add the text to look up: /api/search?q=TEXT.',
  queryTooLong: (max: number) => `The search text is longer than ${max} characters.`,
  notFound: 'There is nothing at this address.',
  importBodyNotObject: 'The request body must be a JSON object such as {"source": "anilist", "user": "Josh"}.',
} as const;

/** What the catalogue says of itself (the /seasonal fallback, `anirec catalogue`). */
export const CATALOGUE_MESSAGES = {
  /** /seasonal for a season after the catalogue's last one, when no source could fill it. */
  endsAt: (lastSeason: string) => `The catalogue ends at ${lastSeason}: run \`anirec catalogue --update\`.`,
} as const;
