/**
 * The web page and its JSON API, on the same AnirecService the bot uses (Fastify: its JSON body parser
 * enforces the size limit, its schema-free routes stay fast, and @fastify/static serves the page's files).
 * Visitors' ratings live in their browser and arrive with each request; nothing about a visitor is
 * stored here (recommendations go through the service's stateless fold-in, never the ratings store).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Anime } from '../../data/types.js';
import { InvalidOptionError, isAnirecError, type ErrorCode } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { createRateLimiter } from '../../service/rateLimiter.js';
import { animeUrl, type AnimeView, type AnirecService } from '../../service/index.js';
import { describeError, WEB_MESSAGES } from '../messages.js';
import { BODY_LIMIT_BYTES, parseAnimeIdParam, parseCountQuery, parseImportBody, parseRecommendBody, parseSearchQuery, WebInputError } from './apiInput.js';
import { clientLimitKey, isApiRequest } from './clientKey.js';
import { chartPath, readEvalReport, REPORT_CHARTS, type ReportChart } from './report.js';

export interface WebServerOptions {
  service: AnirecService;
  /** Folder of the `anirec eval` output the report shows. */
  evalDir: string;
  /** API requests per client (IP address; an IPv6 /64) per minute. */
  rateLimitPerMinute: number;
  /** Whose X-Forwarded-For names the client (Fastify's `trustProxy`); false by default: the socket's address. */
  trustProxy?: boolean | string[];
  log?: Logger;
  /** Milliseconds clock for the rate limit (tests). */
  now?: () => number;
}

export interface RunningWebServer {
  /** http://host:port, the port the system gave when 0 was asked. */
  url: string;
  close(): Promise<void>;
}

/** The page's files: beside this module under tsx, in the source tree when running from dist/. */
export function publicDir(): string {
  const candidates = ['./public/', '../../../../src/interfaces/web/public/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (found === undefined) throw new Error(`the web page's files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

// The page loads nothing from elsewhere; the browser is told so.
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface AnimeJson {
  animeId: number;
  name: string;
  type: string | null;
  genres: string[];
  /** First-air year where the catalogue knows it (anime.csv does not). */
  year: number | null;
  url: string;
}

function animeJson(anime: Anime | AnimeView): AnimeJson {
  const year = (anime as { year?: unknown }).year;
  return {
    animeId: anime.animeId,
    name: anime.name,
    type: anime.type,
    genres: anime.genres,
    year: typeof year === 'number' ? year : null,
    url: animeUrl(anime.animeId),
  };
}

/** HTTP status of a failed list import (the words come from messages.ts, as everywhere). */
const LIST_STATUS: Partial<Record<ErrorCode, number>> = {
  list_not_found: 404,
  list_private: 403,
  list_too_large: 422,
  list_malformed: 502,
  list_unavailable: 502,
  list_busy: 503,
  list_not_configured: 503,
};

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error: message });
}

/** Fastify's own 4xx errors (body parser) in our words; everything a visitor sent wrong is a 400. */
function describeFastifyError(error: FastifyError): { status: number; message: string } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 400, message: WEB_MESSAGES.bodyTooLarge(BODY_LIMIT_BYTES) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, message: WEB_MESSAGES.notJson };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, message: WEB_MESSAGES.invalidJson };
    default:
      if (error instanceof SyntaxError && error.statusCode === 400) return { status: 400, message: WEB_MESSAGES.invalidJson };
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return { status: error.statusCode, message: error.message };
      return undefined;
  }
}

export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const { service, evalDir } = options;
  const log = options.log ?? silentLogger;
  const catalogue = service.catalogue;
  const limiter = createRateLimiter({ perMinute: options.rateLimitPerMinute, ...(options.now ? { now: options.now } : {}) });
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false, return503OnClosing: false, trustProxy: options.trustProxy ?? false });
  // The API speaks JSON only: a text/plain body gets "send JSON" rather than being read as a string.
  app.removeContentTypeParser('text/plain');
  // The service rate-limits expensive calls per member; a visitor's member key is their address (IPv6: its /64).
  // (No address when the socket has already closed: those share one key rather than throwing.)
  const clientKey = (request: FastifyRequest) => `web:${clientLimitKey(request.ip ?? 'unknown')}`;

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof WebInputError) return sendError(reply, 400, error.message);
    if (isAnirecError(error)) {
      if (error.code === 'rate_limited') {
        reply.header('retry-after', String(Math.max(1, Math.ceil(Number(error.details.retryAfterMs) / 1000))));
        return sendError(reply, 429, describeError(error));
      }
      if (error.code === 'invalid_option' || error.code === 'unknown_title' || error.code === 'ambiguous_title') return sendError(reply, 400, describeError(error));
      const listStatus = LIST_STATUS[error.code];
      if (listStatus !== undefined) {
        if (error.code === 'list_busy') reply.header('retry-after', String(Math.max(1, Math.ceil(Number(error.details.retryAfterMs) / 1000))));
        else if (error.code === 'list_unavailable' || error.code === 'list_malformed') log.warn(`web import: ${error.message}`);
        return sendError(reply, listStatus, describeError(error));
      }
    }
    const known = describeFastifyError(error);
    if (known !== undefined) return sendError(reply, known.status, known.message);
    log.error('web request failed', error);
    return sendError(reply, 500, describeError(error));
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, WEB_MESSAGES.notFound));

  // One budget per client over the whole API (the page asks on every keystroke of a search), decided on the
  // route Fastify matched, so no spelling of an API path that reaches it goes uncounted.
  app.addHook('onRequest', async (request) => {
    if (isApiRequest(request.routeOptions.url, request.url)) limiter.take(clientKey(request));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('content-security-policy', PAGE_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  await app.register(fastifyStatic, { root: publicDir(), index: ['index.html'], cacheControl: true, maxAge: '1h' });

  app.get('/api/health', async () => ({ ok: true }));

  app.get('/api/filters', async () => ({ genres: catalogue.genreNames, types: catalogue.typeNames }));

  app.get('/api/search', async (request) => {
    const q = parseSearchQuery(request.query);
    const results = service.suggestTitles(q).map((choice) => animeJson(catalogue.anime[catalogue.ixByAnimeId.get(Number(choice.value))!]!));
    return { results };
  });

  app.get('/api/similar/:animeId', async (request) => {
    const animeId = parseAnimeIdParam(catalogue, (request.params as { animeId: string }).animeId);
    const result = service.similar(clientKey(request), String(animeId), parseCountQuery(request.query));
    return {
      anime: animeJson(result.anime),
      similar: result.neighbours.map((n) => ({ ...animeJson(n.anime), similarity: n.similarity })),
    };
  });

  app.post('/api/recommend', async (request) => {
    const { ratings, options: wanted } = parseRecommendBody(catalogue, request.body);
    const result = service.recommendFor(clientKey(request), ratings, wanted);
    return {
      personalised: result.personalised,
      ...(result.genre !== undefined ? { genre: result.genre } : {}),
      ...(result.type !== undefined ? { type: result.type } : {}),
      picks: result.picks.map((pick) => ({
        ...animeJson(pick.anime),
        score: pick.score,
        because: pick.because.map((a) => ({ animeId: a.animeId, name: a.name })),
      })),
    };
  });

  // "Import my list": the server fetches the list (AniList and MyAnimeList allow no browser to do it:
  // MyAnimeList wants the client id, which stays here) and answers it mapped; the page keeps it, we don't.
  app.post('/api/import', async (request, reply) => {
    const { source, user } = parseImportBody(request.body);
    const preview = await service.previewList(clientKey(request), source, user);
    reply.header('cache-control', 'no-store');
    return {
      ...preview,
      ratings: preview.ratings.map((r) => ({ animeId: r.animeId, name: r.name, url: r.url, score: r.score })),
    };
  });

  app.get('/api/report', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return readEvalReport(evalDir);
  });

  app.get('/report/:chart', async (request, reply) => {
    const chart = (request.params as { chart: string }).chart;
    if (!(REPORT_CHARTS as readonly string[]).includes(chart)) return sendError(reply, 404, WEB_MESSAGES.notFound);
    const svg = await readFile(chartPath(evalDir, chart as ReportChart)).catch(() => undefined);
    if (svg === undefined) return sendError(reply, 404, WEB_MESSAGES.notFound);
    return reply.type('image/svg+xml').header('cache-control', 'no-cache').send(svg);
  });

  return app;
}

/** Creates the server and listens; `port` 0 takes any free port. */
export async function startWebServer(options: WebServerOptions & { port: number; host: string }): Promise<RunningWebServer> {
  const app = await createWebServer(options);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InvalidOptionError('port', `${options.port} on ${options.host} is already in use; choose another with --port or ANIREC_WEB_PORT`);
    if (code === 'EACCES') throw new InvalidOptionError('port', `${options.port} on ${options.host} needs more privileges; choose a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InvalidOptionError('host', `${options.host} is not an address of this machine`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}

/** The web page as `anirec web` and `anirec start` (ANIREC_WEB_PORT) run it, announced in the log. */
export async function startConfiguredWeb(
  config: Pick<Config, 'evalDir' | 'webHost' | 'webRateLimitPerMinute' | 'webTrustProxy'>,
  service: AnirecService,
  port: number,
  log: Logger,
): Promise<RunningWebServer> {
  const web = await startWebServer({
    service,
    evalDir: config.evalDir,
    rateLimitPerMinute: config.webRateLimitPerMinute,
    trustProxy: config.webTrustProxy,
    log,
    port,
    host: config.webHost,
  });
  log.info(`web page at ${web.url} (${service.catalogue.anime.length} anime; report from ${config.evalDir})`);
  return web;
}
