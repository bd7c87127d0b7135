/**
 * loadDataset: anime.csv + rating.csv(.gz) of a folder -> Dataset, from the binary cache when the source
 * files are unchanged. Nothing is cached unless the whole load succeeded.
 */
import { basename, resolve } from 'node:path';
import type { Dataset, IngestReport } from './types.js';
import { catalogueFromAnime } from './catalogue.js';
import { readAnimeCsv } from './animeCsv.js';
import { readRatingCsv } from './ratingCsv.js';
import { locateDataFiles } from './dataFiles.js';
import { cacheEntryPath, fingerprintFiles, readCacheEntry, writeCacheEntry, type CachedReport } from './cache.js';
import { MALFORMED_EXAMPLES } from './csvFile.js';

export interface LoadDatasetOptions {
  /** Cache folder; default ANIREC_CACHE_DIR, else ./data/.cache. */
  cacheDir?: string;
  /** false: neither read nor write the cache. Default true. */
  cache?: boolean;
  /** Skip (and count) malformed rows instead of failing on the first one. */
  skipMalformed?: boolean;
  onProgress?: (fraction: number) => void;
  /** false: read rating.csv with csv-parse only, never the byte scanner (benchmarks, tests). Default true. */
  fastPath?: boolean;
  /** Told when the cache could not be written (the load itself still succeeds). */
  onCacheWriteError?: (error: unknown) => void;
}

/** The cache folder used when none is given. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.ANIREC_CACHE_DIR?.trim();
  return resolve(fromEnv ? fromEnv : 'data/.cache');
}

// anime.csv is about 4% of the work of a full load.
const ANIME_SHARE = 0.04;

export async function loadDataset(dir: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const started = performance.now();
  const files = locateDataFiles(dir);
  const fingerprint = await fingerprintFiles([files.animeFile, files.ratingFile]);
  const useCache = options.cache !== false;
  const entryPath = cacheEntryPath(options.cacheDir ?? defaultCacheDir(), files.dir);

  if (useCache) {
    const entry = await readCacheEntry(entryPath, fingerprint);
    // An entry built by skipping malformed rows must not let a strict load pass.
    if (entry && (entry.report.malformed === 0 || options.skipMalformed)) {
      options.onProgress?.(1);
      return {
        dir: files.dir,
        catalogue: catalogueFromAnime(entry.anime),
        ratings: entry.ratings,
        report: { ...entry.report, fromCache: true, seconds: (performance.now() - started) / 1000 },
        fingerprint,
      };
    }
  }

  const progress = options.onProgress;
  const animeCsv = await readAnimeCsv(files.animeFile, {
    skipMalformed: options.skipMalformed,
    onProgress: progress && ((f) => progress(f * ANIME_SHARE)),
  });
  const catalogue = catalogueFromAnime(animeCsv.anime);
  const ratingCsv = await readRatingCsv(files.ratingFile, catalogue, {
    skipMalformed: options.skipMalformed,
    fastPath: options.fastPath,
    onProgress: progress && ((f) => progress(ANIME_SHARE + f * (1 - ANIME_SHARE))),
  });
  const { ratings } = ratingCsv;
  let watched = 0;
  for (let r = 0; r < ratings.count; r++) if (ratings.score[r] === -1) watched++;

  const cached: CachedReport = {
    animeFile: basename(files.animeFile),
    ratingFile: basename(files.ratingFile),
    anime: catalogue.anime.length,
    rows: ratingCsv.rows,
    users: ratings.userIds.length,
    explicit: ratings.count - watched,
    watched,
    duplicates: ratingCsv.duplicates,
    droppedUnknownAnime: ratingCsv.droppedUnknownAnime,
    malformed: animeCsv.malformed + ratingCsv.malformed,
    malformedExamples: [...animeCsv.malformedExamples, ...ratingCsv.malformedExamples].slice(0, MALFORMED_EXAMPLES),
  };
  if (useCache) {
    await writeCacheEntry(entryPath, fingerprint, { anime: catalogue.anime, ratings, report: cached }).catch(
      (error: unknown) => options.onCacheWriteError?.(error),
    );
  }
  const report: IngestReport = { ...cached, fromCache: false, seconds: (performance.now() - started) / 1000 };
  return { dir: files.dir, catalogue, ratings, report, fingerprint };
}
