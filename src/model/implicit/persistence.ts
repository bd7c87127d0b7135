/**
 * The implicit model on disk, two files in the model folder:
 *   implicit.json  {format: 'anirec-implicit', version: 1, options, nItems, globalMean, arrays: [{name, offset, length}]}
 *   implicit.bin   little-endian float32 arrays back to back: itemFactors (nItems x dim, row-major),
 *                  itemMean (nItems, NaN = nobody rated), itemCount (nItems)
 * User factors are not kept: people are always folded in from their rows.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelInvalidError } from '../../errors.js';
import type { ImplicitState } from './implicitModel.js';

const FORMAT = 'anirec-implicit';
const VERSION = 1;
export const IMPLICIT_META_FILE = 'implicit.json';
export const IMPLICIT_DATA_FILE = 'implicit.bin';

interface Meta {
  format: string;
  version: number;
  options: ImplicitState['options'];
  nItems: number;
  globalMean: number;
  arrays: { name: 'itemFactors' | 'itemMean' | 'itemCount'; offset: number; length: number }[];
}

export async function saveImplicitState(state: ImplicitState, dir: string): Promise<void> {
  const parts = [
    { name: 'itemFactors' as const, data: state.itemFactors },
    { name: 'itemMean' as const, data: state.itemMean },
    { name: 'itemCount' as const, data: state.itemCount },
  ];
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  const buffer = Buffer.alloc(total * 4);
  const arrays: Meta['arrays'] = [];
  let offset = 0;
  for (const p of parts) {
    for (let j = 0; j < p.data.length; j++) buffer.writeFloatLE(p.data[j]!, (offset + j) * 4);
    arrays.push({ name: p.name, offset, length: p.data.length });
    offset += p.data.length;
  }
  const meta: Meta = { format: FORMAT, version: VERSION, options: state.options, nItems: state.nItems, globalMean: state.globalMean, arrays };
  await writeFile(join(dir, IMPLICIT_DATA_FILE), buffer);
  await writeFile(join(dir, IMPLICIT_META_FILE), JSON.stringify(meta, null, 2) + '\n');
}

export async function loadImplicitState(dir: string): Promise<ImplicitState> {
  const metaPath = join(dir, IMPLICIT_META_FILE);
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as Meta;
  } catch (error) {
    throw new ModelInvalidError(metaPath, `cannot read the implicit model (${(error as Error).message})`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION) throw new ModelInvalidError(metaPath, `not an ${FORMAT} v${VERSION} file`);
  const bytes = await readFile(join(dir, IMPLICIT_DATA_FILE));
  const read = (name: Meta['arrays'][number]['name'], expected: number): Float32Array => {
    const entry = meta.arrays.find((a) => a.name === name);
    if (!entry || entry.length !== expected || (entry.offset + entry.length) * 4 > bytes.length) {
      throw new ModelInvalidError(join(dir, IMPLICIT_DATA_FILE), `${name} is missing or truncated`);
    }
    const out = new Float32Array(entry.length);
    for (let j = 0; j < entry.length; j++) out[j] = bytes.readFloatLE((entry.offset + j) * 4);
    return out;
  };
  return {
    options: meta.options,
    nItems: meta.nItems,
    globalMean: meta.globalMean,
    itemFactors: read('itemFactors', meta.nItems * meta.options.dim),
    itemMean: read('itemMean', meta.nItems),
    itemCount: read('itemCount', meta.nItems),
  };
}
