import { describe, expect, it } from 'vitest';
import { catalogueFromAnime } from '../../../src/data/catalogue.js';
import type { Anime } from '../../../src/data/types.js';
import { IdMaps } from '../../../src/model/composite/idMaps.js';

const anime = (animeId: number): Anime => ({ animeId, name: `a${animeId}`, genres: [], type: null, episodes: null, malScore: null, members: 0 });

describe('id maps', () => {
  it('given MyAnimeList ids then known ones map to dense indices and others to -1 / undefined', () => {
    let reads = 0;
    const maps = new IdMaps(() => (reads++, Int32Array.of(500, 7, 42)), catalogueFromAnime([anime(30), anime(1), anime(99)]));
    expect(reads).toBe(0);
    expect([500, 7, 42, 8].map((id) => maps.userIxOf(id))).toEqual([0, 1, 2, -1]);
    expect(reads).toBe(1);
    expect([30, 1, 99, 2].map((id) => maps.itemIxOf(id))).toEqual([0, 1, 2, undefined]);
  });
});
