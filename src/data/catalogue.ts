/** The catalogue: anime.csv in row order (itemIx), with its genre and type vocabularies. */
import type { Anime, Catalogue } from './types.js';
import { readAnimeCsv, type AnimeCsvOptions } from './animeCsv.js';
import { requireFile } from './dataFiles.js';
import { dirname, resolve } from 'node:path';

/** Builds the indexed catalogue from anime records (itemIx = position in the array). */
export function catalogueFromAnime(anime: Anime[]): Catalogue {
  const genreNames = [...new Set(anime.flatMap((a) => a.genres))].sort();
  const typeNames = [...new Set(anime.map((a) => a.type).filter((t): t is string => t !== null))].sort();
  if (typeNames.length > 127) throw new RangeError(`too many anime types (${typeNames.length}) for an Int8Array`);
  const genreOf = new Map(genreNames.map((g, i) => [g, i]));
  const typeOf = new Map(typeNames.map((t, i) => [t, i]));
  const ixByAnimeId = new Map<number, number>();
  anime.forEach((a, ix) => {
    if (!ixByAnimeId.has(a.animeId)) ixByAnimeId.set(a.animeId, ix);
  });
  return {
    anime,
    ixByAnimeId,
    genreNames,
    genreIx: anime.map((a) => Uint16Array.from(a.genres.map((g) => genreOf.get(g)!))),
    typeNames,
    typeIx: Int8Array.from(anime.map((a) => (a.type === null ? -1 : typeOf.get(a.type)!))),
  };
}

/** Reads and indexes anime.csv. Malformed rows fail the load unless options.skipMalformed. */
export async function loadCatalogue(file: string, options: AnimeCsvOptions = {}): Promise<Catalogue> {
  requireFile(resolve(file), dirname(resolve(file)));
  return catalogueFromAnime((await readAnimeCsv(file, options)).anime);
}
