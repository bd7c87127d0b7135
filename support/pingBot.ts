/**
 * The transport peer: a bare discord.js Client that answers every command with a constant and does
 * no work (plus `defer-edit` / `defer-follow`, which exercise the fake's deferred routes), so its throughput and latency are the ceiling the fake Discord and the client allow.
 * Used by the fake Discord's own test and by bench/discord.ts (run as a script: `tsx pingBot.ts`,
 * reading DISCORD_API_URL and DISCORD_TOKEN).
 */
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { pathToFileURL } from 'node:url';

export async function startPingBot(apiUrl: string, token: string): Promise<{ client: Client; stop(): Promise<void> }> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl, globalRequestsPerSecond: 100_000 },
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand() && interaction.commandName === 'defer-edit') {
      void interaction
        .deferReply({ flags: MessageFlags.Ephemeral })
        .then(() => interaction.editReply({ content: 'edited' }))
        .catch(() => undefined);
    } else if (interaction.isChatInputCommand() && interaction.commandName === 'defer-follow') {
      void interaction
        .deferReply({ flags: MessageFlags.Ephemeral })
        .then(() => interaction.followUp({ content: 'followed' }))
        .catch(() => undefined);
    } else if (interaction.isChatInputCommand()) {
      void interaction.reply({ content: 'pong', allowedMentions: { parse: [] } }).catch(() => undefined);
    } else if (interaction.isButton()) {
      void interaction.update({ content: `clicked ${interaction.customId}` }).catch(() => undefined);
    } else if (interaction.isAutocomplete()) {
      void interaction.respond([{ name: 'pong', value: 'pong' }]).catch(() => undefined);
    }
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  return { client, stop: () => client.destroy() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bot = await startPingBot(process.env.DISCORD_API_URL!, process.env.DISCORD_TOKEN!);
  process.stderr.write('ping bot ready\n');
  process.on('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
}
