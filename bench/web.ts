/**
 * The web page under load: `anirec web` spawned as users run it (its own process), a model trained on the
 * synthetic set, and an open-loop load generator here sending requests at a fixed rate whatever the answers
 * do (so a slow answer cannot slow the offered load down and hide itself).
 * Goals: POST /api/recommend with 50 ratings p99 < 20 ms at 200 requests/s; GET /api/search p99 < 5 ms.
 * Peer, same server, same rate, same generator: GET /api/health (a constant reply), which is what HTTP,
 * Fastify and the generator cost by themselves.
 * Also: the first load of the page in Chromium (bytes transferred), target < 300 KB.
 * Latencies are timed from the moment each request is written to when its answer has been read (sub-ms
 * resolution; load generators that bucket by whole milliseconds cannot judge a 5 ms goal).
 * Data: ANIREC_BENCH_DATA (default ../shared/data/synthetic). The model is trained briefly (its serving cost
 * depends on the widths and the catalogue, not on training quality).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.js';
import { WATCHED } from '../src/data/types.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel, type AnirecModel } from '../src/model/anirecModel.js';
import { openRatingsStore } from '../src/store/ratingsStore.js';
import { composeService } from '../src/app/compose.js';
import { launchChromium } from '../support/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.ANIREC_BENCH_DATA ?? '../shared/data/synthetic');
const RATE = 200;
const SECONDS = Number(process.env.ANIREC_BENCH_SECONDS ?? 20);
const WARM_SECONDS = 3;
const PROFILE_RATINGS = 50;
const PEOPLE = 500;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// --- a model and the server, as `anirec web` runs ---------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'anirec-bench-web-'));
const ds = await loadDataset(dataDir);
// ANIREC_BENCH_MODEL=DIR serves a model trained before (on the same data) instead of training one.
const reuse = process.env.ANIREC_BENCH_MODEL;
let modelDir: string;
let model: AnirecModel;
if (reuse !== undefined && existsSync(join(reuse, 'info.json'))) {
  modelDir = resolve(reuse);
  model = await loadAnirecModel(modelDir);
  console.log(`serving the model in ${modelDir} (${model.catalogue.anime.length} anime)`);
} else {
  const trainStart = performance.now();
  model = await trainAnirecModel(ds, { explicitKinds: ['embedding'], explicit: { epochs: 2 }, implicit: { iterations: 2, threads: 2 }, beta: 0.1, quiet: true, log: () => {} });
  modelDir = reuse !== undefined ? resolve(reuse) : join(work, 'model');
  await saveAnirecModel(model, modelDir);
  console.log(`model for the bench trained in ${((performance.now() - trainStart) / 1000).toFixed(1)} s (${model.catalogue.anime.length} anime), saved in ${modelDir}`);
}

// People with 50+ scores: their first 50 scored rows, as MyAnimeList ids, as the page would send them.
const r = ds.ratings;
const byUser = new Map<number, { animeId: number; score: number }[]>();
for (let row = 0; row < r.count && byUser.size <= PEOPLE * 4; row++) {
  if (r.score[row] === WATCHED) continue;
  const list = byUser.get(r.userIx[row]!) ?? [];
  if (list.length < PROFILE_RATINGS) list.push({ animeId: ds.catalogue.anime[r.itemIx[row]!]!.animeId, score: r.score[row]! });
  byUser.set(r.userIx[row]!, list);
}
const bodies = [...byUser.values()].filter((l) => l.length === PROFILE_RATINGS).slice(0, PEOPLE).map((ratings) => JSON.stringify({ ratings, count: 10 }));
// What people type into the search box: the first 3 to 12 letters of popular titles.
const popular = [...ds.catalogue.anime].sort((a, b) => b.members - a.members).slice(0, 500);
const queries = popular.map((a, k) => `/api/search?q=${encodeURIComponent(a.name.slice(0, 3 + (k % 10)))}`);

// The same call without HTTP, in this process: what the model and the service cost by themselves.
const inProcessStore = await openRatingsStore(`sqlite://${join(work, 'in-process.sqlite')}`);
const inProcess = composeService({ model, store: inProcessStore, rateLimitPerMinute: 100_000 });
const heldBodies = bodies.map((b) => (JSON.parse(b) as { ratings: { animeId: number; score: number }[] }).ratings);
for (let k = 0; k < 200; k++) inProcess.recommendFor('bench', heldBodies[k % heldBodies.length]!, { count: 10 });
const serviceTimes = new Float64Array(2000);
for (let k = 0; k < serviceTimes.length; k++) {
  const t0 = performance.now();
  inProcess.recommendFor('bench', heldBodies[k % heldBodies.length]!, { count: 10 });
  serviceTimes[k] = performance.now() - t0;
}
serviceTimes.sort();
await inProcessStore.close();
console.log(`service.recommendFor alone, ${PROFILE_RATINGS} ratings: p50 ${percentile(serviceTimes, 50).toFixed(2)} ms, p99 ${percentile(serviceTimes, 99).toFixed(2)} ms`);

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/interfaces/cli/main.ts'), 'web', '--port', '0'], {
  cwd: root,
  env: {
    ...process.env,
    ANIREC_MODEL_DIR: modelDir,
    ANIREC_STORE_URL: `sqlite://${join(work, 'store.sqlite')}`,
    ANIREC_EVAL_DIR: join(root, 'eval-results'),
    // The bench is one client sending far more than a visitor may: lift both limits.
    ANIREC_RATE_LIMIT: '100000',
    ANIREC_SERVER_RATE_LIMIT: '1000000',
    ANIREC_WEB_RATE_LIMIT: '1000000',
    ANIREC_LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'inherit', 'pipe'],
});
const serverExit = new Promise<void>((done) => server.once('exit', () => done()));
const spawned = performance.now();
const base = await new Promise<string>((resolveUrl, reject) => {
  let text = '';
  server.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const match = /web page at (http:\/\/\S+)/.exec(text);
    if (match) resolveUrl(match[1]!);
  });
  server.once('exit', (code) => reject(new Error(`anirec web exited (${code}) before it was ready:\n${text}`)));
});
const readySeconds = (performance.now() - spawned) / 1000;
console.log(`anirec web ready at ${base} in ${readySeconds.toFixed(2)} s`);
const url = new URL(base);

// --- the open-loop generator --------------------------------------------------------------------
interface Load {
  label: string;
  method: 'GET' | 'POST';
  path: (k: number) => string;
  body?: (k: number) => string;
}
interface Measured {
  label: string;
  sent: number;
  ok: number;
  achievedRate: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU time the server process spent per request (user + system): what the p99s cost without the queueing. */
  cpuPerRequest?: number;
}

/** The server process's CPU time so far (Linux /proc: utime + stime in clock ticks of 10 ms). */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(load: Load, k: number): Promise<{ ms: number; status: number }> {
  return new Promise((done) => {
    const body = load.body?.(k);
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: load.method,
        path: load.path(k),
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => done({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => done({ ms: performance.now() - t0, status: 0 }));
    const t0 = performance.now();
    req.end(body);
  });
}

/** Sends `rate` requests per second for `seconds`, on schedule, whatever the answers do. */
async function openLoop(load: Load, rate: number, seconds: number): Promise<Measured> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const pending: Promise<{ ms: number; status: number }>[] = [];
  const start = performance.now();
  let k = 0;
  while (k < total) {
    const now = performance.now();
    while (k < total && start + k * interval <= now) pending.push(send(load, k++));
    await new Promise((tick) => setTimeout(tick, Math.max(0, start + k * interval - performance.now())));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  const times = Float64Array.from(results.filter((x) => x.status === 200), (x) => x.ms).sort();
  return {
    label: load.label,
    sent: total,
    ok: times.length,
    achievedRate: results.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? Number.NaN,
  };
}

const loads: Record<string, Load> = {
  recommend: { label: `POST /api/recommend, ${PROFILE_RATINGS} ratings`, method: 'POST', path: () => '/api/recommend', body: (k) => bodies[k % bodies.length]! },
  search: { label: 'GET /api/search', method: 'GET', path: (k) => queries[k % queries.length]! },
  peer: { label: 'peer: GET /api/health (constant reply)', method: 'GET', path: () => '/api/health' },
};
const measured: Record<string, Measured> = {};
const loadAtStart = loadavg()[0]!;
try {
  // Each goal then its peer right after it, so both see the same machine.
  for (const name of ['recommend', 'recommendPeer', 'search', 'searchPeer']) {
    const load = loads[name.replace(/^(recommend|search)Peer$/, 'peer')]!;
    await openLoop(load, RATE, WARM_SECONDS);
    const cpuBefore = serverCpuMs();
    const m = await openLoop(load, RATE, SECONDS);
    m.cpuPerRequest = (serverCpuMs() - cpuBefore) / m.sent;
    measured[name] = m;
    console.log(`${m.label}: ${m.ok}/${m.sent} answered 200 at ${m.achievedRate.toFixed(0)}/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms, max ${m.max.toFixed(1)} ms; server CPU ${m.cpuPerRequest.toFixed(2)} ms per request`);
  }

  // First load in a real browser: every byte of every response the page needs to show itself.
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const sizes: { url: string; bytes: number }[] = [];
  page.on('requestfinished', (req) => {
    void req.sizes().then((s) => sizes.push({ url: req.url().replace(base, ''), bytes: s.responseBodySize + s.responseHeadersSize }), () => {});
  });
  await page.goto(base, { waitUntil: 'networkidle' });
  await new Promise((settle) => setTimeout(settle, 200));
  await browser.close();
  const firstLoad = sizes.reduce((a, s) => a + s.bytes, 0);
  console.log(`first load: ${(firstLoad / 1024).toFixed(1)} KB in ${sizes.length} responses (${sizes.map((s) => `${s.url} ${(s.bytes / 1024).toFixed(1)} KB`).join(', ')})`);

  const { recommend, recommendPeer, search, searchPeer } = measured as Record<'recommend' | 'recommendPeer' | 'search' | 'searchPeer', Measured>;
  const row = (m: Measured) => `${m.p50.toFixed(2)} / ${m.p99.toFixed(2)} ms (max ${m.max.toFixed(1)}), ${m.ok}/${m.sent} answered, server CPU ${m.cpuPerRequest!.toFixed(2)} ms/request`;
  const md = [
    `### Web page (\`npx tsx bench/web.ts\`)`,
    '',
    `\`anirec web\` in its own process on a model trained on ${dataDir.split('/').slice(-1)[0]} (${model.catalogue.anime.length.toLocaleString('en-US')} anime), ready ${readySeconds.toFixed(2)} s after spawn; ` +
      `an open-loop generator in another process offers ${RATE} requests/s for ${SECONDS} s per row (after ${WARM_SECONDS} s of warm-up), ${bodies.length} different people of ${PROFILE_RATINGS} ratings, ${queries.length} different search prefixes. Load average at start ${loadAtStart.toFixed(2)}.`,
    '',
    '| goal | ours p50 / p99 | peer p50 / p99 (same server and rate, measured right after) | target |',
    '|---|---|---|---|',
    `| ${recommend.label} at ${RATE}/s | ${row(recommend)} | ${row(recommendPeer)} | p99 < 20 ms |`,
    `| ${search.label} at ${RATE}/s | ${row(search)} | ${row(searchPeer)} | p99 < 5 ms |`,
    `| the same recommendations without HTTP (service.recommendFor in one process, one at a time) | ${percentile(serviceTimes, 50).toFixed(2)} / ${percentile(serviceTimes, 99).toFixed(2)} ms | | |`,
    `| first load of the page in Chromium (transferred) | ${(firstLoad / 1024).toFixed(1)} KB in ${sizes.length} responses | | < 300 KB |`,
    '',
    `Peer: GET /api/health, a constant reply: HTTP, Fastify and the generator alone. Load average when the last row ended: ${loadavg()[0]!.toFixed(2)} (2 cores; other work on the machine inflates the p99s).`,
    '',
  ].join('\n');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'web.md'), md);
  console.log('wrote bench/results/web.md');
} finally {
  agent.destroy();
  server.kill('SIGTERM');
  await serverExit;
  rmSync(work, { recursive: true, force: true });
}
