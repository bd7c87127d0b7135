import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { describeError } from '../../../src/interfaces/messages.js';
import { chooseImportSource, LIST_DEFAULTS, resolveListUser } from '../../../src/data/lists/index.js';
import { parseRetryAfter } from '../../../src/data/lists/http.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return describeError(error);
  }
  throw new Error('accepted');
};

describe('chooseImportSource', () => {
  it('given exactly one source then it is chosen, the user name trimmed', () => {
    expect(chooseImportSource({ file: true, anilist: null, mal: null })).toEqual({ kind: 'file' });
    expect(chooseImportSource({ file: false, anilist: ' kana ', mal: null })).toEqual({ kind: 'list', list: 'anilist', user: 'kana' });
    expect(chooseImportSource({ file: false, anilist: '', mal: '@Josh_99' })).toEqual({ kind: 'list', list: 'mal', user: 'Josh_99' });
  });

  it('given none or several then one line says what to give', () => {
    expect(refusal(() => chooseImportSource({ file: false, anilist: null, mal: '  ' }))).toBe('import: give one source: anilist:<user>, mal:<user>, or file: with your MyAnimeList export');
    expect(refusal(() => chooseImportSource({ file: true, anilist: 'a1', mal: 'b2' }))).toBe('import: give one source at a time, not file and anilist and mal');
  });
});

describe('resolveListUser', () => {
  it('given names with slashes, spaces or query characters then they are refused before any request', () => {
    for (const bad of ['../admin', 'a b', 'x?y=1', 'a', 'a'.repeat(21), 'name%2F']) expect(() => resolveListUser('mal', bad)).toThrow(InvalidOptionError);
    expect(resolveListUser('anilist', 'Kana-chan_2')).toBe('Kana-chan_2');
  });
});

describe('parseRetryAfter', () => {
  it('given seconds, an HTTP date, or nothing usable then milliseconds or undefined', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 30_000)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 30_000)).toBe(0);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('LIST_DEFAULTS', () => {
  it('given production then a request waits 10 s, an import 30 s, and a list may hold 25,000 entries', () => {
    expect(LIST_DEFAULTS).toEqual({ timeoutMs: 10_000, budgetMs: 30_000, maxEntries: 25_000, maxBytes: 16 * 1024 * 1024 });
  });
});
