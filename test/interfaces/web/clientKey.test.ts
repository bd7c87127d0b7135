import { describe, expect, it } from 'vitest';
import { clientLimitKey, isApiRequest } from '../../../src/interfaces/web/clientKey.js';

describe('clientLimitKey', () => {
  it('given an IPv4 address then the address itself', () => {
    expect(clientLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientLimitKey('127.0.0.1')).toBe('127.0.0.1');
  });

  it('given IPv6 addresses in one /64, in any spelling, then one key', () => {
    const sameNetwork = [
      '2001:db8:1:2::1',
      '2001:db8:1:2::ffff',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:DB8:1:2:aaaa:bbbb:cccc:dddd',
      '2001:db8:1:2:0:0:0:0',
      '2001:db8:1:2::',
      '2001:db8:1:2::1.2.3.4',
      '2001:db8:1:2::1%eth0',
    ];
    expect(new Set(sameNetwork.map(clientLimitKey))).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('given IPv6 addresses in different /64s then different keys', () => {
    expect(clientLimitKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(clientLimitKey('::')).toBe('0:0:0:0::/64');
    expect(clientLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientLimitKey('1:2:3:4:5:6:7:8')).toBe('1:2:3:4::/64');
  });

  it('given an IPv4-mapped IPv6 address, dotted or in hex, then the IPv4 address', () => {
    expect(clientLimitKey('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(clientLimitKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(clientLimitKey('::ffff:102:304')).toBe('1.2.3.4');
    expect(clientLimitKey('0:0:0:0:0:ffff:c000:0280')).toBe('192.0.2.128');
    expect(clientLimitKey('::ffff:1.2.3.4')).toBe(clientLimitKey('1.2.3.4'));
  });

  it('given an address with a port, as some proxies forward it, then the port is dropped', () => {
    expect(clientLimitKey('203.0.113.7:51234')).toBe('203.0.113.7');
    expect(clientLimitKey('[2001:db8:1:2::1]:51234')).toBe('2001:db8:1:2::/64');
    expect(clientLimitKey('[2001:db8:1:2::1]')).toBe('2001:db8:1:2::/64');
    expect(clientLimitKey('[::ffff:1.2.3.4]:80')).toBe('1.2.3.4');
  });

  it('given something that is not an address then it is its own key', () => {
    expect(clientLimitKey('unknown')).toBe('unknown');
    expect(clientLimitKey('')).toBe('');
  });
});

describe('isApiRequest', () => {
  it('given a matched API route then true whatever the raw URL says', () => {
    expect(isApiRequest('/api/search', '/%61pi/search?q=x')).toBe(true);
    expect(isApiRequest('/api/similar/:animeId', '/api/similar/%31')).toBe(true);
  });

  it('given no API route then the decoded, normalised path decides', () => {
    for (const url of ['/api/nothing', '//api/search', '/API/search', '/%41PI/search', '/api//search', '/x/../api/search', '/%2e%2e/api/search', '/%2fapi/search', '/api']) {
      expect(isApiRequest('/*', url), url).toBe(true);
    }
    for (const url of ['/', '/app.js', '/report/comparison.svg', '/apiary', '/%zz/api']) expect(isApiRequest('/*', url), url).toBe(false);
    expect(isApiRequest(undefined, '/app.css')).toBe(false);
  });
});
