/** How an anime of the catalogue reaches the interfaces: the catalogue entry plus its row and MyAnimeList link. */
import type { Anime, Catalogue } from '../data/types.js';

export interface AnimeView extends Pick<Anime, 'animeId' | 'name' | 'genres' | 'type' | 'episodes' | 'malScore' | 'englishNames' | 'aired' | 'picture'> {
  itemIx: number;
  url: string;
}

export function animeUrl(animeId: number): string {
  return `https://myanimelist.net/anime/${animeId}`;
}

export function animeView(catalogue: Catalogue, itemIx: number): AnimeView {
  const a: Anime = catalogue.anime[itemIx]!;
  return {
    itemIx,
    animeId: a.animeId,
    name: a.name,
    genres: a.genres,
    type: a.type,
    episodes: a.episodes,
    malScore: a.malScore,
    ...(a.englishNames !== undefined ? { englishNames: a.englishNames } : {}),
    ...(a.aired !== undefined ? { aired: a.aired } : {}),
    ...(a.picture !== undefined ? { picture: a.picture } : {}),
    url: animeUrl(a.animeId),
  };
}

/** Cuts text to `max` characters with an ellipsis (Discord's choice names stop at 100). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
