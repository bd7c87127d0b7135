/** What every use case of the service reads: the model and catalogue serving, the store, and the members held. */
import type { Catalogue } from '../data/types.js';
import type { Logger } from '../log.js';
import type { AnirecModel } from '../model/anirecModel.js';
import type { RatingsStore } from '../store/ratingsStore.js';
import type { Community } from './community.js';
import type { MemberCache } from './members.js';
import type { TitleLookup } from './resolvers.js';
import { animeView, type AnimeView } from './views.js';

export interface ServiceContext {
  readonly model: AnirecModel;
  /** The merged catalogue: the model's anime first, in its itemIx order, then the community's. */
  readonly catalogue: Catalogue;
  readonly store: RatingsStore;
  readonly titles: TitleLookup;
  readonly log: Logger;
  readonly members: MemberCache;
  readonly community: Community | undefined;
  /** Anime the model knows: itemIx below this. */
  readonly modelItems: number;
  /** The model's anime, most popular first: the order never changes while the model is loaded. */
  readonly popularOrder: readonly number[];
  view(itemIx: number): AnimeView;
}

export function createContext(parts: Omit<ServiceContext, 'modelItems' | 'popularOrder' | 'view'>): ServiceContext {
  const { model, catalogue } = parts;
  const modelItems = model.catalogue.anime.length;
  const popularOrder = Array.from({ length: modelItems }, (_, i) => i).sort((a, b) => model.popularity[b]! - model.popularity[a]! || a - b);
  return { ...parts, modelItems, popularOrder, view: (itemIx) => animeView(catalogue, itemIx) };
}
