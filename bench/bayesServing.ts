/**
 * What serving the Bayesian model costs a /recommend, against the embedding-served composite in the same
 * run: fold-in of 100 rows alone, and fold-in plus the top 10, p50/p99 over 2,000 requests. Both models
 * are the served pipeline (selection, fit on every row), saved and loaded back, with the kind fixed.
 * Usage: npx tsx bench/bayesServing.ts DATA_DIR [peer kind: hybrid | embedding]
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import { loadAnirecModel, saveAnirecModel, trainAnirecModel } from '../src/model/anirecModel.js';
import { createRandom } from '../src/random.js';

const [dataDir = '../shared/data/mal-sample', peer = 'hybrid'] = process.argv.slice(2);
const dataset = await loadDataset(dataDir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18cache' });
const work = mkdtempSync(join(tmpdir(), 'anirec-bayes-serving-'));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
try {
  for (const kind of ['bayes', peer] as const) {
    const trained = await trainAnirecModel(dataset, { quiet: true, explicitKinds: [kind as 'bayes' | 'hybrid' | 'embedding'], explicit: { threads: 1 } });
    await saveAnirecModel(trained, join(work, kind));
    const model = await loadAnirecModel(join(work, kind));
    const random = createRandom(1);
    const byCount = Array.from(model.popularity, (count, ix) => [count, ix] as const).filter(([count]) => count > 0).map(([, ix]) => ix);
    const people = Array.from({ length: 300 }, () => {
      const items = new Set<number>();
      while (items.size < 100) items.add(byCount[Math.floor(random() * byCount.length)]!);
      return { itemIx: Int32Array.from(items), score: Int8Array.from(items, () => 1 + Math.floor(random() * 10)) };
    });
    const foldIn: number[] = [];
    const request: number[] = [];
    for (let run = 0; run < 2000; run++) {
      const profile = people[run % people.length]!;
      const t0 = performance.now();
      const user = model.foldIn(profile);
      const t1 = performance.now();
      model.recommend(user, 10, { exclude: profile.itemIx });
      request.push(performance.now() - t0);
      foldIn.push(t1 - t0);
    }
    foldIn.sort((a, b) => a - b);
    request.sort((a, b) => a - b);
    console.log(`${kind.padEnd(9)} (served ${model.info.explicitModel}): fold-in of 100 rows p50 ${quantile(foldIn, 0.5).toFixed(3)} ms p99 ${quantile(foldIn, 0.99).toFixed(3)} ms; fold-in + top 10 p50 ${quantile(request, 0.5).toFixed(3)} ms p99 ${quantile(request, 0.99).toFixed(3)} ms; ${execSync('uptime').toString().trim()}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
