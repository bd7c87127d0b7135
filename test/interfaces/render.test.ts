import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.js';
import {
  LIMITS,
  escapeMarkdown,
  renderError,
  renderRated,
  renderRatingsPage,
  renderRecommendations,
  renderSeasonal,
  renderText,
  type EmbedView,
} from '../../src/interfaces/render.js';
import type { AnimeView, RecommendResult } from '../../src/service/index.js';
import type { Season } from '../../src/service/seasons.js';

function anime(itemIx: number, name: string): AnimeView {
  return { itemIx, animeId: 9000 + itemIx, name, genres: ['Sci-Fi', 'Thriller'], type: 'TV', episodes: 24, malScore: 9.17, url: `https://myanimelist.net/anime/${9000 + itemIx}` };
}

function embedSize(e: EmbedView): number {
  return e.title.length + (e.description?.length ?? 0) + (e.footer?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

describe('renderRecommendations', () => {
  it('given personalised picks then one embed: facts linked to MyAnimeList and the reason', () => {
    const result: RecommendResult = { picks: [{ anime: anime(1, 'Steins;Gate'), score: 1, because: [anime(2, 'Clannad')] }], personalised: true };
    const view = renderRecommendations(result);
    expect(view.embeds).toEqual([
      {
        title: 'Picked for you',
        fields: [{ name: '1. Steins;Gate', value: '[TV · 24 eps · MAL 9.17 · Sci-Fi, Thriller](https://myanimelist.net/anime/9001)\n_because you liked Clannad_' }],
      },
    ]);
    expect(renderText(view)).toBe('== Picked for you ==\n1. Steins;Gate\n   TV · 24 eps · MAL 9.17 · Sci-Fi, Thriller <https://myanimelist.net/anime/9001>\n   because you liked Clannad');
  });

  it('given a member with no ratings then popular picks and a hint to use /rate', () => {
    const view = renderRecommendations({ picks: [{ anime: anime(1, 'A'), score: 5, because: [] }], personalised: false, genre: 'Comedy' });
    expect(view.embeds![0]!.title).toBe('Popular picks (Comedy)');
    expect(view.embeds![0]!.description).toBe('You have not rated anything yet, so these are popular picks. Use /rate to get picks of your own.');
  });

  it('given 25 picks with very long titles then the embed stays inside Discord limits', () => {
    const long = 'L'.repeat(400);
    const picks = Array.from({ length: 25 }, (_, i) => ({ anime: anime(i, long), score: 1, because: [anime(99, long)] }));
    const embed = renderRecommendations({ picks, personalised: true }).embeds![0]!;
    expect(embedSize(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
    for (const f of embed.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  });
});

describe('other replies', () => {
  it('given a re-rating then the confirmation names the old score; markdown in titles is escaped', () => {
    expect(renderRated({ anime: anime(1, '*Kimi_ni*'), score: 9, previous: 7, ratedCount: 3 })).toEqual({
      content: 'Saved: **\\*Kimi\\_ni\\*** 9/10 (was 7/10). You have rated 3 anime.',
      ephemeral: true,
    });
    expect(escapeMarkdown('a_b')).toBe('a\\_b');
  });

  it('given page 2 of 3 then both buttons carry the member and the target page', () => {
    const view = renderRatingsPage('123', { entries: [{ animeId: 1, name: 'A', url: 'u', score: -1 }], page: 2, pages: 3, total: 21 });
    expect(view.buttons).toEqual([
      { customId: 'ratings:123:1', label: 'Previous', style: 'secondary', disabled: false },
      { customId: 'ratings:123:3', label: 'Next', style: 'secondary', disabled: false },
    ]);
    expect(renderText(view)).toBe('== Your ratings ==\nwatched · A <u>\n(Page 2/3 · 21 anime)');
  });

  it('given an error then the one line from messages.ts, ephemeral', () => {
    expect(renderError(new RateLimitedError(1500))).toEqual({ content: 'Easy there! Try again in 2 s.', ephemeral: true });
    expect(renderError(new Error('secret internals'))).toEqual({ content: 'something went wrong on our side; the details are in the log', ephemeral: true });
  });
});

describe('button ids', () => {
  it('given an owner id with colons then the command, the whole owner and the argument come back', async () => {
    const { parseButtonId } = await import('../../src/interfaces/runCommand.js');
    const { forgetId } = await import('../../src/interfaces/render.js');
    expect(parseButtonId(forgetId('console:alice', 'confirm'))).toEqual({ name: 'forget-me', args: ['console:alice', 'confirm'] });
    expect(parseButtonId(forgetId('123456789012345678', 'cancel'))).toEqual({ name: 'forget-me', args: ['123456789012345678', 'cancel'] });
    expect(parseButtonId('ratings:2')).toEqual({ name: 'ratings', args: ['2'] });
    expect(parseButtonId('plain')).toEqual({ name: 'plain', args: [] });
  });
});

describe('covers and the end of the catalogue', () => {
  it('given picks where the first with a cover is the second then the embed shows that cover', () => {
    const covered = { ...anime(2, 'Frieren'), picture: 'https://img.example/frieren.jpg' };
    const view = renderRecommendations({ picks: [{ anime: anime(1, 'A'), score: 1, because: [] }, { anime: covered, score: 0.9, because: [] }], personalised: true });
    expect(view.embeds![0]!.thumbnail).toBe('https://img.example/frieren.jpg');
  });

  it('given a cover that is not https then no thumbnail is sent', () => {
    const view = renderRecommendations({ picks: [{ anime: { ...anime(1, 'A'), picture: 'javascript:alert(1)' }, score: 1, because: [] }], personalised: true });
    expect(view.embeds![0]!.thumbnail).toBeUndefined();
  });

  it('given a season past the end of the catalogue then one line says where it ends and what to run', () => {
    const fall: Season = { name: 'fall', year: 2026, from: '2026-10-01', to: '2026-12-31' };
    const summer: Season = { name: 'summer', year: 2026, from: '2026-07-01', to: '2026-09-30' };
    const view = renderSeasonal({ season: fall, picks: [], total: 0, personalised: false, catalogueEnds: summer });
    expect(view.content).toBe('No anime in the catalogue first aired in Fall 2026: the catalogue ends at Summer 2026. Run `anirec catalogue --update` to fetch newer seasons from AniList.');
  });
});
