// IPv6 addresses as 128-bit bigints, written once (the IPv6 counterpart of ipv4.ts), and the
// IPv6 overlay: a session's IPv6 address is derived from its IPv4 overlay address (the same
// offset into the ULA prefix as into the IPv4 pool), so one allocation gives both and no
// second allocator or column can disagree with the first. Pure.
import ipaddr from 'ipaddr.js';
import { ipv4Range, ipv4ToNumber } from './ipv4.js';

/** The overlay's IPv6 prefix unless configured (a ULA, RFC 4193). */
export const DEFAULT_OVERLAY_IPV6 = 'fd6b:7769:636b::/64';

/** An IPv6 address (text or parsed) as an unsigned 128-bit integer. */
export function ipv6ToBigInt(address: ipaddr.IPv6 | string): bigint {
  const a = typeof address === 'string' ? ipaddr.IPv6.parse(address) : address;
  return a.parts.reduce((n, p) => (n << 16n) | BigInt(p), 0n);
}

/** An unsigned 128-bit integer as canonical (RFC 5952) IPv6 text. */
export function bigIntToIpv6(n: bigint): string {
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/** True for IPv6 text ("fd00::1", "fd00::/64"); false for IPv4 or names. */
export function isIpv6(text: string): boolean {
  return text.includes(':') && (ipaddr.IPv6.isValid(text) || ipaddr.IPv6.isValidCIDR(text));
}

/** IPv6 address or CIDR → inclusive range (host bits masked). Throws on anything else. */
export function ipv6Range(destination: string): [bigint, bigint] {
  const [text = '', bits, ...rest] = destination.split('/');
  const len = bits === undefined ? 128 : Number(bits);
  if (rest.length || !ipaddr.IPv6.isValid(text) || !/^\d{1,3}$/.test(bits ?? '128') || len > 128) {
    throw new Error(`not an IPv6 address or CIDR: ${JSON.stringify(destination)}`);
  }
  const size = 1n << BigInt(128 - len);
  const first = (ipv6ToBigInt(text) / size) * size;
  return [first, first + size - 1n];
}

/** Canonical CIDR text of an IPv6 address or prefix ("fd00::1" → "fd00::1/128"). */
export function ipv6Cidr(destination: string): string {
  const [first, last] = ipv6Range(destination);
  const len = 128 - (last - first + 1n).toString(2).length + 1;
  return `${bigIntToIpv6(first)}/${len}`;
}

/**
 * The IPv6 overlay address that goes with an IPv4 overlay address: the prefix's network plus
 * the IPv4 address's offset into the pool. Throws when the prefix is too small for the pool.
 */
export function overlayIpv6(prefix: string, pool: string, ipv4: string): string {
  const [poolFirst, poolLast] = ipv4Range(pool);
  const [first, last] = ipv6Range(prefix);
  const offset = BigInt(ipv4ToNumber(ipv4) - poolFirst);
  if (offset < 0n || offset > BigInt(poolLast - poolFirst)) throw new Error(`${ipv4} is not in the overlay pool ${pool}`);
  if (last - first < BigInt(poolLast - poolFirst)) throw new Error(`the IPv6 overlay prefix ${prefix} is smaller than the pool ${pool}`);
  return bigIntToIpv6(first + offset);
}
