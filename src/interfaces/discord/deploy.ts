/**
 * Registers the slash commands (the same `data` the bot loads) with one REST PUT: in one guild when a
 * guild id is given (instant, for testing), else globally (may take up to an hour to appear).
 */
import { REST, Routes } from 'discord.js';
import type { Command } from '../command.js';
import { explainDiscordFailure } from './explainFailure.js';

export interface DeployOptions {
  token: string;
  clientId: string;
  guildId?: string;
  /** REST base without /v10 (config.discordApiUrl). */
  apiUrl: string;
  commands: Iterable<Pick<Command, 'data'>>;
}

export interface DeployResult {
  scope: 'guild' | 'global';
  names: string[];
}

export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const body = [...options.commands].map((c) => c.data.toJSON());
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const route =
    options.guildId !== undefined ? Routes.applicationGuildCommands(options.clientId, options.guildId) : Routes.applicationCommands(options.clientId);
  try {
    await rest.put(route, { body });
  } catch (error) {
    throw explainDiscordFailure(error, options.apiUrl);
  }
  return { scope: options.guildId !== undefined ? 'guild' : 'global', names: body.map((b) => b.name) };
}
