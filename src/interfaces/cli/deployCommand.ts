/** `anirec deploy-commands`: registers the slash commands the bot loads, in one guild or globally. */
import { readConfig, secretsOf } from '../../config.js';
import { loadCommands } from '../commandRegistry.js';
import { deployCommands } from '../discord/deploy.js';
import { createLogger } from '../../log.js';
import { parseOptions } from './args.js';
import type { Subcommand } from './subcommand.js';

const USAGE = `Usage: anirec deploy-commands

Registers the slash commands with Discord for the application DISCORD_CLIENT_ID, using DISCORD_TOKEN:
in the guild DISCORD_GUILD_ID when it is set (appears at once), otherwise globally (can take up to an hour).
`;

export async function runDeploy(argv: string[]): Promise<number> {
  parseOptions(argv, {});
  const config = readConfig();
  const missing = [config.discordToken === undefined ? 'DISCORD_TOKEN' : '', config.discordClientId === undefined ? 'DISCORD_CLIENT_ID' : ''].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(`anirec deploy-commands: set ${missing.join(' and ')} (in the environment or .env) first\n`);
    return 1;
  }
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const { commands, rejected } = await loadCommands();
  for (const problem of rejected) log.warn(`commands/${problem}`);
  const result = await deployCommands({
    token: config.discordToken!,
    clientId: config.discordClientId!,
    ...(config.discordGuildId !== undefined ? { guildId: config.discordGuildId } : {}),
    apiUrl: config.discordApiUrl,
    commands: commands.values(),
  });
  const where = result.scope === 'guild' ? `in guild ${config.discordGuildId}` : 'globally (may take up to an hour to appear)';
  process.stdout.write(`registered ${result.names.length} commands ${where}: ${result.names.map((n) => `/${n}`).join(', ')}\n`);
  return 0;
}

const command: Subcommand = {
  summary: 'register the slash commands with Discord (guild or global)',
  usage: USAGE,
  run: runDeploy,
};
export default command;
