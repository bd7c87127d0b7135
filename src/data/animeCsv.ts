/** Parses anime.csv (anime_id,name,genre,type,episodes,rating,members) into Anime records, in file order. */
import type { Anime } from './types.js';
import { readCsvFile, RowProblem, type CsvReadResult } from './csvFile.js';
import { decodeHtmlEntities } from './htmlEntities.js';

export const ANIME_HEADER = ['anime_id', 'name', 'genre', 'type', 'episodes', 'rating', 'members'] as const;

export interface AnimeCsvOptions {
  skipMalformed?: boolean;
  onProgress?: (fraction: number) => void;
}

export interface AnimeCsv extends CsvReadResult {
  anime: Anime[];
}

const WHOLE = /^\d+$/;

function wholeNumber(column: string, text: string): number {
  const value = text.trim();
  if (!WHOLE.test(value)) throw new RowProblem(`${column} "${text}" is not a whole number`);
  const n = Number(value);
  if (n > 2_147_483_647) throw new RowProblem(`${column} ${value} is too large`);
  return n;
}

export async function readAnimeCsv(path: string, options: AnimeCsvOptions = {}): Promise<AnimeCsv> {
  const anime: Anime[] = [];
  const lineOfId = new Map<number, number>();
  const read = await readCsvFile(path, {
    header: ANIME_HEADER,
    skipMalformed: options.skipMalformed,
    onProgress: options.onProgress,
    onRow(fields, line) {
      if (fields.length !== ANIME_HEADER.length) {
        throw new RowProblem(`expected ${ANIME_HEADER.length} fields, found ${fields.length}`);
      }
      const [idText, nameText, genreText, typeText, episodesText, ratingText, membersText] = fields as [
        string, string, string, string, string, string, string,
      ];
      const animeId = wholeNumber('anime_id', idText);
      const firstLine = lineOfId.get(animeId);
      if (firstLine !== undefined) throw new RowProblem(`anime_id ${animeId} already appeared on line ${firstLine}`);
      const name = decodeHtmlEntities(nameText.trim());
      if (name === '') throw new RowProblem('name is empty');
      const episodesValue = episodesText.trim();
      const episodes = episodesValue === '' || episodesValue === 'Unknown' ? null : wholeNumber('episodes', episodesValue);
      const ratingValue = ratingText.trim();
      const malScore = ratingValue === '' ? null : Number(ratingValue);
      if (malScore !== null && !Number.isFinite(malScore)) throw new RowProblem(`rating "${ratingText}" is not a number`);
      const type = typeText.trim();
      lineOfId.set(animeId, line);
      anime.push({
        animeId,
        name,
        genres: genreText.split(',').map((g) => g.trim()).filter((g) => g !== ''),
        type: type === '' ? null : type,
        episodes,
        malScore,
        members: wholeNumber('members', membersText),
      });
    },
  });
  return { ...read, anime };
}
