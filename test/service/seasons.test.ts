import { describe, expect, it } from 'vitest';
import { makeSeason, parseSeason, seasonLabel, seasonOf } from '../../src/service/seasons.js';
import { InvalidOptionError } from '../../src/errors.js';

describe('seasons', () => {
  const now = new Date('2026-12-01T22:00:00Z');

  it('given a season then it spans its months, premieres of the last two weeks before it included', () => {
    expect(makeSeason('fall', 2023)).toEqual({ name: 'fall', year: 2023, from: '2023-09-17', to: '2023-12-17' });
    expect(makeSeason('winter', 2026)).toMatchObject({ from: '2025-12-18', to: '2026-03-17' });
    // Frieren (first aired 2023-09-29) is a Fall 2023 anime.
    const fall = makeSeason('fall', 2023);
    expect('2023-09-29' >= fall.from && '2023-09-29' <= fall.to).toBe(true);
  });

  it('given text then the season it names, this one by default', () => {
    expect(seasonOf(now)).toMatchObject({ name: 'fall', year: 2026 });
    expect(parseSeason('', now)).toMatchObject({ name: 'fall', year: 2026 });
    expect(parseSeason('winter 2026', now)).toMatchObject({ name: 'winter', year: 2026 });
    expect(parseSeason('2024 Autumn', now)).toMatchObject({ name: 'fall', year: 2024 });
    expect(parseSeason('spring', now)).toMatchObject({ name: 'spring', year: 2026 });
    expect(parseSeason('next', now)).toMatchObject({ name: 'winter', year: 2027 });
    expect(parseSeason('previous', now)).toMatchObject({ name: 'summer', year: 2026 });
    expect(seasonLabel(parseSeason('winter 2026', now))).toBe('Winter 2026');
  });

  it('given words that are not a season then the error says what is accepted', () => {
    expect(() => parseSeason('someday', now)).toThrow(InvalidOptionError);
    expect(() => parseSeason('winter summer', now)).toThrow(/winter 2026/);
  });
});
