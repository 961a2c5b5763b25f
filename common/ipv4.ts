// IPv4 addresses as 32-bit numbers, written once: address <-> integer, and an address or
// CIDR as the inclusive range of integers it covers. Numbers make overlap, containment and
// exact comparison of what was written with what is read back cheap. Pure.
import ipaddr from 'ipaddr.js';
import { isDottedQuad } from './formats.js';

/** An IPv4 address (parsed, or as text) as an unsigned 32-bit integer. */
export function ipv4ToNumber(address: ipaddr.IPv4 | string): number {
  const a = typeof address === 'string' ? ipaddr.IPv4.parse(address) : address;
  return a.octets.reduce((n, o) => n * 256 + o, 0);
}

/** An unsigned 32-bit integer as a dotted-quad IPv4 address. */
export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * IPv4 address or CIDR → inclusive numeric range (host bits masked). Throws on anything
 * else (IPv4 only). Memoised: the same few resource addresses recur across thousands of
 * sessions.
 */
export function ipv4Range(destination: string): [number, number] {
  let r = rangeCache.get(destination);
  if (!r) {
    if (rangeCache.size >= RANGE_CACHE_MAX) rangeCache.clear();
    r = parseRange(destination);
    rangeCache.set(destination, r);
  }
  return [r[0], r[1]];
}

const RANGE_CACHE_MAX = 100_000;
const rangeCache = new Map<string, readonly [number, number]>();

function parseRange(destination: string): [number, number] {
  const [text, prefix, ...rest] = destination.split('/');
  const len = prefix === undefined ? 32 : Number(prefix);
  if (rest.length || !isDottedQuad(text) || !/^\d{1,2}$/.test(prefix ?? '32') || len > 32) {
    throw new Error(`not an IPv4 address or CIDR: ${JSON.stringify(destination)}`);
  }
  const addr = ipaddr.IPv4.parse(text);
  const first = ipv4ToNumber(ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${len}`));
  return [first, first + 2 ** (32 - len) - 1];
}
