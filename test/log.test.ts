import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../src/log.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('redact', () => {
  it('given the configured secret inside a message then it is replaced', () => {
    expect(redact('login with s3cr3t-value failed', ['s3cr3t-value'])).toBe('login with [redacted] failed');
  });

  it('given a token-shaped string that is not configured then it is replaced anyway', () => {
    expect(redact(`bad token ${TOKEN}!`)).toBe('bad token [redacted]!');
  });
});

describe('createLogger', () => {
  it('given level warn then info is dropped and errors carry the redacted cause', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', secrets: [TOKEN], write: (l) => lines.push(l) });
    log.info('hidden');
    log.warn('careful');
    log.error('login failed', new Error(`401 for ${TOKEN}`));
    expect(lines).toEqual(['WARN  careful\n', 'ERROR login failed: Error: 401 for [redacted]\n']);
  });
});
