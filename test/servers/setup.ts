/**
 * Vitest global setup of the full suite: the Redis and PostgreSQL servers every store test shares. .ci/run
 * starts them once for the whole run and exports their URLs; a developer's `npm run test:full` gets them
 * started here and stopped at the end. A missing server is one line naming the package to install.
 */
import { missingServerPackages, startPrivateServer, URL_VARIABLES, type ServerKind, type TestServer } from '../../support/servers.js';

export default async function setup(): Promise<() => Promise<void>> {
  const needed = (Object.entries(URL_VARIABLES) as [ServerKind, string][]).filter(([, name]) => process.env[name] === undefined).map(([kind]) => kind);
  const missing = missingServerPackages(needed);
  if (missing.length > 0) {
    throw new Error(`the full suite needs ${missing.join(' and ')} (Debian packages): run \`bash .ci/servers.sh install\` (apt-get install ${missing.join(' ')}), or set ${needed.map((k) => URL_VARIABLES[k]).join(' / ')}`);
  }
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
