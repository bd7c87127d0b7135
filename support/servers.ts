/**
 * Real Redis and PostgreSQL servers for the tests, through .ci/servers.sh (the script .ci/run uses too).
 * `sharedStoreUrls()` names the servers of the whole run (exported by .ci/run, or started by the global
 * setup); `startPrivateServer` starts one a test may stop and start again (an outage under load).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../.ci/servers.sh', import.meta.url));
const run = promisify(execFile);

export type ServerKind = 'redis' | 'postgres';
export const URL_VARIABLES: Record<ServerKind, string> = { redis: 'ANIREC_TEST_REDIS_URL', postgres: 'ANIREC_TEST_POSTGRES_URL' };

export interface TestServer {
  url: string;
  /** Stops the server (its data stays in its folder). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

async function script(...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, ...args], { timeout: 60_000 });
  return stdout.trim();
}

/** Outside the tests' temp parent: the postgres user (PostgreSQL will not run as root) must reach it. */
function serverDir(kind: ServerKind): string {
  return mkdtempSync(join('/tmp', `anirec-${kind}-`));
}

const PROGRAMS: Record<ServerKind, { path: string; pkg: string }> = {
  redis: { path: 'redis-server', pkg: 'redis-server' },
  postgres: { path: '/usr/lib/postgresql/15/bin/pg_ctl', pkg: 'postgresql' },
};

/** The Debian packages of the given servers that are not installed. */
export function missingServerPackages(kinds: ServerKind[]): string[] {
  const found = (program: string) => (program.startsWith('/') ? existsSync(program) : (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, program))));
  return kinds.filter((kind) => !found(PROGRAMS[kind].path)).map((kind) => PROGRAMS[kind].pkg);
}

export async function startPrivateServer(kind: ServerKind): Promise<TestServer> {
  const dir = serverDir(kind);
  const url = await script(kind, dir);
  return {
    url,
    stop: async () => void (await script('stop', dir)),
    start: async () => void (await script(kind, dir)),
    async remove() {
      await script('stop', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The URLs of the run's shared servers; throws when neither .ci/run nor the global setup set them. */
export function sharedStoreUrls(): Record<ServerKind, string> {
  const urls = {} as Record<ServerKind, string>;
  for (const [kind, name] of Object.entries(URL_VARIABLES) as [ServerKind, string][]) {
    const url = process.env[name];
    if (url === undefined) throw new Error(`${name} is not set: run the tests through vitest (its global setup starts the servers) or .ci/run`);
    urls[kind] = url;
  }
  return urls;
}

/** A store URL on each backend a shared store runs on: a fresh SQLite file, the run's Redis, its PostgreSQL. */
export const SHARED_BACKENDS: Record<'sqlite' | ServerKind, () => string> = {
  sqlite: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'anirec-')), 'shared.sqlite')}`,
  redis: () => sharedStoreUrls().redis,
  postgres: () => sharedStoreUrls().postgres,
};
