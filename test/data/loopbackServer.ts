/** An HTTP server on 127.0.0.1 for the download tests: routes by exact path, 404 otherwise. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Starts the server before the tests of the calling file and closes it after; `base` is its URL. */
export function serveOnLoopback(routes: () => Record<string, Route>): { readonly base: string } {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const table = routes();
    server = createServer((req, res) => {
      const route = table[req.url ?? ''];
      if (route) route(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  return {
    get base() {
      return base;
    },
  };
}
