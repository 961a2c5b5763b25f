// Pure helpers over a session's entitlements: which gateways they need, the routes they
// become, when the session ends, and whether a re-evaluation changed anything.
import ipaddr from 'ipaddr.js';
import type { Entitlement } from '../policy/index.js';

/** The gateways a set of entitlements uses, sorted. */
export function gatewaysOf(list: readonly Entitlement[]): string[] {
  return [...new Set(list.map((e) => e.gateway))].sort();
}

/** "10.0.0.5" -> "10.0.0.5/32"; a CIDR is returned in canonical form (host bits cleared). */
export function destinationCidr(destination: string): string {
  if (destination.includes('/')) {
    const [addr, bits] = ipaddr.parseCIDR(destination);
    const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(destination) : ipaddr.IPv6.networkAddressFromCIDR(destination);
    return `${network.toString()}/${bits}`;
  }
  const addr = ipaddr.parse(destination);
  return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
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
  // An HTTP grant's methods and paths are part of what a session may do: a change is a change.
  return [e.gateway, e.resource, e.destination, e.protocol, e.portFrom, e.portTo, e.grant, e.expiresAt ?? '', e.http ? JSON.stringify(e.http) : ''].join('|');
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
