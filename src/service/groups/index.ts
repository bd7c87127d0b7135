/**
 * What a server does together: /affinity between two members, /twins (the closest tastes in the
 * server), /watch-party (picks for a group) and /server-top. Only members who used the bot in the server
 * and did not leave the lists (/privacy) are ever compared or listed. The maths is in affinity.ts and
 * watchParty.ts; this module finds the members and keeps what it derives from each one (sorted scores,
 * taste vector, predictions) until that member's ratings change.
 */
import { InvalidOptionError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { selectTopK } from '../../model/topK.js';
import {
  affinityAgainst,
  affinityFigure,
  biggestDisagreement,
  createTasteSpace,
  scoredList,
  sharedFavourite,
  sharedLoves,
  sharedScores,
  sharedStats,
  type AffinityFigure,
  packScores,
  type PackedScores,
  type PackedTastes,
  type ScoredList,
  type TasteSpace,
} from './affinity.js';
import { resolveCount } from '../resolvers.js';
import type { AnimeView, AnirecService, MemberState } from '../index.js';
import { animeView } from '../index.js';
import { rankForGroup, rankForGroupPruned, type GroupPick } from './watchParty.js';
import { LruMap } from '../lruMap.js';

export const TWINS_COUNT = 5;
export const SHARED_LOVES = 3;
/** /server-top counts an anime only once this many members of the server scored it. */
export const SERVER_TOP_MIN_RATERS = 3;
export const WATCH_PARTY_PICKS = 10;

export interface AffinityResult {
  /** undefined when neither a MAL figure nor an estimate exists (a member without known ratings). */
  figure: AffinityFigure | undefined;
  loves: AnimeView[];
  disagreement: { anime: AnimeView; mine: number; theirs: number } | undefined;
}

export interface Twin {
  memberId: string;
  figure: AffinityFigure;
  favourite: AnimeView | undefined;
}

export interface TwinsResult {
  twins: Twin[];
  /** Members of the server who could be compared (used the bot here, in the lists, with ratings). */
  compared: number;
}

export type LeftOutReason = 'no_ratings' | 'not_here';

export interface WatchPartyResult {
  /** Members the picks are for, in the order given. */
  members: string[];
  leftOut: { memberId: string; reason: LeftOutReason }[];
  picks: { anime: AnimeView; score: number; predicted: number[] }[];
}

export interface ServerTopEntry {
  anime: AnimeView;
  mean: number;
  raters: number;
}

export interface ServerTopResult {
  entries: ServerTopEntry[];
  minRaters: number;
  /** Members whose scores were counted. */
  raters: number;
}

export interface GroupService {
  affinity(guildId: string, selfId: string, other: { id: string; label: string }): Promise<AffinityResult>;
  twins(guildId: string, selfId: string): Promise<TwinsResult>;
  /** `memberIds` are the party (2-10 distinct, the caller among them). */
  watchParty(guildId: string, memberIds: readonly string[]): Promise<WatchPartyResult>;
  serverTop(guildId: string, count?: number | string | null): Promise<ServerTopResult>;
  /** false until a whole-server command (/twins, /server-top) has loaded this server's members once: the first may be slow. */
  loaded(guildId: string): boolean;
}

/** What the group features derive from one member; dropped with the member object on their next change. */
interface Derived {
  scored: ScoredList;
  taste: Float32Array | undefined;
}

interface Roster {
  changeCount: number;
  ids: string[];
  derived: Derived[];
  scored: PackedScores;
  tastes: PackedTastes;
}

/** Members whose predictions over the whole catalogue stay in memory (48 KB each for 12,294 anime). */
export const PREDICTION_CACHE = 512;

export const HIDDEN_SELF = 'you left the server lists with /privacy; use /privacy lists:visible to join them again';

/** Servers whose /twins roster stays in memory (the most recently asked); the others rebuild on their next /twins. */
export const ROSTER_CACHE = 100;
/** Servers remembered as loaded once (the first whole-server command there defers). */
export const LOADED_SERVERS = 10_000;

export function createGroupService(deps: { service: AnirecService; log: Logger; rosterCacheSize?: number }): GroupService {
  const { service } = deps;
  const { model, catalogue } = service;
  const nItems = catalogue.anime.length;
  // The model predicts its own anime only; the merged catalogue's newer anime (ratings only) come after them.
  const modelItems = model.catalogue.anime.length;
  let space: TasteSpace | undefined;
  const derivedOf = new WeakMap<MemberState, Derived>();
  const loadedGuilds = new LruMap<string, true>(LOADED_SERVERS);
  const everyone = async (guildId: string) => {
    const guildIds = await service.guildMembers(guildId);
    const ids = [...guildIds];
    const states = await service.members(ids);
    loadedGuilds.set(guildId, true);
    return { guildIds, ids, states };
  };

  const derive = (member: MemberState): Derived => {
    let d = derivedOf.get(member);
    if (d === undefined) {
      space ??= createTasteSpace(model);
      d = { scored: scoredList(member.profile), taste: member.folded === undefined ? undefined : space.vector(member.folded) };
      derivedOf.set(member, d);
    }
    return d;
  };

  /**
   * The listed members of a server with their scores and taste vectors packed end to end for /twins,
   * kept while no member anywhere changed (service.changeCount), rebuilt otherwise.
   */
  const rosters = new LruMap<string, Roster>(deps.rosterCacheSize ?? ROSTER_CACHE);
  const rosterOf = async (guildId: string): Promise<Roster> => {
    const cached = rosters.get(guildId);
    if (cached !== undefined && cached.changeCount === service.changeCount) return cached;
    const changeCount = service.changeCount;
    const { guildIds, ids, states } = await everyone(guildId);
    const listedIds: string[] = [];
    const derived: Derived[] = [];
    for (let k = 0; k < ids.length; k++) {
      const member = states[k];
      if (listed(member, guildId, guildIds, ids[k]!)) {
        listedIds.push(ids[k]!);
        derived.push(derive(member));
      }
    }
    space ??= createTasteSpace(model);
    const dim = space.anchors.length;
    const tastes: PackedTastes = { dim, vectors: new Float32Array(derived.length * dim), has: new Uint8Array(derived.length) };
    derived.forEach((d, k) => {
      if (d.taste === undefined) return;
      tastes.has[k] = 1;
      tastes.vectors.set(d.taste, k * dim);
    });
    const roster: Roster = { changeCount, ids: listedIds, derived, scored: packScores(derived.map((d) => d.scored)), tastes };
    rosters.set(guildId, roster);
    return roster;
  };

  /**
   * Everyone's predictions kept: the exhaustive ranking. Otherwise the pruned one, which needs one member's
   * predictions in full (one already kept, else the first member's, then kept) and asks the rest per anime.
   */
  const rankParty = (party: MemberState[], seen: ReadonlySet<number>): GroupPick[] => {
    if (party.length === 0) return [];
    if (party.every((member) => predictions.has(member))) return rankForGroup(party.map(predictionsOf), seen, WATCH_PARTY_PICKS);
    const lead = Math.max(0, party.findIndex((member) => predictions.has(member)));
    const order = [lead, ...party.keys()].filter((k, at) => at === 0 || k !== lead);
    const picks = rankForGroupPruned(
      predictionsOf(party[lead]!),
      (k, itemIx) => Math.fround(model.predictFolded(party[order[k]!]!.folded!, itemIx)),
      party.length,
      seen,
      WATCH_PARTY_PICKS,
    );
    // Back to the party's order.
    return picks.map((pick) => {
      const predicted = new Array<number>(party.length);
      order.forEach((k, at) => (predicted[k] = pick.predicted[at]!));
      return { ...pick, predicted };
    });
  };

  // Keyed by the member object, which the service replaces on each change of ratings: a stale entry is never hit.
  const predictions = new Map<MemberState, Float32Array>();
  const predictionsOf = (member: MemberState): Float32Array => {
    let out = predictions.get(member);
    if (out === undefined) {
      out = new Float32Array(modelItems);
      for (let i = 0; i < modelItems; i++) out[i] = model.predictFolded(member.folded!, i);
    }
    predictions.delete(member);
    predictions.set(member, out);
    if (predictions.size > PREDICTION_CACHE) predictions.delete(predictions.keys().next().value!);
    return out;
  };

  /** In this server's lists: used the bot here (both the record and the server's list say so) and not hidden. */
  const listed = (member: MemberState | undefined, guildId: string, ids: ReadonlySet<string>, id: string): member is MemberState =>
    member !== undefined && ids.has(id) && member.record.guilds?.includes(guildId) === true && member.record.hidden !== true;

  const self = async (guildId: string, selfId: string) => {
    const [member] = await service.members([selfId]);
    if (member?.record.hidden === true) throw new InvalidOptionError('privacy', HIDDEN_SELF);
    return member;
  };

  return {
    loaded: (guildId) => loadedGuilds.has(guildId),

    async affinity(guildId, selfId, other) {
      if (other.id === selfId) throw new InvalidOptionError('member', 'pick someone other than yourself');
      await service.syncVisibility();
      const me = await self(guildId, selfId);
      const ids = await service.guildMembers(guildId);
      const [them] = await service.members([other.id]);
      if (!listed(them, guildId, ids, other.id)) {
        // Same answer for "never used the bot here" and "left the lists": opting out is nobody's business.
        throw new InvalidOptionError('member', `${other.label} is not in this server's lists (they have not used anirec here, or chose to stay out)`);
      }
      const a = me === undefined ? scoredList({ itemIx: new Int32Array(0), score: new Int8Array(0) }) : derive(me).scored;
      const b = derive(them);
      const figure = affinityFigure(sharedStats(a, b.scored), me === undefined ? undefined : derive(me).taste, b.taste);
      const shared = sharedScores(a, b.scored);
      const apart = biggestDisagreement(shared);
      return {
        figure,
        loves: sharedLoves(shared, SHARED_LOVES).map((ix) => animeView(catalogue, ix)),
        disagreement: apart === undefined ? undefined : { anime: animeView(catalogue, apart[0]), mine: apart[1], theirs: apart[2] },
      };
    },

    async twins(guildId, selfId) {
      await service.syncVisibility();
      const me = await self(guildId, selfId);
      if (me === undefined || me.profile.itemIx.length === 0) return { twins: [], compared: 0 };
      const mine = derive(me);
      // The roster is the whole server (the caller included, so every caller shares it); the caller is skipped below.
      const roster = await rosterOf(guildId);
      const dense = new Int8Array(nItems);
      for (let j = 0; j < mine.scored.items.length; j++) dense[mine.scored.items[j]!] = mine.scored.scores[j]!;
      const values = new Float64Array(roster.ids.length);
      const isMal = new Uint8Array(roster.ids.length);
      affinityAgainst(dense, mine.taste, roster.scored, roster.tastes, values, isMal);
      const selfAt = roster.ids.indexOf(selfId);
      if (selfAt >= 0) values[selfAt] = Number.NaN;
      let compared = 0;
      for (const v of values) if (Number.isFinite(v)) compared++;
      // selectTopK skips NaN (no figure); ties keep the earlier member of the server's list.
      return {
        compared,
        twins: Array.from(selectTopK(values, TWINS_COUNT), (k) => {
          const id = roster.ids[k]!;
          const derived = roster.derived[k]!;
          const figure = affinityFigure(sharedStats(mine.scored, derived.scored), mine.taste, derived.taste)!;
          const favourite = sharedFavourite(mine.scored, derived.scored);
          return { memberId: id, figure, favourite: favourite === undefined ? undefined : animeView(catalogue, favourite) };
        }),
      };
    },

    async watchParty(guildId, memberIds) {
      await service.syncVisibility();
      const ids = await service.guildMembers(guildId);
      const states = await service.members(memberIds);
      const party: MemberState[] = [];
      const members: string[] = [];
      const leftOut: WatchPartyResult['leftOut'] = [];
      const seen = new Set<number>();
      memberIds.forEach((id, k) => {
        const member = states[k];
        // A party member must have used the bot here. Everyone else gets the same words, whatever the reason
        // (never used the bot, only elsewhere, or left the lists), and what they have seen shapes nothing.
        if (!listed(member, guildId, ids, id)) leftOut.push({ memberId: id, reason: 'not_here' });
        else if (member.folded === undefined) leftOut.push({ memberId: id, reason: 'no_ratings' });
        else {
          for (const ix of member.rated) seen.add(ix);
          party.push(member);
          members.push(id);
        }
      });
      const picks = rankParty(party, seen);
      return { members, leftOut, picks: picks.map((p) => ({ anime: animeView(catalogue, p.itemIx), score: p.score, predicted: p.predicted })) };
    },

    async serverTop(guildId, count) {
      const k = resolveCount(count);
      await service.syncVisibility();
      const { guildIds, ids, states } = await everyone(guildId);
      const sums = new Float64Array(nItems);
      const counts = new Int32Array(nItems);
      let raters = 0;
      let total = 0;
      let totalCount = 0;
      for (let m = 0; m < ids.length; m++) {
        const member = states[m];
        if (!listed(member, guildId, guildIds, ids[m]!)) continue;
        const { scored } = derive(member);
        if (scored.items.length === 0) continue;
        raters++;
        for (let j = 0; j < scored.items.length; j++) {
          sums[scored.items[j]!] += scored.scores[j]!;
          counts[scored.items[j]!]++;
          total += scored.scores[j]!;
          totalCount++;
        }
      }
      // IMDb's weighted rating: a mean pulled towards the server's mean by SERVER_TOP_MIN_RATERS phantom votes,
      // so three 10s do not outrank a hundred 9s; anime with fewer raters than that are not listed at all.
      const prior = totalCount > 0 ? total / totalCount : 0;
      const m = SERVER_TOP_MIN_RATERS;
      const order: number[] = [];
      for (let i = 0; i < nItems; i++) if (counts[i]! >= m) order.push(i);
      const weighted = (i: number) => (sums[i]! + m * prior) / (counts[i]! + m);
      order.sort((a, b) => weighted(b) - weighted(a) || counts[b]! - counts[a]! || a - b);
      return {
        minRaters: m,
        raters,
        entries: order.slice(0, k).map((i) => ({ anime: animeView(catalogue, i), mean: sums[i]! / counts[i]!, raters: counts[i]! })),
      };
    },
  };
}
