// Resource addresses of the policy language: an IPv4 address or CIDR, an IPv6 address or
// prefix, a DNS name or a wildcard ("*.corp.internal"). Parsing into one canonical text (the
// entitlement's destination), the numeric range an IP address covers (for overlap checks)
// and whether a destination given on the command line lies within one (matching). Pure.
import ipaddr from 'ipaddr.js';
import { dnsNameMatches, isDnsName, isDnsWildcard, normalizeDnsName } from '../../common/dns-names.js';
import { isDottedQuad } from '../../common/formats.js';
import { ipv4ToNumber } from '../../common/ipv4.js';
import { bigIntToIpv6, ipv6ToBigInt } from '../../common/ipv6.js';

export type ResourceAddress =
  | { kind: 'ip' | 'cidr'; text: string; first: number; last: number }
  | { kind: 'ip6' | 'cidr6'; text: string; first: bigint; last: bigint }
  | { kind: 'name' | 'wildcard'; text: string };

/** Addresses a gateway can never usefully forward to (or that would be the gateway itself). */
const UNROUTABLE = new Set(['unspecified', 'broadcast', 'multicast', 'loopback']);

/**
 * IPv6 ranges refused, with the shortest prefix that lies wholly inside each: a prefix is
 * refused only when it is inside one (fe80::/64 is, ::/0 is not, as 0.0.0.0/0 is allowed).
 * Link-local addresses need an interface to mean anything; an IPv4-mapped address is IPv4
 * traffic, which the IPv4 address already names.
 */
const UNROUTABLE6: Record<string, { bits: number; reason: string }> = {
  unspecified: { bits: 128, reason: 'the unspecified address' },
  loopback: { bits: 128, reason: 'the loopback address' },
  multicast: { bits: 8, reason: 'multicast' },
  linkLocal: { bits: 10, reason: 'link-local (it has a meaning only on one link)' },
  ipv4Mapped: { bits: 96, reason: 'IPv4-mapped (name the IPv4 address instead)' },
};

/**
 * Top-level domains that never reach a resource (RFC 6761): `.invalid` never resolves (the
 * clients' gateway health probe asks for a name in it) and `.localhost` is the host itself.
 */
const RESERVED_TLDS = new Set(['invalid', 'localhost']);

const FORMS = 'use an IPv4 address or CIDR (10.20.0.10, 10.20.1.0/24), an IPv6 address or prefix (fd20::10, fd20::/64), a DNS name (db.corp.internal) or a wildcard ("*.corp.internal")';

/** Strict IPv4 dotted quad (no shorthand, octal or hex forms that ipaddr.js would also accept). */
function parseIPv4(text: string): ipaddr.IPv4 | undefined {
  return isDottedQuad(text) ? ipaddr.IPv4.parse(text) : undefined;
}

function parseIpv4Address(text: string): ResourceAddress | string {
  if (text.includes('/')) {
    // Split on every slash: "10.20.1.0/2/4" must be refused here, not reach ipaddr.js.
    const [base = '', bits = '', ...extra] = text.split('/');
    const addr = parseIPv4(base);
    if (!addr || extra.length > 0 || !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(bits)) {
      return `invalid CIDR "${text}": use an IPv4 network like 10.20.1.0/24`;
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(text);
    if (network.toString() !== addr.toString()) {
      return `invalid CIDR "${text}": host bits are set (did you mean ${network.toString()}/${bits}?)`;
    }
    const first = ipv4ToNumber(network);
    return { kind: 'cidr', text: `${network.toString()}/${bits}`, first, last: ipv4ToNumber(ipaddr.IPv4.broadcastAddressFromCIDR(text)) };
  }
  const addr = parseIPv4(text);
  if (!addr) return `invalid IPv4 address "${text}"`;
  if (UNROUTABLE.has(addr.range())) return `address "${text}" is ${addr.range()} and cannot be a resource`;
  const n = ipv4ToNumber(addr);
  return { kind: 'ip', text: addr.toString(), first: n, last: n };
}

/** An IPv6 address or prefix in canonical (RFC 5952, lower-case) text. */
function parseIpv6Address(text: string): ResourceAddress | string {
  const [base = '', bits, ...extra] = text.split('/');
  if (!/^[0-9A-Fa-f:.]+$/.test(base)) return `invalid address "${text}": ${FORMS}`;
  if (extra.length > 0 || !ipaddr.IPv6.isValid(base)) {
    return `invalid IPv6 ${bits === undefined ? 'address' : 'prefix'} "${text}": use an address like fd20::10 or a prefix like fd20::/64`;
  }
  if (bits !== undefined && !/^(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/.test(bits)) {
    return `invalid IPv6 prefix "${text}": the length after "/" is 0-128, e.g. fd20::/64`;
  }
  const len = bits === undefined ? 128 : Number(bits);
  const size = 1n << BigInt(128 - len);
  const first = (ipv6ToBigInt(base) / size) * size;
  const canonical = bigIntToIpv6(first);
  if (first !== ipv6ToBigInt(base)) {
    return `invalid IPv6 prefix "${text}": host bits are set (did you mean ${canonical}/${len}?)`;
  }
  const refused = UNROUTABLE6[ipaddr.IPv6.parse(canonical).range()];
  if (refused && len >= refused.bits) return `address "${text}" is ${refused.reason} and cannot be a resource`;
  return bits === undefined
    ? { kind: 'ip6', text: canonical, first, last: first }
    : { kind: 'cidr6', text: `${canonical}/${len}`, first, last: first + size - 1n };
}

function parseDnsAddress(text: string): ResourceAddress | string {
  const name = normalizeDnsName(text);
  if (name.includes('*')) {
    if (!isDnsWildcard(name)) return `invalid wildcard "${text}": a wildcard is "*." and a DNS name of two labels or more, e.g. "*.corp.internal"`;
  } else if (!isDnsName(name)) {
    return `invalid address "${text}": ${FORMS}`;
  }
  const tld = name.split('.').at(-1)!;
  if (RESERVED_TLDS.has(tld)) return `address "${text}" is under .${tld}, which never names a resource (RFC 6761)`;
  return { kind: name.startsWith('*.') ? 'wildcard' : 'name', text: name };
}

/** Parses a resource address; returns the reason as a string when it is not valid. */
export function parseResourceAddress(input: string): ResourceAddress | string {
  const text = input.trim();
  if (text.includes(':')) return parseIpv6Address(text);
  // Names never contain "/": a slash means an IPv4 CIDR (and gets its messages).
  if (text.includes('/') || /^[0-9.]+$/.test(text) || ipaddr.IPv4.isValid(text)) return parseIpv4Address(text);
  return parseDnsAddress(text);
}

/**
 * True when `destination` lies within the resource address: an IPv4 address within an IPv4
 * resource, an IPv6 address within an IPv6 one, a DNS name equal to a name resource or
 * covered by a wildcard.
 */
export function addressContains(address: ResourceAddress, destination: string): boolean {
  const text = destination.trim();
  switch (address.kind) {
    case 'ip':
    case 'cidr': {
      const ip = parseIPv4(text);
      if (!ip) return false;
      const n = ipv4ToNumber(ip);
      return address.first <= n && n <= address.last;
    }
    case 'ip6':
    case 'cidr6': {
      if (!/^[0-9A-Fa-f:.]+$/.test(text) || !ipaddr.IPv6.isValid(text)) return false;
      const n = ipv6ToBigInt(text);
      return address.first <= n && n <= address.last;
    }
    case 'name':
    case 'wildcard':
      return dnsNameMatches(address.text, normalizeDnsName(text));
  }
}
