/** Small data folders written by the tests themselves. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const ANIME_CSV = [
  'anime_id,name,genre,type,episodes,rating,members',
  '32281,Kimi no Na wa.,"Drama, Romance, School, Supernatural",Movie,1,9.37,200630',
  '28977,Gintama&#039;,"Action, Comedy, Sci-Fi",TV,51,9.25,114262',
  '9253,Steins;Gate,"Sci-Fi, Thriller",TV,24,9.17,673572',
  '10000,Tiger &amp; Bunny,,,Unknown,,5000',
  '20000,Caf&eacute; &#x41;&lt;3&gt; &quot;Q&quot; &bogus;,Comedy,OVA,,7.5,12',
].join('\r\n') + '\r\n';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'anirec-'));
}

/** A data folder with the given anime.csv and rating.csv text (rating gzipped when gz). */
export function writeDataDir(ratingCsv: string, options: { animeCsv?: string; gz?: boolean; dir?: string } = {}): string {
  const dir = options.dir ?? tempDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'anime.csv'), options.animeCsv ?? ANIME_CSV);
  if (options.gz) writeFileSync(join(dir, 'rating.csv.gz'), gzipSync(Buffer.from(ratingCsv)));
  else writeFileSync(join(dir, 'rating.csv'), ratingCsv);
  return dir;
}

/** rating.csv text from rows (header added). */
export function ratingCsv(...rows: string[]): string {
  return ['user_id,anime_id,rating', ...rows].join('\n') + '\n';
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
