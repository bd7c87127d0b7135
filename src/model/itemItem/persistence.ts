/**
 * The item-item (EASE) part on disk, two optional files in the model folder (a folder without them is a
 * model saved before this part, served by WRMF alone):
 *   ease.json  {format: 'anirec-ease', version: 1, options, lambda, nItems, items: itemIx per column}
 *   ease.bin   the m x m weights B, little-endian float32, row-major (row i: what watching items[i] adds)
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelInvalidError } from '../../errors.js';
import type { EaseState } from './ease.js';

const FORMAT = 'anirec-ease';
const VERSION = 1;
export const EASE_META_FILE = 'ease.json';
export const EASE_DATA_FILE = 'ease.bin';

interface Meta {
  format: string;
  version: number;
  options: EaseState['options'];
  lambda: number;
  nItems: number;
  items: number[];
}

export async function saveEaseState(state: EaseState, dir: string): Promise<void> {
  const bytes = Buffer.alloc(state.weights.length * 4);
  for (let j = 0; j < state.weights.length; j++) bytes.writeFloatLE(state.weights[j]!, j * 4);
  const meta: Meta = { format: FORMAT, version: VERSION, options: state.options, lambda: state.lambda, nItems: state.nItems, items: Array.from(state.items) };
  await writeFile(join(dir, EASE_DATA_FILE), bytes);
  await writeFile(join(dir, EASE_META_FILE), JSON.stringify(meta) + '\n');
}

/** The saved part, or undefined when the folder has none. */
export async function loadEaseState(dir: string): Promise<EaseState | undefined> {
  const metaPath = join(dir, EASE_META_FILE);
  if (!existsSync(metaPath)) return undefined;
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as Meta;
  } catch (error) {
    throw new ModelInvalidError(metaPath, `cannot read the item-item model (${(error as Error).message})`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION) throw new ModelInvalidError(metaPath, `not an ${FORMAT} v${VERSION} file`);
  const bytes = await readFile(join(dir, EASE_DATA_FILE));
  const m = meta.items.length;
  if (bytes.length !== m * m * 4) throw new ModelInvalidError(join(dir, EASE_DATA_FILE), `holds ${bytes.length} bytes, expected ${m * m * 4} for ${m} anime`);
  const weights = new Float32Array(m * m);
  for (let j = 0; j < weights.length; j++) weights[j] = bytes.readFloatLE(j * 4);
  return { options: meta.options, lambda: meta.lambda, nItems: meta.nItems, items: Int32Array.from(meta.items), weights };
}
