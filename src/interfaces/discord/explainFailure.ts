/**
 * Discord failures that are really settings to fix: a refused token (REST 401, gateway close 4004) or
 * an unreachable API. They become a ConfigError naming the variable, so the person reads one line
 * instead of "something went wrong".
 */
import { ConfigError } from '../../errors.js';

export function explainDiscordFailure(error: unknown, apiUrl: string): unknown {
  const e = error as { code?: unknown; status?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (e.code === 'TokenInvalid' || e.status === 401 || e.message === 'Authentication failed') {
    return new ConfigError('DISCORD_TOKEN', 'Discord refused this token; copy it again from the Developer Portal (Bot -> Reset Token)');
  }
  const cause = e.cause?.code;
  if (e.code === 'ECONNREFUSED' || cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || (error instanceof TypeError && e.message === 'fetch failed')) {
    return new ConfigError('DISCORD_API_URL', `could not reach ${apiUrl}`);
  }
  return error;
}
