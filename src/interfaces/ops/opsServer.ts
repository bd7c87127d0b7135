/**
 * GET /healthz and GET /metrics on ANIREC_METRICS_PORT (127.0.0.1 unless ANIREC_METRICS_HOST says
 * otherwise). /healthz answers 200 when the store answers and the bot serves, 503 otherwise, with a
 * JSON body saying which part is unwell; /metrics is Prometheus text. A failure inside either answers a
 * fixed line and goes to the log: an error's words may name a host, a path or worse, and a scraper is
 * not the one to tell.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../log.js';

export interface Health {
  ok: boolean;
  [part: string]: unknown;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  port: number;
  host?: string;
  metrics: () => Promise<string>;
  health: () => Promise<Health>;
  /** Where a failure's detail goes (redacted by the logger); nowhere by default. */
  log?: Logger;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const log = options.log ?? silentLogger;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async () => {
      if (request.method !== 'GET') return { status: 405, type: 'text/plain', body: 'GET only\n' };
      if (path === '/metrics') return { status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: await options.metrics() };
      if (path === '/healthz') {
        const health = await options.health();
        return { status: health.ok ? 200 : 503, type: 'application/json', body: `${JSON.stringify(health)}\n` };
      }
      return { status: 404, type: 'text/plain', body: 'try /healthz or /metrics\n' };
    };
    answer().then(
      ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
      (error: unknown) => {
        log.error(`ops: ${request.method ?? 'GET'} ${path} failed`, error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error (the details are in the log)\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would hold close() open for its idle timeout.
        server.closeAllConnections();
      }),
  };
}
