/**
 * Turns service results into replies, free of discord.js: plain embed data ({title, url, description,
 * fields}) and buttons. Discord converts them to builders (discord/embeds.ts); the console prints them
 * as text (renderText). Lengths respect Discord's limits here, once, for both.
 */
import { WATCHED } from '../data/types.js';
import { describeError } from './messages.js';
import type {
  AnimeView,
  ImportResult,
  RateResult,
  RatingsPage,
  RecommendResult,
  SeasonalResult,
  SimilarResult,
  UnrateResult,
} from '../service/index.js';
import { seasonLabel } from '../service/seasons.js';

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface EmbedView {
  title: string;
  url?: string;
  description?: string;
  fields?: EmbedField[];
  footer?: string;
  /** A cover picture URL (the catalogue's, from AniList or Jikan); Discord fetches and shows it beside the embed. */
  thumbnail?: string;
}

export interface ButtonView {
  customId: string;
  label: string;
  style: 'primary' | 'secondary' | 'success' | 'danger';
  disabled?: boolean;
}

export interface ReplyView {
  content?: string;
  embeds?: EmbedView[];
  buttons?: ButtonView[];
  /** Only the member who asked sees it. */
  ephemeral?: boolean;
}

// Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
export const LIMITS = { content: 2000, title: 256, description: 4096, fieldName: 256, fieldValue: 1024, fields: 25, embedTotal: 6000 };

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes Discord markdown so titles such as "*Kimi ni Todoke*" print as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_~`|>[\]()])/g, '\\$1');
}

function scoreText(score: number): string {
  return score === WATCHED ? 'watched' : `${score}/10`;
}

function facts(anime: AnimeView): string {
  const parts = [
    anime.type ?? '?',
    anime.episodes === null ? '? eps' : `${anime.episodes} ep${anime.episodes === 1 ? '' : 's'}`,
    anime.malScore === null ? 'MAL –' : `MAL ${anime.malScore.toFixed(2)}`,
  ];
  const genres = anime.genres.slice(0, 4).join(', ');
  return `${parts.join(' · ')}${genres ? ` · ${genres}` : ''}`;
}

/** Keeps an embed inside Discord's total-size limit by dropping trailing fields. */
export function fitEmbed(embed: EmbedView): EmbedView {
  const size = (e: EmbedView) =>
    e.title.length + (e.description?.length ?? 0) + (e.footer?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const fields = [...(embed.fields ?? [])].slice(0, LIMITS.fields);
  const fitted = { ...embed, title: truncate(embed.title, LIMITS.title), fields };
  while (fields.length > 0 && size(fitted) > LIMITS.embedTotal) fields.pop();
  return fitted;
}

export function pickField(rank: number, anime: AnimeView, extra: string): EmbedField {
  return {
    name: truncate(`${rank}. ${anime.name}`, LIMITS.fieldName),
    value: truncate(`[${facts(anime)}](${anime.url})${extra ? `\n${extra}` : ''}`, LIMITS.fieldValue),
  };
}

export function renderRated(result: RateResult): ReplyView {
  const was = result.previous === undefined || result.previous === result.score ? '' : ` (was ${scoreText(result.previous)})`;
  return {
    content: `Saved: **${escapeMarkdown(result.anime.name)}**${result.asTyped !== undefined ? ` (${escapeMarkdown(result.asTyped)})` : ''} ${result.score}/10${was}. You have rated ${result.ratedCount} anime.`,
    ephemeral: true,
  };
}

export function renderUnrated(result: UnrateResult): ReplyView {
  const name = escapeMarkdown(result.anime.name);
  return {
    content: result.removed ? `Removed your rating of **${name}**. You have rated ${result.ratedCount} anime.` : `You had not rated **${name}**.`,
    ephemeral: true,
  };
}

export function renderRecommendations(result: RecommendResult): ReplyView {
  const filter = [result.genre, result.type].filter(Boolean).join(', ');
  const title = `${result.personalised ? 'Picked for you' : 'Popular picks'}${filter ? ` (${filter})` : ''}`;
  if (result.picks.length === 0) {
    return { content: `Nothing left to recommend${filter ? ` for ${filter}` : ''}: you have seen it all!`, ephemeral: true };
  }
  const fields = result.picks.map((pick, i) => {
    const reason = pick.because.length > 0 ? `_because you liked ${escapeMarkdown(truncate(pick.because[0]!.name, 80))}_` : '';
    return pickField(i + 1, pick.anime, [reason, restsOnText(pick.restsOn)].filter(Boolean).join(' · '));
  });
  return {
    embeds: [
      fitEmbed({
        title,
        ...(result.personalised ? {} : { description: 'You have not rated anything yet, so these are popular picks. Use /rate to get picks of your own.' }),
        fields,
        ...coverOf(result.picks.map((p) => p.anime)),
      }),
    ],
  };
}

export function renderSimilar(result: SimilarResult): ReplyView {
  return {
    embeds: [
      fitEmbed({
        title: `Like ${result.anime.name}`,
        url: result.anime.url,
        ...coverOf([result.anime]),
        ...(result.restsOn !== undefined
          ? {
              description:
                result.restsOn === 0
                  ? 'Nobody here has rated this anime yet, so there is nothing to compare it with. Rate it with /rate to teach the bot.'
                  : `This anime is newer than the trained model: its place ${restsOnText(result.restsOn)}.`,
            }
          : {}),
        fields: result.neighbours.map((n, i) =>
          pickField(i + 1, n.anime, [`similarity ${n.similarity.toFixed(2)}`, restsOnText(n.restsOn)].filter(Boolean).join(' · ')),
        ),
      }),
    ],
  };
}

/** The cover of the first anime that has one, as an embed thumbnail. */
function coverOf(anime: readonly AnimeView[]): { thumbnail?: string } {
  const picture = anime.find((a) => a.picture !== undefined && /^https:\/\//.test(a.picture))?.picture;
  return picture === undefined ? {} : { thumbnail: picture };
}

/** "rests on 3 member ratings", for anime the model learnt from members only. */
function restsOnText(ratings: number | undefined): string {
  if (ratings === undefined) return '';
  return `rests on ${ratings} member rating${ratings === 1 ? '' : 's'}`;
}

export function renderSeasonal(result: SeasonalResult): ReplyView {
  const label = seasonLabel(result.season);
  if (result.picks.length === 0) {
    if (result.total > 0) return { content: `You have rated every anime of ${label}.`, ephemeral: true };
    // Never a bare "nothing": past the catalogue's end, say where it ends and how to bring it up to date.
    const ends = result.catalogueEnds === undefined ? '' : `: the catalogue ends at ${seasonLabel(result.catalogueEnds)}. Run \`anirec catalogue --update\` to fetch newer seasons from AniList`;
    return { content: `No anime in the catalogue first aired in ${label}${ends}.`, ephemeral: true };
  }
  const fields = result.picks.map((pick, i) => {
    const basis =
      pick.basis.kind === 'model' ? 'estimate from the trained model'
      : pick.basis.kind === 'members' ? `estimate ${restsOnText(pick.basis.ratings)}`
      : 'estimate from its genres and type only';
    const aired = pick.anime.aired !== undefined ? `first aired ${pick.anime.aired}` : '';
    return pickField(i + 1, pick.anime, [aired, result.personalised ? basis : ''].filter(Boolean).join(' · '));
  });
  const lag = result.emptySeason === undefined ? '' : `The catalogue has no ${seasonLabel(result.emptySeason)} anime yet, so here is ${label}, its newest season. `;
  return {
    embeds: [
      fitEmbed({
        title: `${label}${result.personalised ? ': picked for you' : ''}`,
        description: lag + (result.personalised
          ? `${result.total} anime first aired this season; the best for you first.`
          : `${result.total} anime first aired this season, in air order. Rate a few anime to get them ranked for you.`),
        fields,
        ...coverOf(result.picks.map((p) => p.anime)),
      }),
    ],
  };
}

/** customId of a ratings page button: `ratings:<userId>:<page>` (only that member may page). */
export function ratingsPageId(userId: string, page: number): string {
  return `ratings:${userId}:${page}`;
}

export function renderRatingsPage(userId: string, page: RatingsPage): ReplyView {
  if (page.total === 0) return { content: 'You have not rated anything yet. Use /rate to start.', ephemeral: true };
  const lines = page.entries.map((e) => `**${scoreText(e.score)}** · [${escapeMarkdown(truncate(e.name, 200))}](${e.url})`);
  return {
    embeds: [
      {
        title: 'Your ratings',
        description: truncate(lines.join('\n'), LIMITS.description),
        footer: `Page ${page.page}/${page.pages} · ${page.total} anime`,
      },
    ],
    buttons:
      page.pages > 1
        ? [
            { customId: ratingsPageId(userId, page.page - 1), label: 'Previous', style: 'secondary', disabled: page.page <= 1 },
            { customId: ratingsPageId(userId, page.page + 1), label: 'Next', style: 'secondary', disabled: page.page >= page.pages },
          ]
        : [],
    ephemeral: true,
  };
}

/** customIds of the /forget-me buttons: `forget-me:<userId>:confirm|cancel`. */
export function forgetId(userId: string, action: 'confirm' | 'cancel'): string {
  return `forget-me:${userId}:${action}`;
}

export function renderForgetPrompt(userId: string): ReplyView {
  return {
    content: 'This deletes all your ratings and your taste profile. Are you sure?',
    buttons: [
      { customId: forgetId(userId, 'confirm'), label: 'Confirm', style: 'danger' },
      { customId: forgetId(userId, 'cancel'), label: 'Cancel', style: 'secondary' },
    ],
    ephemeral: true,
  };
}

export function renderForgotten(removed: boolean): ReplyView {
  return { content: removed ? 'Done: everything stored about you is deleted.' : 'There was nothing stored about you.', buttons: [], ephemeral: true };
}

export function renderForgetCancelled(): ReplyView {
  return { content: 'Cancelled: nothing was deleted.', buttons: [], ephemeral: true };
}

const SOURCE_LABEL = { anilist: 'AniList', mal: 'MyAnimeList' } as const;

export function renderImported(result: ImportResult): ReplyView {
  const from = result.user !== undefined ? ` from ${SOURCE_LABEL[result.source]} user ${escapeMarkdown(result.user)}` : '';
  const removed = result.removed > 0 ? ` Removed ${result.removed} that the earlier ${SOURCE_LABEL[result.source]} import set and this list no longer has.` : '';
  const unknownNames = result.unknownNames.map((n) => escapeMarkdown(truncate(n, 60)));
  const more = result.unknown - unknownNames.length;
  const unknown =
    result.unknown === 0 ? ''
    : `${result.unknown} anime not in our catalogue${unknownNames.length > 0 ? `: ${unknownNames.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : ''}`;
  const notes = [
    unknown,
    result.planToWatch > 0 ? `${result.planToWatch} plan-to-watch skipped` : '',
    result.noMalId > 0 ? `${result.noMalId} without a MyAnimeList id skipped` : '',
    result.skipped > 0 ? `${result.skipped} unreadable entries skipped` : '',
  ].filter(Boolean);
  return {
    content: truncate(
      `Imported ${result.rated} ratings and ${result.watched} watched anime${from}.${removed} You have rated ${result.ratedCount} anime.` +
        (notes.length > 0 ? ` (${notes.join('; ')})` : ''),
      LIMITS.content,
    ),
    ephemeral: true,
  };
}

export function renderError(error: unknown): ReplyView {
  return { content: truncate(describeError(error), LIMITS.content), ephemeral: true };
}

/** A reply as plain text for the console: markdown links become "name <url>", emphasis dropped. */
export function renderText(reply: ReplyView): string {
  const plain = (text: string) =>
    text
      .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 <$2>')
      // Emphasis underscores sit at a word's edge; one inside a word (MAL_CLIENT_ID) is text, as on Discord.
      .replace(/\*\*|__|(?<![\\\w])_|(?<!\\)_(?!\w)/g, '')
      .replace(/\\([\\*_~`|>[\]()])/g, '$1');
  const out: string[] = [];
  if (reply.content) out.push(plain(reply.content));
  for (const embed of reply.embeds ?? []) {
    out.push(`== ${embed.title}${embed.url ? ` <${embed.url}>` : ''} ==`);
    if (embed.description) out.push(plain(embed.description));
    for (const field of embed.fields ?? []) out.push(`${plain(field.name)}\n   ${plain(field.value).replace(/\n/g, '\n   ')}`);
    if (embed.footer) out.push(`(${embed.footer})`);
  }
  return out.join('\n');
}

/** Someone pressed a button meant for another member. */
export function renderNotYours(): ReplyView {
  return { content: 'These buttons belong to someone else; run the command yourself.', ephemeral: true };
}
