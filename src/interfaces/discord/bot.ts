/**
 * The Discord bot: a real discord.js Client (Guilds and GuildVoiceStates intents: slash commands need no
 * message content), commands loaded from commands/, one dispatcher on interactionCreate. Mentions are off by
 * default so nothing the bot echoes can ping anyone.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { secretsOf, type Config } from '../../config.js';
import { createLogger, type Logger } from '../../log.js';
import type { AnirecService } from '../../service/index.js';
import type { Metrics } from '../ops/metrics.js';
import { loadCommands } from '../commandRegistry.js';
import { createDispatcher } from './dispatch.js';
import { explainDiscordFailure } from './explainFailure.js';

export interface StartBotOptions {
  config: Config;
  /** The service behind the commands, composed by src/app/compose.ts (a live one swaps models). */
  service: AnirecService;
  log?: Logger;
  /** @discordjs/rest's global cap (50/s by default); load tests raise it. */
  globalRequestsPerSecond?: number;
  metrics?: Metrics;
  /** Milliseconds before an unanswered command defers (dispatch.ts's default; tests shorten it). */
  deferAfterMs?: number;
}

export interface RunningBot {
  client: Client;
  /** The service behind the commands (the web page beside the bot uses it too). */
  service: AnirecService;
  stop(): Promise<void>;
}

export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, service } = options;
  const log = options.log ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  if (config.discordToken === undefined) throw new Error('startBot needs config.discordToken (DISCORD_TOKEN)');

  const { commands, rejected } = await loadCommands();
  for (const problem of rejected) log.warn(`commands/${problem}`);

  const client = new Client({
    // GuildVoiceStates (not privileged): who sits in which voice channel, for /watch-party channel:<voice>.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    allowedMentions: { parse: [] },
    rest: {
      api: config.discordApiUrl,
      ...(options.globalRequestsPerSecond !== undefined ? { globalRequestsPerSecond: options.globalRequestsPerSecond } : {}),
    },
  });
  const metrics = options.metrics;
  const dispatch = createDispatcher({
    commands,
    context: { service, log },
    ...(metrics ? { observe: metrics.observeInteraction } : {}),
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  client.on(Events.InteractionCreate, (interaction) => {
    dispatch(interaction).catch((error: unknown) => log.error('interaction handling failed', error));
  });
  client.on(Events.Error, (error) => log.error('discord client error', error));
  client.on(Events.Warn, (message) => log.warn(`discord: ${message}`));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.discordToken);
    await ready;
  } catch (error) {
    await client.destroy();
    throw explainDiscordFailure(error, config.discordApiUrl);
  }
  const shards = client.shard === null ? '' : ` as shard ${client.shard.ids.join(', ')} of ${client.shard.count}`;
  log.info(`logged in to Discord as ${client.user?.tag ?? 'unknown'}${shards} with ${commands.size} commands (${client.guilds.cache.size} guilds)`);
  return {
    client,
    service,
    async stop() {
      await client.destroy();
    },
  };
}
