/** Shared option parsing for subcommands: node's own parseArgs, with errors in our words. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidOptionError } from '../../errors.js';

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidOptionError('arguments', message.replace(/\. To specify.*$/s, ''));
  }
}

/** A whole-number option within [min, max], or the fallback when absent. */
export function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new InvalidOptionError(`--${name}`, `"${value}" is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new InvalidOptionError(`--${name}`, `${n} is outside ${min}..${max}`);
  return n;
}

/** A number option within [min, max], or the fallback when absent. */
export function numberOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidOptionError(`--${name}`, `"${value}" is not a number`);
  if (n < min || n > max) throw new InvalidOptionError(`--${name}`, `${n} is outside ${min}..${max}`);
  return n;
}
