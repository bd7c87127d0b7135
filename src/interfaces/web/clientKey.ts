/**
 * Who a web request counts against. A visitor is their address, except that an IPv6 visitor is their /64:
 * one connection (a home, a phone, a server) is normally given a whole /64 and can pick a fresh address in it
 * for every request, so a per-address limit would not limit them at all. An IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`, what a dual-stack socket reports for an IPv4 client) is that IPv4 address.
 * And an API request is one whose route, as Fastify matched it, is under /api/, or whose path, decoded and
 * normalised, is: the raw URL cannot decide (`/%61pi/search` reaches /api/search).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (compressed, mixed with dotted IPv4, any case). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', tail] = text.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The rate-limit key of a client address: an IPv4 address as it is, an IPv6 address as its /64 prefix
 * (`2001:db8:0:1::/64`), an IPv4-mapped IPv6 address as its IPv4 address; a port after it is dropped.
 * Anything else (not an address) is its own key.
 */
export function clientLimitKey(ip: string): string {
  // Some proxies forward `1.2.3.4:5678` or `[2001:db8::1]:5678`: the port is not the client (a new one each
  // connection), and a zone id (fe80::1%eth0) names no client either.
  const address = ip
    .trim()
    .toLowerCase()
    .replace(/^\[([^\]]*)\](?::\d+)?$/, '$1')
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')
    .replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The path of a raw request URL as a router would see it: decoded, lower case, `//` and dot segments resolved. */
function normalisedPath(rawUrl: string): string {
  let path = rawUrl.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as sent: nothing routes it anyway.
  }
  path = path.replace(/\\/g, '/').replace(/\/{2,}/g, '/').toLowerCase();
  return new URL(path.startsWith('/') ? path : `/${path}`, 'http://anirec.invalid').pathname;
}

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/** True when a request reaches an API route (or would be one, normalised): the ones the web limit counts. */
export function isApiRequest(routeUrl: string | undefined, rawUrl: string): boolean {
  return (routeUrl !== undefined && isApiPath(routeUrl)) || isApiPath(normalisedPath(rawUrl));
}
