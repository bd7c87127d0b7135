/**
 * Outgrowing one process (issue 13), through the fake Discord with the real client in child processes:
 * 1. /rate + /recommend with 2 shard processes (ANIREC_SHARDS=2) against 1 process, on a SQLite file, a real
 *    Redis and a real PostgreSQL (started here on 127.0.0.1 from Debian's packages, or the servers named by
 *    ANIREC_TEST_REDIS_URL / ANIREC_TEST_POSTGRES_URL): answered rate and p50 / p99 at 1,000/s offered for
 *    5 s, and the most answered with 64 in flight. Members act in guilds on both shards.
 * 2. Model swap with 2 shards under 500/s offered: the longest interaction while the new model is loaded
 *    and swapped in, failures, and the time from the new model folder appearing until every shard serves it.
 * Writes bench/results/scale.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAnirecModel, saveAnirecModel } from '../src/model/anirecModel.js';
import { modelFingerprint } from '../src/service/index.js';
import { killAllChildren, spawnAnirec, type AnirecChild } from '../support/childProcess.js';
import { FakeDiscord, shardOfGuild, type Reply } from '../support/fakeDiscord.js';
import { startPrivateServer, type TestServer } from '../support/servers.js';
import { mulberry32 } from '../support/planted.js';
import { ms, prepareModel, runLoad, runOffered, say, type Load } from './lib/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GBench.bench-token-not-a-real-one-0123456789';
const MEMBERS = 200;
const OFFERED = { perSecond: 1_000, seconds: 5 };
const CLOSED = { concurrency: 64, seconds: 5, max: 20_000 };
const SWAP_OFFERED_PER_SECOND = 500;
const work = mkdtempSync(join(tmpdir(), 'anirec-bench-scale-'));

async function main(): Promise<void> {
  const startLoad = loadavg()[0]!;
  say(`bench scale: Node ${process.version}, ${cpus().length} cores, load average ${startLoad.toFixed(1)}`);
  const { modelDir: sourceDir, model, source } = await prepareModel(ROOT, work);
  // The swap rewrites the model folder: serve a copy of it.
  const modelDir = join(work, 'served-model');
  await saveAnirecModel(model, modelDir);
  say(`model: ${source} (${sourceDir}), ${model.catalogue.anime.length} anime`);

  const servers: TestServer[] = [];
  const urlOf = async (kind: 'redis' | 'postgres', variable: string) => {
    if (process.env[variable]) return process.env[variable]!;
    const server = await startPrivateServer(kind);
    servers.push(server);
    return server.url;
  };
  const backends = {
    'SQLite file': `sqlite://${join(work, 'scale.sqlite')}`,
    Redis: await urlOf('redis', 'ANIREC_TEST_REDIS_URL'),
    PostgreSQL: await urlOf('postgres', 'ANIREC_TEST_POSTGRES_URL'),
  };

  const fake = await FakeDiscord.start({ token: TOKEN, replyTimeoutMs: 30_000, callbackWindowMs: 30_000 });
  const guilds = [fake.guildId, fake.addGuild(1 - shardOfGuild(fake.guildId, 2), 2)];
  const members = Array.from({ length: MEMBERS }, (_, m) => fake.member(m));
  const ids = model.catalogue.anime.map((a) => a.animeId);
  const rand = mulberry32(13);
  const anyAnime = () => String(ids[Math.floor(rand() * Math.min(ids.length, 2_000))]!);
  // A member rates then asks for picks (so each /recommend scores afresh); each round of members switches guild.
  const mix = (i: number) => {
    const pair = Math.floor(i / 2);
    const user = members[pair % MEMBERS]!;
    const guildId = guilds[Math.floor(pair / MEMBERS) % 2]!;
    return i % 2 === 0
      ? fake.slash('rate', { anime: anyAnime(), score: 1 + (i % 10) }, { user, guildId, timeoutMs: 30_000 })
      : fake.slash('recommend', { count: 10 }, { user, guildId, timeoutMs: 30_000 });
  };
  const answered = (r: Reply) => (r.data.content ?? '').startsWith('Saved:') || r.data.embeds?.[0]?.title === 'Picked for you';

  const start = async (url: string, processes: number): Promise<AnirecChild> => {
    const child = spawnAnirec(['start'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      ANIREC_MODEL_DIR: modelDir,
      ANIREC_DATA_DIR: join(work, 'no-data'),
      ANIREC_STORE_URL: url,
      ANIREC_RATE_LIMIT: '100000',
      ANIREC_SERVER_RATE_LIMIT: '1000000',
      ANIREC_LOG_LEVEL: 'info',
      ...(processes > 1 ? { ANIREC_SHARDS: String(processes), ANIREC_SHARD_SPAWN_DELAY_MS: '0' } : {}),
    });
    await child.waitForOutput(processes > 1 ? /all \d+ shards ready in/ : /ready in/, 180_000);
    for (let round = 0; round < 3; round++) await Promise.all(members.map((_, m) => mix(2 * (round * MEMBERS + m))));
    fake.clearAnswered();
    return child;
  };

  const rows: { backend: string; processes: number; offered: Load; closed: Load }[] = [];
  let swap: { longestMs: number; failed: number; during: number; allServingMs: number } | undefined;
  try {
    for (const [backend, url] of Object.entries(backends)) {
      for (const processes of [1, 2]) {
        const child = await start(url, processes);
        const offered = await runOffered(fake, mix, answered, OFFERED);
        const closed = await runLoad(fake, mix, answered, CLOSED);
        const line = (l: Load) => `${l.perSecond.toFixed(0)}/s, p50 ${ms(l.latency.p50)} ms, p99 ${ms(l.latency.p99)} ms (${l.latency.n} answered, ${l.failed} failed)`;
        say(`${backend}, ${processes} process(es): offered ${line(offered)}; ${CLOSED.concurrency} in flight ${line(closed)}`);
        rows.push({ backend, processes, offered, closed });
        if (backend === 'SQLite file' && processes === 2) swap = await measureSwap(child);
        await child.stop();
      }
    }
  } finally {
    await killAllChildren();
    await fake.close();
    for (const s of servers) await s.remove();
  }

  /** Offered load while a new model is written; both shards must log that they serve it. */
  async function measureSwap(child: AnirecChild) {
    const next = await loadAnirecModel(modelDir);
    (next.info as { trainedAt: string }).trainedAt = new Date().toISOString();
    const fingerprint = modelFingerprint(next);
    const samples: { sentAt: number; latencyMs: number; ok: boolean }[] = [];
    const inFlight: Promise<void>[] = [];
    let sending = true;
    const sender = (async () => {
      const started = performance.now();
      let sent = 0;
      while (sending) {
        const due = Math.floor(((performance.now() - started) / 1000) * SWAP_OFFERED_PER_SECOND);
        for (; sent < due; sent++) {
          const sentAt = performance.now();
          inFlight.push(
            mix(sent).then(
              (r) => void samples.push({ sentAt, latencyMs: r.latencyMs, ok: answered(r) }),
              () => void samples.push({ sentAt, latencyMs: performance.now() - sentAt, ok: false }),
            ),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const written = performance.now();
    await saveAnirecModel(next, modelDir);
    const serving = new RegExp(`now serving .*fingerprint ${fingerprint}`, 'g');
    while ((child.stderr().match(serving)?.length ?? 0) < 2 && performance.now() - written < 60_000) await new Promise((resolve) => setTimeout(resolve, 5));
    const allServing = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sending = false;
    await sender;
    await Promise.all(inFlight);
    const during = samples.filter((s) => s.sentAt + s.latencyMs >= written && s.sentAt <= allServing);
    const result = {
      longestMs: Math.max(...during.map((s) => s.latencyMs)),
      failed: samples.filter((s) => !s.ok).length,
      during: during.length,
      allServingMs: allServing - written,
    };
    say(`model swap, 2 shards, ${SWAP_OFFERED_PER_SECOND}/s offered: every shard serving the new model ${result.allServingMs.toFixed(0)} ms after it was written; longest of ${result.during} interactions meanwhile ${ms(result.longestMs)} ms; ${result.failed} failed`);
    return result;
  }

  const cell = (l: Load) => `${l.perSecond.toFixed(0)}/s, ${ms(l.latency.p50)} / ${ms(l.latency.p99)} ms${l.failed > 0 ? `, ${l.failed} failed` : ''}`;
  const table = [
    `Load average at start ${startLoad.toFixed(1)} (other work on the machine inflates p99s). Model from ${source} (${model.catalogue.anime.length.toLocaleString('en')} anime), \`npx tsx bench/scale.ts\`; ${cpus().length} cores, Node ${process.version}, loopback fake Discord, ${MEMBERS} members acting in guilds on both shards.`,
    '',
    `| store | processes | /rate + /recommend at ${OFFERED.perSecond.toLocaleString('en')}/s offered for ${OFFERED.seconds} s (answered, p50 / p99) | most answered, ${CLOSED.concurrency} in flight (p50 / p99) | target |`,
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.backend} | ${r.processes === 1 ? '1 (no sharding)' : `${r.processes} shards`} | ${cell(r.offered)} | ${cell(r.closed)} | ≥ 1,000/s, p99 < 50 ms |`),
    '',
    swap
      ? `Model swap (2 shards on the SQLite file, ${SWAP_OFFERED_PER_SECOND}/s offered): every shard served the new model ${(swap.allServingMs / 1000).toFixed(2)} s after the folder was written (watch settle 0.3 s + load); the longest of the ${swap.during} interactions answered meanwhile took ${ms(swap.longestMs)} ms; ${swap.failed} failed.`
      : '',
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'scale.md'), table);
  say('\n' + table);
}

main().then(
  () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(`bench scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await killAllChildren();
    process.exit(1);
  },
);
