#!/usr/bin/env node
/**
 * `anirec`: one entry, one subcommand per file. stdout carries data; logs and errors go to stderr.
 */
import { loadDotenvFile, secretsOfEnv } from '../../config.js';
import { describeFailure, redact } from '../../log.js';
import { describeError } from '../messages.js';
import type { Subcommand } from './subcommand.js';

type Loader = () => Promise<{ default: Subcommand }>;

// Loaded lazily so `anirec data` never pays for TF.js or discord.js.
const SUBCOMMANDS: Record<string, Loader> = {
  data: () => import('./dataCommand.js'),
  catalogue: () => import('./catalogueCommand.js'),
  train: () => import('./trainCommand.js'),
  eval: () => import('./evalCommand.js'),
  tune: () => import('./tuneCommand.js'),
  predict: () => import('./predictCommand.js'),
  recommend: () => import('./recommendCommand.js'),
  similar: () => import('./similarCommand.js'),
  'deploy-commands': () => import('./deployCommand.js'),
  start: () => import('./startCommand.js'),
  web: () => import('./webCommand.js'),
};

async function printHelp(): Promise<void> {
  const lines = ['Usage: anirec <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(SUBCOMMANDS)) {
    const summary = await load().then((m) => m.default.summary, () => '(unavailable)');
    lines.push(`  ${name.padEnd(16)} ${summary}`);
  }
  lines.push('', 'Run `anirec <command> --help` for its options.');
  process.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  loadDotenvFile();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await printHelp();
    return name === undefined ? 1 : 0;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    process.stderr.write(`anirec: unknown command "${name}". Run \`anirec --help\` for the list.\n`);
    return 2;
  }
  const command = (await load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // Printed without the logger (the configuration may be what failed), so redacted here.
    const secrets = secretsOfEnv();
    process.stderr.write(redact(`anirec ${name}: ${describeError(error)}`, secrets) + '\n');
    if (process.env.ANIREC_LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(redact(describeFailure(error, true), secrets) + '\n');
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(redact(`anirec: ${describeError(error)}`, secretsOfEnv()) + '\n');
    process.exitCode = 1;
  },
);
