import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/interfaces/messages.js';
import { fetchAttachment } from '../../../src/interfaces/discord/attachment.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/small') res.writeHead(200).end('hello');
    else if (req.url === '/huge') res.writeHead(200).end(Buffer.alloc(3000, 65));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

const failure = (p: Promise<unknown>) => p.then(() => 'no error', describeError);

describe('fetchAttachment', () => {
  it('given a small file then its bytes', async () => {
    expect(Buffer.from(await fetchAttachment(`${base}/small`, 1000)).toString()).toBe('hello');
  });

  it('given a declared size over the limit then it refuses without downloading', async () => {
    expect(await failure(fetchAttachment(`${base}/small`, 1024 * 1024, 6 * 1024 * 1024))).toBe('That file is not a MyAnimeList list export: it is larger than 1 MB');
  });

  it('given a body larger than the limit despite its declared size then it stops reading', async () => {
    expect(await failure(fetchAttachment(`${base}/huge`, 2000, 10))).toMatch(/^That file is not a MyAnimeList list export: it is larger than/);
  });

  it('given a missing file then the download failure says so', async () => {
    expect(await failure(fetchAttachment(`${base}/gone`, 2000))).toBe('download failed: I could not download the attachment (HTTP 404)');
  });
});
