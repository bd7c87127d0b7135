/**
 * Picks for new members, chosen on validation people only. The users that `anirec eval` reports as new
 * people for any of REPORT_SEEDS are left out of everything here. The rest are cut into 5 folds of people;
 * each fold in turn is held out whole (80% of each person's rows as the fold-in profile, the rest as
 * targets, a hit being a target rated 8+ in the top 10), and every ranking is fitted on the other folds.
 * Prints Hit@10 per setting summed over the folds (paired: the same people for every setting).
 * Usage: npx tsx bench/newMembers.ts DATA_DIR [maxPeoplePerFold]
 * EXPLICIT=embedding,hybrid (or bayes) fixes the composite's explicit kinds (default: anirec train's).
 */
import { loadDataset } from '../src/data/dataset.js';
import { makeSplits } from '../src/data/splits.js';
import { WATCHED, type Splits } from '../src/data/types.js';
import { trainAnirecModel } from '../src/model/anirecModel.js';
import { judgedPeople, RankingTally } from '../src/model/hitAtK.js';
import { ImplicitModel } from '../src/model/implicit/index.js';
import { easeColumns, easeScores, fitEase } from '../src/model/itemItem/ease.js';
import { createRandom, shuffleInPlace } from '../src/random.js';

const REPORT_SEEDS = [42, 1, 2, 3, 4];
const FOLDS = 5;
const [dir = '../shared/data/mal-sample', maxPeopleArg] = process.argv.slice(2);
const maxPeople = maxPeopleArg ? Number(maxPeopleArg) : Infinity;
const only = (process.env.ONLY ?? '').split(',').filter(Boolean);
const dataset = await loadDataset(dir, { cacheDir: process.env.ANIREC_CACHE_DIR ?? '/tmp/wt18bcache' });
const { ratings } = dataset;
const nUsers = ratings.userIds.length;

const reported = new Uint8Array(nUsers);
for (const seed of REPORT_SEEDS) for (const u of makeSplits(ratings, { seed }).heldOutUsers) reported[u] = 1;
const explicitCount = new Uint32Array(nUsers);
for (let r = 0; r < ratings.count; r++) if (ratings.score[r] !== WATCHED) explicitCount[ratings.userIx[r]!]!++;
const eligible = Int32Array.from({ length: nUsers }, (_, u) => u).filter((u) => reported[u] === 0 && explicitCount[u]! >= 5);
const random = createRandom(7);
shuffleInPlace(eligible, random);
console.log(`${dir}: ${nUsers} users, ${[...reported].filter((x) => x).length} reported by eval seeds ${REPORT_SEEDS.join(',')} left out, ${eligible.length} validation candidates`);

function foldSplits(f: number): Splits {
  const fold = new Uint8Array(nUsers);
  const held: number[] = [];
  eligible.forEach((u, p) => {
    if (p % FOLDS === f && held.length < maxPeople) { fold[u] = 1; held.push(u); }
  });
  const train: number[] = [], validation: number[] = [], profile: number[] = [], target: number[] = [];
  const rowsOf = new Map<number, number[]>();
  for (let r = 0; r < ratings.count; r++) {
    const u = ratings.userIx[r]!;
    if (reported[u] === 1) continue;
    if (fold[u] === 1) { let l = rowsOf.get(u); if (!l) rowsOf.set(u, (l = [])); l.push(r); continue; }
    if (ratings.score[r] !== WATCHED && random() < 0.1) validation.push(r); else train.push(r);
  }
  for (const u of held) {
    const rows = shuffleInPlace(Uint32Array.from(rowsOf.get(u) ?? []), random);
    const nProfile = Math.min(rows.length - 1, Math.round(0.8 * rows.length));
    rows.forEach((r, k) => (k < nProfile ? profile : target).push(r));
  }
  return { seed: f, train: Uint32Array.from(train), validation: Uint32Array.from(validation), test: new Uint32Array(0), heldOutUsers: Int32Array.from(held).sort(), profile: Uint32Array.from(profile), target: Uint32Array.from(target) };
}

const tallies = new Map<string, RankingTally>();
const tally = (name: string) => { let t = tallies.get(name); if (!t) tallies.set(name, (t = new RankingTally(10))); return t; };
const want = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o));
const BETAS = [0, 0.05, 0.1, 0.2];
const LAMBDAS = (process.env.LAMBDAS ?? '10,30,100,300,1000').split(',').map(Number);
const WEIGHTS = [0.25, 0.5, 0.75, 1];
const IALS = JSON.parse(process.env.IALS ?? '[]') as Record<string, number>[];

const FOLDS_RUN = Number(process.env.FOLDS_RUN ?? FOLDS);
const EXPLICIT = process.env.EXPLICIT ? (process.env.EXPLICIT.split(',') as ('embedding' | 'hybrid' | 'bayes')[]) : undefined;
for (let f = 0; f < FOLDS_RUN; f++) {
  const splits = foldSplits(f);
  const data = { catalogue: dataset.catalogue, ratings, splits, nUsers };
  const t0 = performance.now();
  const model = await trainAnirecModel(dataset, { splits, fitOnAllRows: false, quiet: true, beta: 0.1, ...(EXPLICIT ? { explicitKinds: EXPLICIT } : {}) });
  const t1 = performance.now();
  const trainRows = Uint32Array.from([...splits.train, ...splits.validation]);
  const eases = [];
  for (const lambda of LAMBDAS) eases.push(await fitEase(ratings, trainRows, { lambda, maxItems: Number(process.env.MAX_ITEMS ?? 3000) }));
  const t2 = performance.now();
  const ials = [] as ImplicitModel[];
  for (const o of IALS) { const m = new ImplicitModel({ ...o, threads: 1 }); await m.fit({ ...data, splits: { ...splits, train: trainRows } }); ials.push(m); }
  console.log(`fold ${f}: ${splits.heldOutUsers.length} people, composite (${model.info.explicitModel}) ${((t1 - t0) / 1000).toFixed(1)} s, EASE ${LAMBDAS.length}x ${((t2 - t1) / 1000).toFixed(1)} s (${eases[0]!.items.length} anime)`);
  const n = ratings.nItems;
  const pref = new Float32Array(n), rating = new Float32Array(n), blended = new Float32Array(n), ease = new Float32Array(n), scratch = new Float32Array(n);
  const columns = eases.map(easeColumns);
  for (const { profile, relevant } of judgedPeople(ratings, splits.profile, splits.target, splits.heldOutUsers, 8)) {
    if (relevant.size === 0 || profile.itemIx.length === 0) continue;
    const person = model.foldIn(profile);
    model.scoreParts(person, pref, rating);
    tally('popularity').rank(model.popularity, profile.itemIx, relevant, scratch);
    for (const beta of BETAS) {
      for (let i = 0; i < n; i++) blended[i] = pref[i]! + beta * rating[i]!;
      tally(`composite beta=${beta}`).rank(blended, profile.itemIx, relevant, scratch);
    }
    eases.forEach((e, g) => {
      easeScores(e, columns[g]!, profile.itemIx, ease);
      let max = 0;
      for (let i = 0; i < n; i++) if (ease[i]! > max) max = ease[i]!;
      const scale = max > 0 ? 1 / max : 0;
      tally(`ease l=${e.lambda}`).rank(ease, profile.itemIx, relevant, scratch);
      if (!want('blend')) return;
      for (const w of WEIGHTS) for (const beta of BETAS) {
        for (let i = 0; i < n; i++) blended[i] = (1 - w) * pref[i]! + w * ease[i]! * scale + beta * rating[i]!;
        tally(`blend l=${e.lambda} w=${w} beta=${beta}`).rank(blended, profile.itemIx, relevant, scratch);
      }
    });
    ials.forEach((m, g) => {
      m.scoreItems(m.foldIn(profile), blended);
      tally(`ials ${JSON.stringify(IALS[g])}`).rank(blended, profile.itemIx, relevant, scratch);
    });
  }
  const lines = [...tallies].map(([name, t]) => [name, t.hitRate, t.users] as const).sort((a, b) => b[1] - a[1]);
  console.log(`after fold ${f}: ` + lines.slice(0, 8).map(([name, h]) => `${name} ${h.toFixed(3)}`).join(' | '));
}
for (const [name, t] of [...tallies].sort((a, b) => b[1].hitRate - a[1].hitRate)) console.log(`${t.hitRate.toFixed(4)}  ndcg ${(t.ndcg / t.users).toFixed(4)}  n=${t.users}  ${name}`);
