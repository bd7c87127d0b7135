import { describe, expect, it } from 'vitest';
import { readConfig, readListImportSettings, secretsOf, secretsOfEnv } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { describeError } from '../src/interfaces/messages.js';
import { createLogger } from '../src/log.js';

function refusal(env: Record<string, string>): string {
  try {
    readConfig(env);
  } catch (error) {
    return describeError(error);
  }
  throw new Error('accepted');
}

describe('readConfig: list imports', () => {
  it('given nothing then AniList and MyAnimeList at their public addresses and no MAL client id', () => {
    expect(readListImportSettings({})).toEqual({ anilistUrl: 'https://graphql.anilist.co', malApiUrl: 'https://api.myanimelist.net/v2', malClientId: undefined });
    expect(readConfig({})).toMatchObject({ anilistUrl: 'https://graphql.anilist.co', malApiUrl: 'https://api.myanimelist.net/v2', malClientId: undefined });
  });

  it('given loopback addresses and a client id then they are read, trailing slashes dropped', () => {
    expect(readConfig({ ANIREC_ANILIST_URL: 'http://127.0.0.1:8001/', ANIREC_MAL_API_URL: 'http://127.0.0.1:8002/v2/', MAL_CLIENT_ID: ' 0123456789abcdef0123456789abcdef ' })).toMatchObject({
      anilistUrl: 'http://127.0.0.1:8001',
      malApiUrl: 'http://127.0.0.1:8002/v2',
      malClientId: '0123456789abcdef0123456789abcdef',
    });
  });

  it('given bad values then one line naming the variable, never echoing the client id', () => {
    expect(refusal({ ANIREC_ANILIST_URL: 'graphql.anilist.co' })).toBe('configuration: ANIREC_ANILIST_URL: "graphql.anilist.co" is not a URL');
    expect(refusal({ ANIREC_MAL_API_URL: 'ftp://x.example/v2' })).toBe('configuration: ANIREC_MAL_API_URL: protocol ftp: is not one of http:, https:');
    const text = refusal({ MAL_CLIENT_ID: 'abc def secret' });
    expect(text).toBe('configuration: MAL_CLIENT_ID: is not a MyAnimeList client id (8 to 128 visible characters, no spaces)');
    expect(text).not.toContain('secret');
  });

  it('given a client id then a logger built with secretsOf(config) never prints it', () => {
    const config = readConfig({ MAL_CLIENT_ID: '0123456789abcdef0123456789abcdef' });
    let out = '';
    const log = createLogger({ secrets: secretsOf(config), write: (line) => (out += line) });
    log.error('fetch failed', new Error('GET with X-MAL-CLIENT-ID: 0123456789abcdef0123456789abcdef refused'));
    expect(out).toBe('ERROR fetch failed: Error: GET with X-MAL-CLIENT-ID: [redacted] refused\n');
  });
});

describe('readConfig: ANIREC_WEB_TRUST_PROXY', () => {
  it('given nothing, false or 0 then no proxy is trusted (the socket address is the client)', () => {
    expect(readConfig({}).webTrustProxy).toBe(false);
    for (const value of ['false', 'off', '0', ' FALSE ']) expect(readConfig({ ANIREC_WEB_TRUST_PROXY: value }).webTrustProxy).toBe(false);
  });

  it('given true then any peer is trusted; given addresses and ranges then those', () => {
    expect(readConfig({ ANIREC_WEB_TRUST_PROXY: 'true' }).webTrustProxy).toBe(true);
    expect(readConfig({ ANIREC_WEB_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' }).webTrustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it('given a hop count or something that is not an address then one line naming the variable', () => {
    expect(refusal({ ANIREC_WEB_TRUST_PROXY: '1' })).toBe(
      "configuration: ANIREC_WEB_TRUST_PROXY: a hop count (1) cannot tell the proxy from a client that reaches anirec directly: give the proxy's address (such as 127.0.0.1 or 10.0.0.0/8), or true to trust any",
    );
    const notAddress = 'configuration: ANIREC_WEB_TRUST_PROXY: "proxy.example" is not true, false, or a proxy address or range such as 10.0.0.1, 10.0.0.0/8, ::1 or loopback';
    expect(refusal({ ANIREC_WEB_TRUST_PROXY: '127.0.0.1,proxy.example' })).toBe(notAddress);
    expect(refusal({ ANIREC_WEB_TRUST_PROXY: '10.0.0.0/33' })).toContain('"10.0.0.0/33" is not');
    expect(refusal({ ANIREC_WEB_TRUST_PROXY: '::1/129' })).toContain('"::1/129" is not');
  });
});

describe('secrets: the store password in every URL form', () => {
  const PASSWORD_URLS = [
    'redis://:hunter22@127.0.0.1:6379',
    'redis://default:hunter22@127.0.0.1:6379',
    'rediss://default:hunter22@cache.example:6380',
    'postgres://u:hunter22@db.example/anirec',
    'postgresql://u@db.example/anirec?password=hunter22',
    'sqlite://data/anirec.sqlite?password=hunter22',
  ];

  it.each(PASSWORD_URLS)('given ANIREC_STORE_URL=%s then a logger built with secretsOf never prints the password, even out of its URL', (storeUrl) => {
    const config = readConfig({ ANIREC_STORE_URL: storeUrl });
    let out = '';
    const log = createLogger({ secrets: secretsOf(config), write: (line) => (out += line) });
    log.info(`store: ${storeUrl}`);
    log.error('store', new Error('WRONGPASS hunter22 is not the password'));
    expect(out).not.toContain('hunter22');
  });

  it('given a percent-encoded password then both its written and its decoded form are secrets', () => {
    const config = readConfig({ ANIREC_STORE_URL: 'postgres://u:p%40ss%3Aw0rd@db.example/anirec' });
    expect(secretsOf(config)).toEqual(expect.arrayContaining(['p%40ss%3Aw0rd', 'p@ss:w0rd']));
  });

  it('given a token, a client id, a Kaggle key and a store password then secretsOfEnv names them all', () => {
    const env = { DISCORD_TOKEN: 'tok-secret', MAL_CLIENT_ID: 'mal-secret-id', KAGGLE_KEY: 'kaggle-secret', ANIREC_STORE_URL: 'redis://:hunter22@h' };
    expect(secretsOfEnv(env)).toEqual(expect.arrayContaining(['tok-secret', 'mal-secret-id', 'kaggle-secret', 'hunter22']));
  });

  it('given a store URL that is not a URL then the refusal does not echo its password', () => {
    for (const storeUrl of ['redis:/:hunter22@127.0.0.1', ':hunter22@127.0.0.1', 'data/anirec.sqlite?password=hunter22']) {
      const text = refusal({ ANIREC_STORE_URL: storeUrl });
      expect(text).toMatch(/^configuration: ANIREC_STORE_URL: ".*" is not a Keyv URL such as sqlite:\/\/data\/anirec.sqlite$/);
      expect(text).not.toContain('hunter22');
    }
  });

  it('given a configuration error naming a URL then its password shows as ***', () => {
    expect(describeError(new ConfigError('ANIREC_STORE_URL', 'unsupported store "mysql://u@h/db?password=hunter22"'))).toBe(
      'configuration: ANIREC_STORE_URL: unsupported store "mysql://u@h/db?password=***"',
    );
    expect(describeError(new ConfigError('ANIREC_STORE_URL', 'unsupported store "mysql://u:hunter22@h/db"'))).not.toContain('hunter22');
  });
});
