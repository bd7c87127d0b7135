/**
 * The one name -> factory map (Surprise's CLI map): `anirec eval --models` and `anirec train` both pick
 * models from here. Classic baselines are imported eagerly (they are small); the embedding, implicit and
 * composite models are imported lazily so a missing or heavy module never slows or breaks the others.
 */
import type { Dataset } from '../data/types.js';
import { InvalidOptionError, ModelFitError } from '../errors.js';
import { Baseline } from './baselines/baseline.js';
import { CfContent, Content } from './baselines/content.js';
import { GlobalMean } from './baselines/globalMean.js';
import { KMeans } from './baselines/kmeans.js';
import { ItemKnn, KnnBaseline, UserKnn } from './baselines/knn.js';
import { Popularity } from './baselines/popularity.js';
import { FunkSvd } from './baselines/funkSvd.js';
import { Libmf } from './baselines/libmf.js';
import { Svd } from './baselines/svd.js';
import { SvdPp } from './baselines/svdpp.js';
import type { FitReport, FoldedUser, Neighbour, Profile, Recommender, TrainingData } from './types.js';

export interface ModelEntry {
  name: string;
  summary: string;
  /** A fresh, unfitted model. Rejects with ModelFitError when the model's module is not available. */
  create(): Promise<Recommender>;
}

/** Imports a module by a path TypeScript does not resolve, so a module that has not landed is not a compile error. */
async function importLazily(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch (error) {
    throw new ModelFitError(`the module ${path} is not available: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Fits the composite the bot serves (explicit embedding + WRMF) through trainAnirecModel on the given splits. */
class AnirecAdapter implements Recommender {
  readonly name = 'anirec';
  private inner: Recommender | undefined;

  async fit(data: TrainingData): Promise<FitReport> {
    const start = performance.now();
    const mod = await importLazily('./anirecModel.js');
    const train = mod.trainAnirecModel as (dataset: Dataset, options: Record<string, unknown>) => Promise<Recommender & { info?: unknown }>;
    // trainAnirecModel reads the catalogue and ratings (and records the fingerprint in the model's info).
    const dataset = { catalogue: data.catalogue, ratings: data.ratings, dir: '', fingerprint: `eval split ${data.splits.seed}` } as Dataset;
    this.inner = await train(dataset, { splits: data.splits, quiet: true });
    const info = (this.inner as { info?: { metrics?: Record<string, number> } }).info;
    const notes: Record<string, number> = {};
    for (const [key, value] of Object.entries(info?.metrics ?? {})) if (typeof value === 'number') notes[key] = value;
    return { seconds: (performance.now() - start) / 1000, notes };
  }

  private get model(): Recommender {
    if (!this.inner) throw new ModelFitError('the anirec model is not trained yet');
    return this.inner;
  }

  predict(userIx: number, itemIx: number): number {
    return this.model.predict(userIx, itemIx);
  }
  foldIn(profile: Profile): FoldedUser {
    return this.model.foldIn(profile);
  }
  predictFolded(user: FoldedUser, itemIx: number): number {
    return this.model.predictFolded(user, itemIx);
  }
  scoreItems(user: FoldedUser, out: Float32Array): void {
    this.model.scoreItems(user, out);
  }
  similar(itemIx: number, k: number): Neighbour[] {
    return this.model.similar(itemIx, k);
  }
}

const eager = (create: () => Recommender) => async () => create();

export const MODELS: readonly ModelEntry[] = [
  { name: 'global-mean', summary: 'the mean training rating for everything', create: eager(() => new GlobalMean()) },
  { name: 'baseline', summary: 'user + anime biases, ALS, regularisation tuned on validation', create: eager(() => new Baseline()) },
  { name: 'svd', summary: 'truncated randomized SVD of baseline residuals, fold-in by projection', create: eager(() => new Svd()) },
  { name: 'user-knn', summary: 'user-user kNN on baseline residuals (pearson_baseline, shrunk)', create: eager(() => new UserKnn()) },
  { name: 'item-knn', summary: 'item-item kNN on baseline residuals; co-watch cosine for ranking', create: eager(() => new ItemKnn()) },
  { name: 'kmeans', summary: 'K-means user clusters, cluster mean rating per anime', create: eager(() => new KMeans()) },
  { name: 'content', summary: 'TF-IDF genre profile, cosine to each anime', create: eager(() => new Content()) },
  { name: 'cf-content', summary: 'item-item kNN blended with the genre content model', create: eager(() => new CfContent()) },
  { name: 'popularity', summary: 'most watched first; anime mean rating', create: eager(() => new Popularity()) },
  {
    name: 'embedding',
    summary: 'the TF.js-format embedding model (explicit ratings)',
    create: async () => {
      const mod = await importLazily('./embedding/index.js');
      return new (mod.EmbeddingModel as new (options: Record<string, unknown>) => Recommender)({ quiet: true });
    },
  },
  {
    name: 'hybrid',
    summary: 'the embedding model with genre and type features',
    create: async () => {
      const mod = await importLazily('./embedding/index.js');
      return new (mod.EmbeddingModel as new (options: Record<string, unknown>) => Recommender)({ hybrid: true, quiet: true });
    },
  },
  {
    name: 'implicit',
    summary: 'WRMF on what people watch (implicit feedback)',
    create: async () => {
      const mod = await importLazily('./implicit/index.js');
      return new (mod.ImplicitModel as new () => Recommender)();
    },
  },
  {
    name: 'bayes',
    summary: 'Bayesian factor model (BPMF with biases), Gibbs-sampled; burn-in and kept sweeps chosen on validation',
    create: async () => {
      const mod = await importLazily('./bayes/index.js');
      return new (mod.BayesModel as new () => Recommender)();
    },
  },
  { name: 'anirec', summary: 'the composite the bot serves: the explicit model validation picks (embedding, hybrid or bayes) + WRMF + EASE', create: async () => new AnirecAdapter() },
  { name: 'funk-svd', summary: "Surprise's SVD: biased MF by SGD (100 factors, 20 epochs), fold-in by ridge", create: eager(() => new FunkSvd()) },
  { name: 'svdpp', summary: "Surprise's SVD++: SVD plus implicit factors of every row a user has (watched included)", create: eager(() => new SvdPp()) },
  { name: 'libmf', summary: 'LIBMF (npm libmf), 32 factors, λ and iterations tuned on validation, refitted on train + validation', create: eager(() => new Libmf()) },
  { name: 'knn-baseline', summary: "Surprise's KNNBaseline with its defaults: item-based pearson_baseline, k 40, shrinkage 100, ALS baselines", create: eager(() => new KnnBaseline()) },
];

export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

/** The entry called name, or InvalidOptionError listing the names there are. */
export function findModel(name: string): ModelEntry {
  const entry = MODELS.find((m) => m.name === name);
  if (!entry) throw new InvalidOptionError('--models', `unknown model "${name}"; choose from ${MODEL_NAMES.join(', ')}`);
  return entry;
}

/** A fresh model by name. */
export async function createModel(name: string): Promise<Recommender> {
  return findModel(name).create();
}

/** Parses a comma-separated model list (undefined: all), validating every name. */
export function parseModelList(value: string | undefined): string[] {
  if (value === undefined) return [...MODEL_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidOptionError('--models', 'no model named');
  for (const name of names) findModel(name);
  return [...new Set(names)];
}
