/**
 * What the item-item (EASE) share costs a /recommend: fold-in of 100 rows plus the top 10, p50/p99 over
 * many people, on a saved model (`anirec train --out DIR` first). Peer, in the same run: the same model
 * with the share set to 0 (WRMF and the explicit model alone, as before issue #18).
 * Usage: npx tsx bench/easeServing.ts MODEL_DIR
 */
import { loadAnirecModel } from '../src/model/anirecModel.js';
import { createRandom } from '../src/random.js';

const [dir = '/tmp/anirec-model'] = process.argv.slice(2);
const model = await loadAnirecModel(dir);
const nItems = model.catalogue.anime.length;
const random = createRandom(1);
const byCount = Array.from(model.popularity, (count, ix) => [count, ix] as const).filter(([count]) => count > 0).map(([, ix]) => ix);
const people = Array.from({ length: 300 }, () => {
  const items = new Set<number>();
  while (items.size < 100) items.add(byCount[Math.floor(random() * byCount.length)]!);
  return { itemIx: Int32Array.from(items), score: Int8Array.from(items, () => 1 + Math.floor(random() * 10)) };
});
const weight = model.blend.easeWeight;
for (const [name, w] of [['with EASE', weight], ['without (peer)', 0]] as const) {
  model.blend = { ...model.blend, easeWeight: w };
  const times: number[] = [];
  for (let run = 0; run < 2000; run++) {
    const profile = people[run % people.length]!;
    const t0 = performance.now();
    model.recommend(model.foldIn(profile), 10, { exclude: profile.itemIx });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  console.log(`${name} (w ${w}, ${model.ease?.items.length ?? 0} EASE anime of ${nItems}): fold-in + top 10 of 100 rows p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
}
