import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadDataset } from '../../src/data/download.js';
import { loadDataset } from '../../src/data/dataset.js';
import { ANIME_CSV, caught, ratingCsv, tempDir } from './dataFixtures.js';
import { serveOnLoopback, type Route } from './loopbackServer.js';
import { makeZip } from './zipWriter.js';

const RATINGS = ratingCsv('1,32281,10', '2,9253,-1');
const GOOD_ZIP = makeZip({ 'anime.csv': ANIME_CSV, 'rating.csv': RATINGS });

const routes: Record<string, Route> = {
  '/good.zip': (_req, res) => {
    res.writeHead(200, { 'content-length': GOOD_ZIP.length });
    res.end(GOOD_ZIP);
  },
  '/nested.zip': (_req, res) => res.end(makeZip({ 'archive/anime.csv': ANIME_CSV, 'archive/rating.csv': RATINGS, 'archive/readme.txt': 'hi' })),
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: '/good.zip' });
    res.end();
  },
  '/private.zip': (req, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from('alice:s3cret').toString('base64')}`) {
      res.writeHead(401);
      res.end('no');
      return;
    }
    routes['/good.zip']!(req, res);
  },
  '/forbidden.zip': (_req, res) => {
    res.writeHead(403);
    res.end();
  },
  '/truncated.zip': (_req, res) => {
    res.writeHead(200, { 'content-length': GOOD_ZIP.length });
    res.write(GOOD_ZIP.subarray(0, 100));
    setTimeout(() => res.destroy(), 20);
  },
  '/no-ratings.zip': (_req, res) => res.end(makeZip({ 'anime.csv': ANIME_CSV, 'notes.txt': 'x' })),
  '/not-a-zip': (_req, res) => res.end('<html>hello</html>'),
};

const server = serveOnLoopback(() => routes);

describe('downloadDataset', () => {
  it('given a zip with both files at its root then they are unpacked and load', async () => {
    const dir = tempDir();
    const progress: number[] = [];
    const result = await downloadDataset({ url: `${server.base}/good.zip`, dir, onProgress: (received) => progress.push(received) });
    expect(readdirSync(dir).sort()).toEqual(['anime.csv', 'rating.csv']);
    expect(readFileSync(join(dir, 'rating.csv'), 'utf8')).toBe(RATINGS);
    expect(result.bytes).toBe(GOOD_ZIP.length);
    expect(progress.at(-1)).toBe(GOOD_ZIP.length);
    expect((await loadDataset(dir, { cache: false })).ratings.count).toBe(2);
  });

  it('given files in a folder inside the zip and a redirect then both files land in the data folder', async () => {
    const dir = join(tempDir(), 'new');
    await downloadDataset({ url: `${server.base}/redirect`, dir });
    expect(readdirSync(dir).sort()).toEqual(['anime.csv', 'rating.csv']);
    const nested = tempDir();
    await downloadDataset({ url: `${server.base}/nested.zip`, dir: nested });
    expect(readdirSync(nested).sort()).toEqual(['anime.csv', 'rating.csv']);
  });

  it('given credentials then basic auth is sent', async () => {
    const dir = tempDir();
    await downloadDataset({ url: `${server.base}/private.zip`, dir, username: 'alice', key: 's3cret' });
    expect(readdirSync(dir).sort()).toEqual(['anime.csv', 'rating.csv']);
  });

  it.each([
    ['401', '/private.zip', `HTTP 401 from BASE/private.zip: access refused. Set KAGGLE_USERNAME and KAGGLE_KEY (kaggle.com > Settings > API > Create New Token) and accept the dataset's rules on its Kaggle page.`],
    ['403', '/forbidden.zip', `HTTP 403 from BASE/forbidden.zip: access refused. Set KAGGLE_USERNAME and KAGGLE_KEY (kaggle.com > Settings > API > Create New Token) and accept the dataset's rules on its Kaggle page.`],
    ['404', '/missing.zip', 'HTTP 404 from BASE/missing.zip'],
    ['a truncated body', '/truncated.zip', /^the (connection was cut|download stopped) after 100 of \d+ bytes/],
    ['a zip without rating.csv', '/no-ratings.zip', 'the archive holds no rating.csv (found: anime.csv, notes.txt)'],
    ['something that is not a zip', '/not-a-zip', /^the download is not a valid zip archive/],
  ])('given %s then DownloadError and the data folder keeps only what it had', async (_case, path, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const error = await caught(downloadDataset({ url: `${server.base}${path}`, dir, username: 'bob', key: 'wrong-key-123' }));
    expect(error.name).toBe('DownloadError');
    if (typeof message === 'string') expect(error.message).toBe(message.replace('BASE', server.base));
    else expect(error.message).toMatch(message);
    expect(error.message).not.toContain('wrong-key-123');
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('given a failed download over existing files then they are left untouched', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'anime.csv'), 'old anime');
    writeFileSync(join(dir, 'rating.csv'), 'old ratings');
    await caught(downloadDataset({ url: `${server.base}/no-ratings.zip`, dir }));
    expect(readFileSync(join(dir, 'anime.csv'), 'utf8')).toBe('old anime');
    expect(readdirSync(dir).sort()).toEqual(['anime.csv', 'rating.csv']);
  });

  it('given nothing listening then DownloadError says it could not reach the host', async () => {
    const idle = createServer();
    await new Promise<void>((done) => idle.listen(0, '127.0.0.1', done));
    const port = (idle.address() as AddressInfo).port;
    await new Promise<void>((done) => idle.close(() => done()));
    const dir = tempDir();
    const error = await caught(downloadDataset({ url: `http://127.0.0.1:${port}/x.zip`, dir }));
    expect(error.message).toBe(`could not reach http://127.0.0.1:${port}/x.zip: ECONNREFUSED`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
