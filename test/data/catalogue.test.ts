import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueFromAnime, loadCatalogue } from '../../src/data/catalogue.js';
import { decodeHtmlEntities } from '../../src/data/htmlEntities.js';
import { ANIME_CSV, caught, tempDir } from './dataFixtures.js';

describe('loadCatalogue', () => {
  it('given anime.csv then the catalogue rebuilt from its JSON is the same (how the model folder stores it)', async () => {
    const file = join(tempDir(), 'anime.csv');
    writeFileSync(file, ANIME_CSV);
    const catalogue = await loadCatalogue(file);
    expect(catalogue.anime).toHaveLength(5);
    expect(catalogueFromAnime(JSON.parse(JSON.stringify(catalogue.anime)))).toEqual(catalogue);
  });

  it('given a missing file then DataMissingError says how to get it', async () => {
    const dir = tempDir();
    const error = await caught(loadCatalogue(join(dir, 'anime.csv')));
    expect(error.name).toBe('DataMissingError');
    expect(error.message).toContain(`${join(dir, 'anime.csv')} not found. Run \`anirec data --download --data ${dir}\``);
  });
});

describe('decodeHtmlEntities', () => {
  it.each([
    ['Gintama&#039;', "Gintama'"],
    ['Tiger &amp; Bunny', 'Tiger & Bunny'],
    ['&quot;Bungaku Shoujo&quot; Movie', '"Bungaku Shoujo" Movie'],
    ['&lt;3 &gt;', '<3 >'],
    ['&#x2606;&#9733;', '☆★'],
    ['&amp;amp;', '&amp;'],
    ['AT&T & &unknown; &#0; &#xD800;', 'AT&T & &unknown; &#0; &#xD800;'],
  ])('given %s then %s', (text, decoded) => {
    expect(decodeHtmlEntities(text)).toBe(decoded);
  });
});
