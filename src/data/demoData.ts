/**
 * The demo set shipped in the repository (`demo/`): the real MyAnimeList sample of the CooperUnion data
 * (CC0) compressed, so a fresh clone trains and serves a model with no download and no keys. Found by
 * walking up from this module, so it is the same folder from `src/` (tsx) and from `dist/src/` (npm start).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = join('demo', 'rating.csv.gz');

/** What every "serving the demo" line says after the model's name. */
export const DEMO_HINT =
  'For the full 7.8 M ratings, put the Kaggle files in ./data (`npm run anirec -- data --download`, or see docs/data.md), then start again.';

/** The folder holding the demo set, or undefined in an install that does not carry it. */
export function findDemoDataDir(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(join(dir, MARKER))) return join(dir, 'demo');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
