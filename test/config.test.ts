import { describe, expect, it } from 'vitest';
import { readConfig, readListImportSettings, secretsOf } from '../src/config.js';
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
