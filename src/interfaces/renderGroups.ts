/**
 * Replies of the commands members use together (/affinity, /twins, /watch-party, /server-top, /privacy),
 * free of discord.js like render.ts. Members are named through `label` (a mention on Discord, which
 * never pings, the local name in the console).
 */
import type { AffinityFigure } from '../service/groups/affinityMaths.js';
import { MAL_MIN_SHARED } from '../service/groups/affinityMaths.js';
import type { AffinityResult, ServerTopResult, TwinsResult, WatchPartyResult } from '../service/groups/index.js';
import { escapeMarkdown, fitEmbed, LIMITS, pickField, truncate, type ReplyView } from './render.js';
import type { AnimeView } from '../service/index.js';

type Label = (memberId: string) => string;

const link = (anime: AnimeView) => `[${escapeMarkdown(truncate(anime.name, 120))}](${anime.url})`;
const score1 = (x: number) => Math.min(10, Math.max(1, x)).toFixed(1);

/** "74.5%" for MAL's figure, "~62%" for the model's estimate. */
export function figureText(figure: AffinityFigure): string {
  return figure.kind === 'mal' ? `${figure.value.toFixed(1)}%` : `~${Math.round(figure.value)}%`;
}

function figureSource(figure: AffinityFigure): string {
  return figure.kind === 'mal'
    ? `MyAnimeList's figure: the correlation of the ${figure.shared} scores you both gave`
    : `an estimate from the model's picture of your tastes (${figure.shared} anime scored in common; MyAnimeList's figure needs ${MAL_MIN_SHARED})`;
}

export function renderAffinity(result: AffinityResult, other: string): ReplyView {
  if (result.figure === undefined) {
    return { content: `I cannot compare you with ${other} yet: both of you need a few ratings first (/rate or /import).`, ephemeral: true };
  }
  const lines = [`**${figureText(result.figure)}**: ${figureSource(result.figure)}.`];
  if (result.loves.length > 0) lines.push('', `**Both loved:** ${result.loves.map(link).join(', ')}`);
  if (result.disagreement !== undefined) {
    const d = result.disagreement;
    lines.push('', `**Most apart on:** ${link(d.anime)} (you ${d.mine}/10, them ${d.theirs}/10)`);
  }
  return { embeds: [fitEmbed({ title: 'Taste affinity', description: `With ${other}\n\n${lines.join('\n')}` })] };
}

export function renderTwins(result: TwinsResult, label: Label): ReplyView {
  if (result.twins.length === 0) {
    return {
      content:
        result.compared === 0
          ? 'Nobody to compare you with yet: taste twins come from members of this server who use anirec and have ratings (you need some too: /rate).'
          : 'No taste twins found yet.',
      ephemeral: true,
    };
  }
  const lines = result.twins.map((t, i) => {
    const favourite = t.favourite === undefined ? '' : ` · shared favourite ${link(t.favourite)}`;
    return `${i + 1}. ${label(t.memberId)} · **${figureText(t.figure)}**${t.figure.kind === 'mal' ? ` (${t.figure.shared} shared scores)` : ' (estimate)'}${favourite}`;
  });
  return {
    embeds: [
      fitEmbed({
        title: 'Your taste twins in this server',
        description: truncate(lines.join('\n'), LIMITS.description),
        footer: `Compared with ${result.compared} member${result.compared === 1 ? '' : 's'}. % = MyAnimeList's affinity from ${MAL_MIN_SHARED} shared scores; ~ = the model's estimate.`,
      }),
    ],
  };
}

export function renderWatchParty(result: WatchPartyResult, label: Label): ReplyView {
  const noRatings = result.leftOut.filter((l) => l.reason === 'no_ratings').map((l) => label(l.memberId));
  const notHere = result.leftOut.filter((l) => l.reason === 'not_here').map((l) => label(l.memberId));
  const notes = [
    noRatings.length > 0 ? `Left out (no ratings yet, try /rate): ${noRatings.join(', ')}.` : '',
    // The same words for everyone unlisted, whatever the reason: who opted out is nobody's business.
    notHere.length > 0 ? `Left out (not in this server's lists: they have not used anirec here, or chose to stay out): ${notHere.join(', ')}.` : '',
  ].filter(Boolean);
  if (result.members.length === 0) return { content: ['Nobody in this party has ratings yet, so I cannot pick for you.', ...notes].join(' '), ephemeral: false };
  if (result.picks.length === 0) return { content: ['You have seen everything between you!', ...notes].join(' ') };
  const fields = result.picks.map((pick, i) =>
    pickField(i + 1, pick.anime, pick.predicted.map((p, k) => `${label(result.members[k]!)} ${score1(p)}`).join(' · ')),
  );
  return {
    embeds: [
      fitEmbed({
        title: `Watch party for ${result.members.length}`,
        description: [`For ${result.members.map(label).join(', ')}: anime none of you has seen, ranked so that nobody is left out.`, ...notes].join('\n'),
        fields,
        footer: 'Each line shows every member\'s predicted score.',
      }),
    ],
  };
}

export function renderServerTop(result: ServerTopResult): ReplyView {
  if (result.entries.length === 0) {
    return {
      content: `No favourites yet: an anime is listed once at least ${result.minRaters} members of this server have scored it (${result.raters} member${result.raters === 1 ? '' : 's'} rate here so far).`,
      ephemeral: true,
    };
  }
  const lines = result.entries.map((e, i) => `${i + 1}. ${link(e.anime)} · **${e.mean.toFixed(2)}** from ${e.raters} members`);
  return {
    embeds: [
      fitEmbed({
        title: "This server's favourites",
        description: truncate(lines.join('\n'), LIMITS.description),
        footer: `Anime scored by at least ${result.minRaters} of the ${result.raters} members who rate here, ranked by their mean pulled towards the server's.`,
      }),
    ],
  };
}

export function renderPrivacy(hidden: boolean, changed: boolean): ReplyView {
  const now = hidden
    ? "You are out of this bot's server lists: nobody finds you in /twins, /affinity, /watch-party or /server-top. /privacy lists:visible brings you back."
    : 'You are in the server lists of the servers where you use anirec: /twins, /affinity, /watch-party and /server-top can include you. /privacy lists:hidden leaves them.';
  return { content: changed ? `Saved. ${now}` : now, ephemeral: true };
}
