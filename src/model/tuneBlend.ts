/**
 * Tunes the composite's beta without touching the test targets: known users stand in for new people.
 * Each chosen known user is folded in from their training rows (the same foldIn the bot uses) and judged
 * on their validation anime rated 8 or more (Hit@10: at least one of them in the top 10, profile excluded).
 */
import type { TrainingData } from './types.js';
import type { AnirecComposite } from './anirecComposite.js';
import { judgedPeople, RankingTally, usersWithRelevant } from './hitAtK.js';

// The shared Hit@k of tests and tuning, re-exported where the tests have always imported it.
export { hitsTopK } from './hitAtK.js';

const TOP_K = 10;
const RELEVANT_MIN = 8;

export const BETA_GRID = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1] as const;

export interface BlendTuning {
  beta: number;
  users: number;
  /** Hit@10 per beta, and of plain popularity, on the same validation users. */
  hitByBeta: Record<string, number>;
  popularityHit: number;
}

export function tuneBlend(model: AnirecComposite, data: TrainingData, options: { maxUsers?: number; grid?: readonly number[] } = {}): BlendTuning {
  const { ratings, splits } = data;
  const grid = options.grid ?? BETA_GRID;
  const maxUsers = options.maxUsers ?? 1500;
  const chosen = usersWithRelevant(ratings, splits.validation, RELEVANT_MIN);
  const step = Math.max(1, chosen.length / maxUsers);
  const users = new Set<number>();
  for (let p = 0; p < chosen.length && users.size < maxUsers; p += step) users.add(chosen[Math.floor(p)]!);

  const nItems = model.catalogue.anime.length;
  const preference = new Float32Array(nItems);
  const rating = new Float32Array(nItems);
  const blended = new Float32Array(nItems);
  const byBeta = grid.map(() => new RankingTally(TOP_K));
  const popular = new RankingTally(TOP_K);
  for (const { profile, relevant } of judgedPeople(ratings, splits.train, splits.validation, [...users], RELEVANT_MIN)) {
    if (profile.itemIx.length === 0) continue;
    const person = model.foldIn(profile);
    if (person.fallback !== undefined) continue;
    model.scoreParts(person, preference, rating);
    grid.forEach((beta, g) => {
      for (let i = 0; i < nItems; i++) blended[i] = preference[i]! + beta * rating[i]!;
      byBeta[g]!.rank(blended, profile.itemIx, relevant);
    });
    popular.rank(model.popularity, profile.itemIx, relevant, blended);
  }
  const judged = popular.users;
  const hits = byBeta.map((t) => t.hits);
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
    popularityHit: popular.hitRate,
  };
}
