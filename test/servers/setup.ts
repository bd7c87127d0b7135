/**
 * Vitest global setup: the Redis and PostgreSQL servers every store test shares. .ci/run starts them once
 * for the whole run and exports their URLs; a developer's `npm test` gets them started here (the Debian
 * packages must be installed: `bash .ci/servers.sh install`) and stopped at the end.
 */
import { startPrivateServer, URL_VARIABLES, type ServerKind, type TestServer } from './servers.js';

export default async function setup(): Promise<() => Promise<void>> {
  const started: TestServer[] = [];
  for (const [kind, name] of Object.entries(URL_VARIABLES) as [ServerKind, string][]) {
    if (process.env[name] !== undefined) continue;
    const server = await startPrivateServer(kind);
    started.push(server);
    process.env[name] = server.url;
  }
  return async () => {
    await Promise.all(started.map((s) => s.remove()));
  };
}
