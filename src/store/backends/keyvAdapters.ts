/** Loading a Keyv adapter by name (with the npm install line when missing), and the Keyv in front of it. */
import Keyv from 'keyv';
import { ConfigError } from '../../errors.js';
import type { BackendOptions, MemberBackend } from './types.js';

export async function importAdapter(name: string, protocol: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConfigError('ANIREC_STORE_URL', `${protocol}// needs its Keyv adapter: run \`npm install ${name}\``);
    }
    throw error;
  }
}

export function adapterClass(mod: Record<string, unknown>): new (...args: unknown[]) => unknown {
  return (mod.default ?? Object.values(mod).find((v) => typeof v === 'function')) as new (...args: unknown[]) => unknown;
}

export function keyvFor(store: unknown, options: BackendOptions): Keyv {
  // throwOnErrors: without it a failed read resolves undefined, indistinguishable from "no ratings".
  const keyv = new Keyv({ store: store as never, namespace: 'anirec', throwOnErrors: true });
  // Keyv emits 'error' as well as throwing; an unheard 'error' event would crash the process.
  keyv.on('error', (error: unknown) => options.onError?.(error));
  return keyv;
}

/** Any other Keyv adapter: get-compare-set, atomic within this process only. */
export async function openKeyvOnly(module: string, protocol: string, create: (Adapter: new (...args: unknown[]) => unknown) => unknown, options: BackendOptions): Promise<MemberBackend> {
  const store = create(adapterClass(await importAdapter(module, protocol)));
  const keyv = keyvFor(store, options);
  const raw = store as { get(key: string): Promise<unknown>; set(key: string, value: string): Promise<unknown>; delete(key: string): Promise<unknown> };
  const read = async (key: string) => {
    const value = await raw.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    module,
    shared: false,
    keyv,
    read,
    async swap(op) {
      if ((await read(op.key)) !== op.expected) return false;
      if (op.next === undefined) await raw.delete(op.key);
      else await raw.set(op.key, op.next);
      return true;
    },
    close: () => keyv.disconnect(),
  };
}
