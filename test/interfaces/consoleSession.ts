/** Runs console lines against a service and returns everything it wrote. */
import { Readable } from 'node:stream';
import { runConsole } from '../../src/interfaces/console.js';
import type { AnirecService } from '../../src/service/index.js';

export async function consoleOutput(service: AnirecService, lines: string[]): Promise<string> {
  let out = '';
  await runConsole({ service, input: Readable.from([lines.join('\n') + '\n']), write: (t) => (out += t) });
  return out;
}
