/**
 * /import anilist:<user> of a 1,000-entry list, through the real service (real model, real SQLite store, the
 * member folded in and written in one record), against an AniList stand-in on 127.0.0.1 that answers the
 * documented MediaListCollection shape from bytes rendered before timing (so its own cost is a socket write).
 * Also the same for MyAnimeList's API v2 (one page of 1,000).
 * Peer, in the same run: fetching the very same answers with a bare `fetch` + `JSON.parse` (what any
 * importer must spend at least). "Our own time" is the import minus that peer.
 * Target: a 1,000-entry import under 1 s of our own time.
 * Data: ANIREC_BENCH_IMPORT_DATA (default ../shared/data/mal-sample, the real catalogue); the model is trained
 * briefly: an import's cost depends on the catalogue and the widths, not on the model's quality.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { buildTitleIndex } from '../src/data/titles.js';
import { trainAnirecModel } from '../src/model/anirecModel.js';
import { createImportLimiter, createRateLimiter } from '../src/service/rateLimiter.js';
import { openRatingsStore } from '../src/store/ratingsStore.js';
import { createService } from '../src/service/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_IMPORT_DATA ?? '../shared/data/mal-sample');
const ENTRIES = 1000;
const RUNS = 30;
const CLIENT_ID = 'bench-client-id-0123456789abcdef';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
};
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

const ds = await loadDataset(dataDir);
const t0 = performance.now();
const model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], explicit: { epochs: 2 }, implicit: { iterations: 2, threads: 2 }, beta: 0.1, quiet: true, log: () => {} });
console.log(`model for the bench trained in ${((performance.now() - t0) / 1000).toFixed(1)} s; catalogue ${ds.catalogue.anime.length} anime`);

// The list: the first ENTRIES anime of the catalogue, a mix of scores and watched-without-score, as a real list has;
// 3% of them ids the catalogue does not know.
const anime = ds.catalogue.anime.slice(0, ENTRIES);
const entries = anime.map((a, i) => ({ idMal: i % 33 === 0 ? 9_000_000 + i : a.animeId, title: a.name, score: i % 7 === 0 ? 0 : 1 + (i % 10) }));
const anilistBody = JSON.stringify({
  data: {
    MediaListCollection: {
      hasNextChunk: false,
      user: { name: 'bench', mediaListOptions: { scoreFormat: 'POINT_10' } },
      lists: [
        {
          entries: entries.map((e, i) => ({ status: e.score === 0 ? 'DROPPED' : 'COMPLETED', score: e.score, media: { id: 100_000 + i, idMal: e.idMal, title: { romaji: e.title, english: null } } })),
        },
      ],
    },
  },
});
const malBody = JSON.stringify({
  data: entries.map((e) => ({ node: { id: e.idMal, title: e.title }, list_status: { status: e.score === 0 ? 'dropped' : 'completed', score: e.score } })),
  paging: {},
});

const answer = (res: ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
};
// AniList chunks at 500: the stand-in answers every chunk with the whole list, so chunk 1 is the only request made.
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => answer(res, anilistBody));
  } else if (req.headers['x-mal-client-id'] === CLIENT_ID) answer(res, malBody);
  else {
    res.writeHead(401);
    res.end('{"error":"invalid_client"}');
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const folder = mkdtempSync(join(tmpdir(), 'anirec-bench-import-'));
const store = await openRatingsStore(`sqlite://${join(folder, 'store.sqlite')}`);
const service = createService({
  model,
  store,
  titles: buildTitleIndex(ds.catalogue),
  rateLimiter: createRateLimiter({ perMinute: 1e9 }),
  importLimiter: createImportLimiter({ perMember: 1e9, perServer: 1e9 }),
  lists: { anilistUrl: base, malApiUrl: `${base}/v2`, malClientId: CLIENT_ID },
});

async function timeImports(source: 'anilist' | 'mal'): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < RUNS + 3; k++) {
    const t = performance.now();
    // A new member each time: a first import, the common case (a re-import also removes what it set before).
    const result = await service.importList(`${source}-${k}`, { list: source, user: 'bench' });
    const took = performance.now() - t;
    if (result.rated + result.watched + result.unknown !== ENTRIES) throw new Error(`imported ${JSON.stringify(result)}`);
    if (k >= 3) times.push(took); // the first runs compile the code paths
  }
  return times;
}

async function timePeer(source: 'anilist' | 'mal'): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < RUNS + 3; k++) {
    const t = performance.now();
    const response =
      source === 'anilist'
        ? await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x', variables: { userName: 'bench' } }) })
        : await fetch(`${base}/v2/users/bench/animelist?fields=list_status&limit=1000`, { headers: { 'X-MAL-CLIENT-ID': CLIENT_ID } });
    JSON.parse(await response.text());
    if (k >= 3) times.push(performance.now() - t);
  }
  return times;
}

const rows: { source: string; ours: ReturnType<typeof summary>; peer: ReturnType<typeof summary>; own: number }[] = [];
for (const source of ['anilist', 'mal'] as const) {
  const ours = summary(await timeImports(source));
  const peer = summary(await timePeer(source));
  const own = ours.p50 - peer.p50;
  rows.push({ source, ours, peer, own });
  console.log(
    `/import ${source}: (${ENTRIES} entries) p50 ${ms(ours.p50)} ms, p99 ${ms(ours.p99)} ms, max ${ms(ours.max)} ms; ` +
      `bare fetch + JSON.parse p50 ${ms(peer.p50)} ms; our own time p50 ${ms(own)} ms (target < 1000 ms)`,
  );
}
const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
console.log(`load average ${load} on ${cpus().length} cores`);
await store.close();
await new Promise<void>((done) => server.close(() => done()));
rmSync(folder, { recursive: true, force: true });

const label = { anilist: 'AniList (GraphQL, 1 chunk)', mal: 'MyAnimeList API v2 (1 page)' } as const;
const md = [
  '### List import: /import anilist: and mal: (`npm run bench -- import`)',
  '',
  `A ${ENTRIES.toLocaleString('en')}-entry list imported through the service (fetch, map, fold-in, one SQLite write) from a loopback stand-in answering each API's documented shape, catalogue of ${ds.catalogue.anime.length.toLocaleString('en')} anime, ${RUNS} runs each:`,
  '',
  '| source | import p50 | import p99 | peer p50 (bare fetch + JSON.parse) | our own time p50 | target |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${label[r.source as 'anilist' | 'mal']} | ${ms(r.ours.p50)} ms | ${ms(r.ours.p99)} ms | ${ms(r.peer.p50)} ms | ${ms(r.own)} ms | < 1000 ms |`),
  '',
  `Load average during the run: ${load} on ${cpus().length} cores.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'import.md'), md);
console.log('wrote bench/results/import.md');
