/**
 * Fetches the Kaggle archive (a zip holding anime.csv and rating.csv) and unpacks it into the data folder.
 * All-or-nothing: the zip goes to a temp file in that folder, the CSVs are extracted to temp names, and
 * only when everything succeeded are they renamed into place. Any failure removes the temp files.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DownloadError } from '../errors.js';

export interface DownloadOptions {
  url: string;
  dir: string;
  username?: string;
  key?: string;
  /** Bytes received so far, and the total when the server said it. */
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface DownloadResult {
  files: string[];
  bytes: number;
}

/** The files the archive must hold (found at its root or in any folder). */
export const ARCHIVE_FILES = ['anime.csv', 'rating.csv'] as const;
const MAX_REDIRECTS = 10;

/** Where a URL points, without credentials or query (signed URLs carry tokens): safe to print. */
function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function networkProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}

/** GET with redirects followed; credentials are sent only to the host they were given for. */
async function openResponse(options: DownloadOptions): Promise<IncomingMessage> {
  let url = new URL(options.url);
  const authHost = url.host;
  const auth =
    options.username && options.key ? `Basic ${Buffer.from(`${options.username}:${options.key}`).toString('base64')}` : undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
    if (!request) throw new DownloadError(`unsupported protocol ${url.protocol} in ${describeUrl(url)}`);
    const headers: Record<string, string> = { 'user-agent': 'anirec', accept: 'application/zip, */*' };
    if (auth && url.host === authHost) headers.authorization = auth;
    const current = url;
    const response = await new Promise<IncomingMessage>((done, fail) => {
      const req = request(current, { headers }, done);
      req.on('error', (error) => fail(new DownloadError(`could not reach ${describeUrl(current)}: ${networkProblem(error)}`)));
      req.setTimeout(60_000, () => req.destroy(new Error('no answer for 60 s')));
      req.end();
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      url = new URL(response.headers.location, current);
      continue;
    }
    if (status === 401 || status === 403) {
      response.resume();
      throw new DownloadError(
        `HTTP ${status} from ${describeUrl(current)}: access refused. Set KAGGLE_USERNAME and KAGGLE_KEY ` +
          '(kaggle.com > Settings > API > Create New Token) and accept the dataset\'s rules on its Kaggle page.',
        { status },
      );
    }
    if (status !== 200) {
      response.resume();
      throw new DownloadError(`HTTP ${status} from ${describeUrl(current)}`, { status });
    }
    return response;
  }
  throw new DownloadError(`more than ${MAX_REDIRECTS} redirects from ${describeUrl(new URL(options.url))}`);
}

/** Streams the response body to `path`, checking it against content-length. */
async function saveBody(response: IncomingMessage, path: string, onProgress: DownloadOptions['onProgress']): Promise<number> {
  const header = response.headers['content-length'];
  const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      onProgress?.(received, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(response, count, createWriteStream(path));
  } catch (error) {
    throw new DownloadError(
      `the connection was cut after ${received}${total !== undefined ? ` of ${total}` : ''} bytes (${networkProblem(error)})`,
    );
  }
  if (!response.complete || (total !== undefined && received !== total)) {
    throw new DownloadError(`the download stopped after ${received}${total !== undefined ? ` of ${total}` : ''} bytes`);
  }
  return received;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((done, fail) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error || !zip) fail(new DownloadError(`the download is not a valid zip archive (${error?.message ?? 'unreadable'})`));
      else done(zip);
    });
  });
}

/** Extracts the wanted files of the zip at `zipPath` to temp paths; returns name -> temp path. */
async function extractWanted(zipPath: string, tempFor: (name: string) => string): Promise<Map<string, string>> {
  const zip = await openZip(zipPath);
  const extracted = new Map<string, string>();
  const seen: string[] = [];
  try {
    await new Promise<void>((done, fail) => {
      const failWith = (error: unknown) =>
        fail(error instanceof DownloadError ? error : new DownloadError(`the zip archive is damaged (${(error as Error).message})`));
      zip.on('error', failWith);
      zip.on('end', () => done());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = basename(entry.fileName);
        if (!entry.fileName.endsWith('/')) seen.push(entry.fileName);
        const wanted = (ARCHIVE_FILES as readonly string[]).includes(name) && !entry.fileName.includes('__MACOSX');
        if (!wanted || extracted.has(name)) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return failWith(error ?? new Error('unreadable entry'));
          const target = tempFor(name);
          extracted.set(name, target);
          pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), failWith);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = ARCHIVE_FILES.filter((name) => !extracted.has(name));
  if (missing.length > 0) {
    const found = seen.length > 0 ? seen.slice(0, 10).join(', ') : 'nothing';
    throw new DownloadError(`the archive holds no ${missing.join(' and no ')} (found: ${found})`, { missing });
  }
  return extracted;
}

/** Downloads and unpacks the data set into options.dir; nothing is left behind when it fails. */
export async function downloadDataset(options: DownloadOptions): Promise<DownloadResult> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const zipPath = join(dir, `.anirec-download-${tag}.zip.part`);
  const temps = [zipPath];
  const tempFor = (name: string) => {
    const path = join(dir, `.anirec-download-${tag}-${name}.part`);
    temps.push(path);
    return path;
  };
  try {
    const response = await openResponse(options);
    const bytes = await saveBody(response, zipPath, options.onProgress);
    const extracted = await extractWanted(zipPath, tempFor);
    const files: string[] = [];
    for (const [name, temp] of extracted) {
      const target = join(dir, name);
      await rename(temp, target);
      files.push(target);
    }
    return { files, bytes };
  } finally {
    await Promise.all(temps.map((path) => unlink(path).catch(() => undefined)));
  }
}
