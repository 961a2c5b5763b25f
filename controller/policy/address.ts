// Resource addresses of the policy language: one IPv4 address or an IPv4 CIDR. Parsing with
// ipaddr.js, the numeric range an address covers (for overlap checks and matching), and
// matching a destination against it. Pure.
//
// A DNS name is refused with its own message: nothing downstream can serve one yet (session
// rules, the gateway's sets and the client's routes are all numeric), and a name that passed
// here used to fail only after a Connect had committed its session.
import ipaddr from 'ipaddr.js';
import { isDottedQuad } from '../../common/formats.js';
import { ipv4ToNumber } from '../../common/ipv4.js';

export interface ResourceAddress { kind: 'ip' | 'cidr'; text: string; first: number; last: number }

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Addresses a gateway can never usefully forward to (or that would be the gateway itself). */
const UNROUTABLE = new Set(['unspecified', 'broadcast', 'multicast', 'loopback']);

/** Strict IPv4 dotted quad (no shorthand, octal or hex forms that ipaddr.js would also accept). */
function parseIPv4(text: string): ipaddr.IPv4 | undefined {
  return isDottedQuad(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** Parses a resource address; returns the reason as a string when it is not valid. */
export function parseResourceAddress(input: string): ResourceAddress | string {
  const text = input.trim();
  if (ipaddr.IPv6.isValid(text) || ipaddr.IPv6.isValidCIDR(text)) {
    return `IPv6 address "${text}" is not supported: gateways enforce IPv4 destinations`;
  }
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
  if (/^[0-9.]+$/.test(text) || ipaddr.IPv4.isValid(text)) {
    const addr = parseIPv4(text);
    if (!addr) return `invalid IPv4 address "${text}"`;
    if (UNROUTABLE.has(addr.range())) return `address "${text}" is ${addr.range()} and cannot be a resource`;
    const n = ipv4ToNumber(addr);
    return { kind: 'ip', text: addr.toString(), first: n, last: n };
  }
  const name = text.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || !labels.every((l) => HOST_LABEL.test(l)) || /^[0-9]+$/.test(labels.at(-1)!)) {
    return `invalid address "${text}": use an IPv4 address or an IPv4 CIDR`;
  }
  return `DNS names are not supported as resource addresses yet ("${text}"): use the resource's IPv4 address or CIDR`;
}

/** True when the two addresses can name the same destination. */
export function addressesOverlap(a: ResourceAddress, b: ResourceAddress): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when `destination` (an IPv4 address) lies within the resource address. */
export function addressContains(address: ResourceAddress, destination: string): boolean {
  const ip = parseIPv4(destination);
  if (!ip) return false;
  const n = ipv4ToNumber(ip);
  return address.first <= n && n <= address.last;
}
