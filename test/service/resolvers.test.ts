import { describe, expect, it } from 'vitest';
import { buildTitleIndex } from '../../src/data/titles.js';
import { InvalidOptionError, UnknownTitleError } from '../../src/errors.js';
import { describeError } from '../../src/interfaces/messages.js';
import { resolveAnime, resolveCount, resolveGenre, resolveScore, resolveType } from '../../src/service/resolvers.js';
import { makePlanted } from '../../support/planted.js';

const { catalogue } = makePlanted({ users: 10, anime: 40, groups: 4 });
const titles = buildTitleIndex(catalogue);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return describeError(error);
  }
  throw new Error('expected an error');
}

describe('resolveScore', () => {
  it('given whole numbers 1-10 as text or number then the number', () => {
    expect(resolveScore('9')).toBe(9);
    expect(resolveScore(1)).toBe(1);
    expect(resolveScore(' 10 ')).toBe(10);
  });

  it('given anything else then InvalidOptionError naming score', () => {
    expect(message(() => resolveScore('11'))).toBe('score: 11 is not a whole number from 1 to 10');
    expect(message(() => resolveScore('7.5'))).toBe('score: "7.5" is not a whole number from 1 to 10');
    expect(message(() => resolveScore(undefined))).toBe('score: "" is not a whole number from 1 to 10');
  });
});

describe('resolveCount', () => {
  it('given nothing then the default 10; given 1-25 then that', () => {
    expect(resolveCount(null)).toBe(10);
    expect(resolveCount(undefined, 5)).toBe(5);
    expect(resolveCount('25')).toBe(25);
  });

  it('given 0 or 26 then InvalidOptionError', () => {
    expect(message(() => resolveCount(0))).toBe('count: 0 is not a whole number from 1 to 25');
    expect(() => resolveCount('26')).toThrow(InvalidOptionError);
  });
});

describe('resolveAnime', () => {
  it('given an autocomplete value (anime id) then its itemIx', () => {
    expect(resolveAnime(titles, catalogue, '1005')).toBe(5);
  });

  it('given a typed title then the title index resolves it', () => {
    expect(resolveAnime(titles, catalogue, 'comedy story 2')).toBe(5);
  });

  it('given nothing then InvalidOptionError; given no such title then the title index says so', () => {
    expect(message(() => resolveAnime(titles, catalogue, '  '))).toBe('anime: type the title of an anime');
    expect(() => resolveAnime(titles, catalogue, 'Zyzzyva Quux')).toThrow(UnknownTitleError);
    // An id we do not know is a title like any other.
    expect(() => resolveAnime(titles, catalogue, '424242')).toThrow(UnknownTitleError);
  });
});

describe('resolveGenre and resolveType', () => {
  it('given any case then the vocabulary index; given nothing then undefined', () => {
    expect(resolveGenre(catalogue, 'DRAMA')).toBe(catalogue.genreNames.indexOf('Drama'));
    expect(resolveGenre(catalogue, undefined)).toBeUndefined();
    expect(resolveType(catalogue, 'movie')).toBe(catalogue.typeNames.indexOf('Movie'));
  });

  it('given an unknown one then the message names it and suggests close ones', () => {
    expect(message(() => resolveGenre(catalogue, 'Actoin'))).toBe('genre: there is no genre "Actoin"; did you mean "Action"?');
    expect(message(() => resolveType(catalogue, 'Series'))).toBe('type: there is no type "Series"');
  });
});
