import { describe, expect, it } from 'vitest';
import { createLogger, maskUrlPasswords, redact, urlPasswords } from '../src/log.js';

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

describe('URL passwords', () => {
  const FORMS: [string, string[]][] = [
    ['redis://:hunter22@127.0.0.1:6379', ['hunter22']],
    ['redis://default:hunter22@cache.example:6379/0', ['hunter22']],
    ['rediss://user:hunter22@cache.example:6380', ['hunter22']],
    ['postgres://u:hunter22@db.example/anirec', ['hunter22']],
    ['postgresql://u@db.example/anirec?sslmode=require&password=hunter22', ['hunter22']],
    ['sqlite:///var/lib/anirec/store.sqlite?password=hunter22', ['hunter22']],
    ['postgres://u:p%40ss%2Fw0rd@db.example/anirec', ['p%40ss%2Fw0rd', 'p@ss/w0rd']],
    ['redis://:p@ss@127.0.0.1:6379', ['p@ss']],
  ];

  it.each(FORMS)('given %s then urlPasswords finds the password as written and decoded', (url, passwords) => {
    for (const pw of passwords) expect(urlPasswords(url)).toContain(pw);
  });

  it.each(FORMS)('given %s inside a line then maskUrlPasswords shows *** in its place', (url, passwords) => {
    const masked = maskUrlPasswords(`store: @keyv/x (${url}), one process only`);
    for (const pw of passwords) expect(masked).not.toContain(pw);
    expect(masked).toContain('***');
  });

  it('given URLs without a password then nothing changes', () => {
    const line = 'store redis://127.0.0.1:6379 and sqlite:///tmp/a.sqlite?mode=ro, api http://127.0.0.1:80/api, mail a@b.example';
    expect(maskUrlPasswords(line)).toBe(line);
    expect(urlPasswords('redis://127.0.0.1:6379')).toEqual([]);
    expect(urlPasswords('sqlite://data/anirec.sqlite')).toEqual([]);
  });

  it('given a whole line then the user name and host stay readable', () => {
    expect(maskUrlPasswords('open postgres://anirec:hunter22@db.example:5432/anirec?password=x2&ssl=1 failed')).toBe(
      'open postgres://anirec:***@db.example:5432/anirec?password=***&ssl=1 failed',
    );
  });
});

describe('createLogger at debug: stacks, causes and AggregateErrors', () => {
  it('given a secret in a nested cause and in an AggregateError then every line is redacted and the chain is shown', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', secrets: ['hunter22', TOKEN], write: (l) => lines.push(l) });
    const root = new Error('AUTH hunter22 refused by redis://:hunter22@127.0.0.1:6379');
    const aggregate = new AggregateError([new Error(`login ${TOKEN}`), root], 'all connections failed');
    log.error('store', new Error('could not open the store', { cause: aggregate }));
    const text = lines.join('');
    expect(text).toContain('could not open the store');
    expect(text).toContain('caused by AggregateError: all connections failed');
    expect(text).toContain('- Error: AUTH [redacted] refused by redis://:***@127.0.0.1:6379');
    expect(text).toContain('at '); // stacks at debug
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain(TOKEN);
  });

  it('given level info then the cause chain is shown without stacks, redacted', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l) });
    log.error('store', new Error('outer', { cause: new Error('connect postgres://u@h/db?password=hunter22') }));
    expect(lines).toEqual(['ERROR store: Error: outer\n  caused by Error: connect postgres://u@h/db?password=***\n']);
  });
});

describe('maskUrlPasswords in parentheses', () => {
  it('given a URL closed by a parenthesis then the parenthesis stays', () => {
    expect(maskUrlPasswords('store: @keyv/sqlite (sqlite:///tmp/a.sqlite?password=hunter22), one process only')).toBe(
      'store: @keyv/sqlite (sqlite:///tmp/a.sqlite?password=***), one process only',
    );
    expect(maskUrlPasswords('(sqlite:///tmp/a.sqlite?password=hunter22)')).toBe('(sqlite:///tmp/a.sqlite?password=***)');
  });
});
