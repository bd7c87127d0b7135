/**
 * The model folder (ANIREC_MODEL_DIR), written atomically: everything goes to DIR.tmp-xxx first and is
 * renamed into place at the end, so a crash never leaves half a model where the bot looks.
 *   explicit/        the explicit model as a TF.js LayersModel (model.json + weights): the embedding model
 *                    (see embedding/), or the Bayesian model (bayes/tfFormat.ts; anirec-bayes.json beside it)
 *   implicit.json    the WRMF model's header; implicit.bin its float32 arrays (see implicit/persistence.ts)
 *   ease.json        the item-item (EASE) part's header; ease.bin its weights (see itemItem/persistence.ts);
 *                    absent in models saved before it, which then rank by WRMF alone
 *   catalogue.json   {anime: Anime[]}: the anime the model knows, in itemIx order
 *   items.json       {popularity, ratingCount, globalMean}: per-itemIx counts over the training rows
 *   info.json        ModelInfo (params incl. the blend, data fingerprint, metrics, backend)
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { catalogueFromAnime } from '../data/catalogue.js';
import type { Anime } from '../data/types.js';
import { ModelInvalidError, ModelMissingError } from '../errors.js';
import { AnirecComposite, DEFAULT_BLEND, type AnirecModel, type BlendParams, type ModelInfo } from './anirecComposite.js';
import { BAYES_METADATA_JSON, BayesExplicit, loadBayesModel, saveBayesModel } from './bayes/index.js';
import type { ExplicitPart } from './composite/explicitPart.js';
import { EmbeddingModel, loadEmbeddingModel, saveEmbeddingModel } from './embedding/index.js';
import { ImplicitModel, loadImplicitState, saveImplicitState } from './implicit/index.js';
import { loadEaseState, saveEaseState } from './itemItem/index.js';

/** What to run when there is no model yet. */
export const MODEL_MISSING_COMMAND = 'npm run anirec -- train';

const INFO_FILE = 'info.json';
const CATALOGUE_FILE = 'catalogue.json';
const ITEMS_FILE = 'items.json';
const EXPLICIT_DIR = 'explicit';

interface ItemsFile {
  popularity: number[];
  ratingCount: number[];
  globalMean: number;
}

function asComposite(model: AnirecModel): AnirecComposite {
  if (!(model instanceof AnirecComposite)) throw new ModelInvalidError(model.name, 'only an anirec model trained by trainAnirecModel can be saved');
  return model;
}

export async function saveAnirecModel(model: AnirecModel, dir: string): Promise<void> {
  const composite = asComposite(model);
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(`${target}.tmp-`);
  // mkdtemp makes the folder private (0700); a model folder is as readable as any other.
  await chmod(tmp, 0o755);
  try {
    await saveExplicit(composite.explicit, join(tmp, EXPLICIT_DIR));
    await saveImplicitState(composite.implicit.exportState(), tmp);
    if (composite.ease !== undefined) await saveEaseState(composite.ease, tmp);
    await writeFile(join(tmp, CATALOGUE_FILE), JSON.stringify({ anime: composite.catalogue.anime }) + '\n');
    const items: ItemsFile = {
      popularity: Array.from(composite.popularity),
      ratingCount: Array.from(composite.ratingCount),
      globalMean: composite.globalMean,
    };
    await writeFile(join(tmp, ITEMS_FILE), JSON.stringify(items) + '\n');
    const info: ModelInfo = { ...composite.info, params: { ...composite.info.params, blend: composite.blend } };
    await writeFile(join(tmp, INFO_FILE), JSON.stringify(info, null, 2) + '\n');
    // A directory cannot be renamed over a non-empty one: move the old model aside, swap, then drop it.
    let old: string | undefined;
    if (existsSync(target)) {
      old = `${tmp}.old`;
      await rename(target, old);
    }
    await rename(tmp, target);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function saveExplicit(explicit: ExplicitPart, dir: string): Promise<void> {
  if (explicit instanceof BayesExplicit) await saveBayesModel(explicit.toBayesModel(), dir);
  else if (explicit instanceof EmbeddingModel) await saveEmbeddingModel(explicit, dir);
  else throw new ModelInvalidError(explicit.name, 'only the embedding and bayes models can be saved as the explicit part');
}

/** The Bayesian model's folder has its metadata file beside the graph; any other is the embedding model's. */
async function loadExplicit(dir: string): Promise<ExplicitPart> {
  if (existsSync(join(dir, BAYES_METADATA_JSON))) return new BayesExplicit(await loadBayesModel(dir));
  return loadEmbeddingModel(dir);
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new ModelInvalidError(path, `cannot read it (${(error as Error).message})`);
  }
}

export async function loadAnirecModel(dir: string): Promise<AnirecComposite> {
  const root = resolve(dir);
  if (!existsSync(join(root, INFO_FILE))) throw new ModelMissingError(root, MODEL_MISSING_COMMAND);
  const info = await readJson<ModelInfo>(join(root, INFO_FILE));
  const { anime } = await readJson<{ anime: Anime[] }>(join(root, CATALOGUE_FILE));
  const items = await readJson<ItemsFile>(join(root, ITEMS_FILE));
  const catalogue = catalogueFromAnime(anime);
  const nItems = catalogue.anime.length;
  if (items.popularity.length !== nItems || items.ratingCount.length !== nItems) {
    throw new ModelInvalidError(join(root, ITEMS_FILE), `holds ${items.popularity.length} anime, the catalogue ${nItems}`);
  }
  const explicit = await loadExplicit(join(root, EXPLICIT_DIR));
  const implicitState = await loadImplicitState(root);
  if (implicitState.nItems !== nItems) {
    throw new ModelInvalidError(root, `the implicit model knows ${implicitState.nItems} anime, the catalogue ${nItems}`);
  }
  const ease = await loadEaseState(root);
  if (ease !== undefined && ease.nItems !== nItems) throw new ModelInvalidError(root, `the item-item model knows ${ease.nItems} anime, the catalogue ${nItems}`);
  const blend = { ...DEFAULT_BLEND, ...((info.params?.blend as Partial<BlendParams> | undefined) ?? {}) };
  return new AnirecComposite({
    catalogue,
    explicit,
    implicit: ImplicitModel.fromState(implicitState),
    popularity: Float32Array.from(items.popularity),
    ratingCount: Float32Array.from(items.ratingCount),
    globalMean: items.globalMean,
    blend,
    info,
    ...(ease !== undefined ? { ease } : {}),
  });
}
