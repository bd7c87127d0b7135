import { describe, expect, it } from 'vitest';
import { WATCHED } from '../../src/data/types.js';
import { applyImport, disown, type ImportBook } from '../../src/service/applyImport.js';

const knows = (id: number) => id < 2000;

describe('applyImport', () => {
  it('given a first import then known anime are set and recorded for the source, unknown ones returned', () => {
    const ratings: Record<string, number> = { '1500': 3 };
    const book: ImportBook = {};
    const result = applyImport(ratings, book, 'anilist', [{ animeId: 1000, score: 8 }, { animeId: 1001, score: WATCHED }, { animeId: 5000, score: 9, title: 'New' }], knows);
    expect(result).toEqual({ rated: 1, watched: 1, removed: 0, unknown: [{ animeId: 5000, score: 9, title: 'New' }] });
    expect(ratings).toEqual({ '1000': 8, '1001': WATCHED, '1500': 3 });
    expect(book).toEqual({ anilist: [1000, 1001] });
  });

  it('given a re-import then what the source set and dropped goes, unless another source lists it or the member rated it by hand', () => {
    const ratings: Record<string, number> = { '1000': 8, '1001': 7, '1002': 6, '1003': 2 };
    const book: ImportBook = { anilist: [1000, 1001, 1002, 1003], mal: [1002] };
    disown(book, 1003); // rated by hand since
    expect(book).toEqual({ anilist: [1000, 1001, 1002], mal: [1002] });
    const result = applyImport(ratings, book, 'anilist', [{ animeId: 1000, score: 5 }], knows);
    expect(result).toEqual({ rated: 1, watched: 0, removed: 1, unknown: [] });
    expect(ratings).toEqual({ '1000': 5, '1002': 6, '1003': 2 });
    expect(book).toEqual({ anilist: [1000], mal: [1002] });
  });

  it('given the same change applied twice to fresh copies then the same outcome (the store may retry it)', () => {
    const stored = { ratings: { '1000': 8 } as Record<string, number>, book: { anilist: [1000] } as ImportBook };
    const once = () => {
      const ratings = { ...stored.ratings };
      const book = { ...stored.book };
      return { result: applyImport(ratings, book, 'anilist', [{ animeId: 1001, score: 4 }], knows), ratings, book };
    };
    expect(once()).toEqual(once());
    expect(stored).toEqual({ ratings: { '1000': 8 }, book: { anilist: [1000] } });
  });
});
