/**
 * What the benchmarks that drive the fake Discord share: percentiles, the closed-loop and open-loop load
 * runners (latency = the fake's send -> visible answer), and the served model.
 */
import { resolve, join } from 'node:path';
import { loadAnirecModel, type AnirecModel } from '../../src/model/anirecModel.js';
import { trainDefaultModel } from '../../src/model/trainDefault.js';
import type { FakeDiscord, Reply } from '../../support/fakeDiscord.js';

export const say = (line: string) => process.stdout.write(line + '\n');

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Timing {
  p50: number;
  p99: number;
  n: number;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));


/** The served model: ANIREC_MODEL_DIR when it loads, else one trained on mal-sample into a temp folder. */
export async function prepareModel(root: string, work: string): Promise<{ modelDir: string; model: AnirecModel; source: string }> {
  const fromEnv = process.env.ANIREC_MODEL_DIR?.trim();
  if (fromEnv) {
    try {
      return { modelDir: resolve(fromEnv), model: await loadAnirecModel(resolve(fromEnv)), source: `ANIREC_MODEL_DIR (${fromEnv})` };
    } catch (error) {
      say(`ANIREC_MODEL_DIR=${fromEnv} does not load (${(error as Error).message}); training one on mal-sample`);
    }
  }
  const dataDir = resolve(root, process.env.ANIREC_SHARED_DATA ?? '../shared/data', 'mal-sample');
  const modelDir = join(work, 'model');
  const t0 = performance.now();
  await trainDefaultModel(dataDir, modelDir, { cacheDir: join(work, 'cache'), quiet: true });
  say(`trained a model on ${dataDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { modelDir, model: await loadAnirecModel(modelDir), source: 'mal-sample (trained for this run)' };
}

export interface Load {
  perSecond: number;
  latency: Timing;
  sent: number;
  failed: number;
}

/** Closed loop: `concurrency` interactions in flight, for `seconds` or `max` interactions. */
export async function runLoad(
  fake: FakeDiscord,
  next: (i: number) => Promise<Reply>,
  check: (r: Reply) => boolean,
  { concurrency, seconds: loadSeconds, max }: { concurrency: number; seconds: number; max: number },
): Promise<Load> {
  const latencies: number[] = [];
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + loadSeconds * 1000;
  const worker = async () => {
    while (sent < max && performance.now() < deadline) {
      const i = sent++;
      try {
        const reply = await next(i);
        if (check(reply)) latencies.push(reply.latencyMs);
        else failed++;
      } catch {
        failed++;
      }
      if (i % 2_000 === 0) fake.clearAnswered();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  fake.clearAnswered();
  return { perSecond: latencies.length / seconds, latency: summarise(latencies), sent, failed };
}

/** Open loop: sends at `perSecond` for `seconds`, whatever the answers do; reports the answered rate and latency. */
export async function runOffered(
  fake: FakeDiscord,
  next: (i: number) => Promise<Reply>,
  check: (r: Reply) => boolean,
  { perSecond, seconds }: { perSecond: number; seconds: number },
): Promise<Load> {
  const total = perSecond * seconds;
  const latencies: number[] = [];
  let failed = 0;
  let lastAnswer = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond));
    for (; sent < due; sent++) {
      inFlight.push(
        next(sent).then(
          (reply) => {
            lastAnswer = performance.now();
            if (check(reply)) latencies.push(reply.latencyMs);
            else failed++;
          },
          () => {
            failed++;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  fake.clearAnswered();
  return { perSecond: latencies.length / ((lastAnswer - started) / 1000), latency: summarise(latencies), sent, failed };
}

