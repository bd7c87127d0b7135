/**
 * `anirec web [--port N]`: the web page alone (no Discord), composed exactly as `anirec start` is (the
 * same model, merged catalogue, title index and store), so it finds every title the bot finds.
 * `anirec start` also serves it beside the bot when ANIREC_WEB_PORT is set.
 */
import { resolve } from 'node:path';
import { composeApp } from '../../app/compose.js';
import { readConfig, secretsOf } from '../../config.js';
import { createLogger } from '../../log.js';
import { startConfiguredWeb } from '../web/server.js';
import { intOption, parseOptions } from './args.js';
import { waitForSignal } from './startCommand.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec web [--port N] [--host ADDRESS] [--eval DIR]

Serves the web page: search with autocomplete, rate anime (the ratings stay in the visitor's browser),
recommendations with their reasons, similar anime, and the latest \`anirec eval\` report.
With no trained model in ANIREC_MODEL_DIR it first trains one from ANIREC_DATA_DIR (or from the demo set
shipped in demo/ while that holds no data).

Options:
  --port N         port to listen on, 0 for any free one (default: ANIREC_WEB_PORT, else 8080)
  --host ADDRESS   address to listen on (default: ANIREC_WEB_HOST, else 127.0.0.1)
  --eval DIR       the \`anirec eval --out\` folder to show (default: ANIREC_EVAL_DIR, else ./eval-results)
`;

export const DEFAULT_WEB_PORT = 8080;

const command: Subcommand = {
  summary: 'serve the web page (search, rate, recommendations, similar anime, eval report)',
  usage: USAGE,
  async run(argv) {
    const args = parseOptions(argv, { port: { type: 'string' }, host: { type: 'string' }, eval: { type: 'string' } });
    const config = readConfig();
    const port = intOption('port', args.port, config.webPort ?? DEFAULT_WEB_PORT, 0, 65_535);
    const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
    const app = await composeApp(config, log);
    try {
      const web = await startConfiguredWeb({ ...config, evalDir: args.eval === undefined ? config.evalDir : resolve(args.eval), webHost: args.host ?? config.webHost }, app.live.service, port, log);
      const signal = await waitForSignal();
      log.info(`${signal}: shutting down`);
      await web.close();
    } finally {
      await app.close();
    }
    return 0;
  },
};
export default command;
