// Pure helpers over a session's entitlements: which gateways they need (primaries and
// standbys), the routes they become, when the session ends, and whether a re-evaluation
// changed anything. A destination is an IPv4 or IPv6 address or CIDR, a DNS name or a
// wildcard (controller/policy/address.ts): only addresses are routes; names reach the client
// as dns_names and the gateway as they are.
import ipaddr from 'ipaddr.js';
import type { Entitlement } from '../policy/index.js';
import { ipv6Cidr, isIpv6 } from '../../common/ipv6.js';
import { isNameDestination } from '../../common/dns-names.js';

/** The gateways serving one entitlement: its primary, then its standbys in order. */
export function gatewaysOfEntitlement(e: Entitlement): string[] {
  return [e.gateway, ...e.standbyGateways];
}

/** The gateways a set of entitlements uses (primaries and standbys), sorted. */
export function gatewaysOf(list: readonly Entitlement[]): string[] {
  return [...new Set(list.flatMap(gatewaysOfEntitlement))].sort();
}

/**
 * "10.0.0.5" -> "10.0.0.5/32", "fd20::10" -> "fd20::10/128"; a CIDR is returned in canonical
 * form (host bits cleared, IPv6 as RFC 5952). Throws on a name: names are not routes.
 */
export function destinationCidr(destination: string): string {
  if (isIpv6(destination)) return ipv6Cidr(destination);
  if (destination.includes('/')) {
    const [, bits] = ipaddr.IPv4.parseCIDR(destination);
    return `${ipaddr.IPv4.networkAddressFromCIDR(destination).toString()}/${bits}`;
  }
  return `${ipaddr.IPv4.parse(destination).toString()}/32`;
}

/** What a gateway rule carries for an entitlement: an address as its CIDR, a name or wildcard as it is. */
export function ruleDestination(destination: string): string {
  return isNameDestination(destination) ? destination : destinationCidr(destination);
}

/**
 * When a session ends: its certificate's expiry, or earlier when every entitlement it got
 * ends earlier (a session_ttl or the close of a schedule window).
 */
export function sessionExpiry(list: readonly Entitlement[], certNotAfterMs: number): number {
  const latest = Math.max(...list.map((e) => e.expiresAt ?? Infinity));
  return Math.min(certNotAfterMs, latest);
}

function key(e: Entitlement): string {
  // An HTTP grant's methods and paths are part of what a session may do: a change is a change;
  // so is a change of standbys (the session moves onto or off a gateway).
  return [e.gateway, e.standbyGateways.join(','), e.resource, e.destination, e.protocol, e.portFrom, e.portTo, e.grant, e.expiresAt ?? '', e.http ? JSON.stringify(e.http) : ''].join('|');
}

/** Same entitlements (order does not matter). */
export function entitlementsEqual(a: readonly Entitlement[], b: readonly Entitlement[]): boolean {
  if (a.length !== b.length) return false;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.every((k, i) => k === kb[i]);
}

/** Same groups (both lists are sorted and unique, as decisions make them). */
export function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}
