/**
 * Tunes the composite's beta without touching the test targets: known users stand in for new people.
 * Each chosen known user is folded in from their training rows (the same foldIn the bot uses) and judged
 * on their validation anime rated 8 or more (Hit@10: at least one of them in the top 10, profile excluded).
 */
import type { TrainingData } from './recommender.js';
import type { AnirecComposite } from './anirecComposite.js';

export const BETA_GRID = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1] as const;

export interface BlendTuning {
  beta: number;
  users: number;
  /** Hit@10 per beta, and of plain popularity, on the same validation users. */
  hitByBeta: Record<string, number>;
  popularityHit: number;
}

/** Whether any of the top-k items of scores (skipping excluded) is a target. */
export function hitsTopK(scores: Float32Array, k: number, excluded: Set<number>, targets: Set<number>): boolean {
  // A partial selection: the k best non-excluded scores.
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (excluded.has(i)) continue;
    const s = scores[i]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && scores[best[at - 1]!]! < s) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best.some((i) => targets.has(i));
}

export function tuneBlend(model: AnirecComposite, data: TrainingData, options: { maxUsers?: number; grid?: readonly number[] } = {}): BlendTuning {
  const { ratings, splits } = data;
  const grid = options.grid ?? BETA_GRID;
  const maxUsers = options.maxUsers ?? 1500;
  const targets = new Map<number, Set<number>>();
  for (const row of splits.validation) {
    if (ratings.score[row]! < 8) continue;
    const u = ratings.userIx[row]!;
    let set = targets.get(u);
    if (!set) targets.set(u, (set = new Set()));
    set.add(ratings.itemIx[row]!);
  }
  const chosen = [...targets.keys()].sort((a, b) => a - b);
  const step = Math.max(1, chosen.length / maxUsers);
  const users = new Set<number>();
  for (let p = 0; p < chosen.length && users.size < maxUsers; p += step) users.add(chosen[Math.floor(p)]!);

  const profiles = new Map<number, { itemIx: number[]; score: number[] }>();
  for (const row of splits.train) {
    const u = ratings.userIx[row]!;
    if (!users.has(u)) continue;
    let p = profiles.get(u);
    if (!p) profiles.set(u, (p = { itemIx: [], score: [] }));
    p.itemIx.push(ratings.itemIx[row]!);
    p.score.push(ratings.score[row]!);
  }

  const nItems = model.catalogue.anime.length;
  const preference = new Float32Array(nItems);
  const rating = new Float32Array(nItems);
  const blended = new Float32Array(nItems);
  const hits = grid.map(() => 0);
  let popularityHits = 0;
  let judged = 0;
  for (const u of users) {
    const p = profiles.get(u);
    if (!p) continue;
    const profile = { itemIx: Int32Array.from(p.itemIx), score: Int8Array.from(p.score) };
    const person = model.foldIn(profile);
    if (person.fallback !== undefined) continue;
    const excluded = new Set(p.itemIx);
    const wanted = targets.get(u)!;
    model.scoreParts(person, preference, rating);
    grid.forEach((beta, g) => {
      for (let i = 0; i < nItems; i++) blended[i] = preference[i]! + beta * rating[i]!;
      if (hitsTopK(blended, 10, excluded, wanted)) hits[g]!++;
    });
    if (hitsTopK(model.popularity, 10, excluded, wanted)) popularityHits++;
    judged++;
  }
  const rate = (h: number) => (judged > 0 ? h / judged : 0);
  let bestG = 0;
  // Ties go to the smaller beta (first in the grid).
  grid.forEach((_, g) => {
    if (hits[g]! > hits[bestG]!) bestG = g;
  });
  return {
    beta: grid[bestG]!,
    users: judged,
    hitByBeta: Object.fromEntries(grid.map((beta, g) => [String(beta), rate(hits[g]!)])),
    popularityHit: rate(popularityHits),
  };
}
