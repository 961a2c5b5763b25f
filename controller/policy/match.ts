// Whether a concrete packet (destination address or DNS name, protocol, port) falls within a
// set of entitlements, with exact boundaries: the first and last address of a CIDR or IPv6
// prefix and the first and last port of a range match, one beyond does not. A name matches
// a name resource or a wildcard covering it, never an address resource. Pure.
import { addressContains, parseResourceAddress } from './address.js';
import type { Entitlement } from './evaluate.js';
import type { Protocol } from './ports.js';

/** The entitlements that allow a packet to `destination` (an IPv4 or IPv6 address, or a DNS name); icmp ignores the port. */
export function matchingEntitlements(entitlements: readonly Entitlement[], destination: string, protocol: Protocol, port = 0): Entitlement[] {
  return entitlements.filter((e) => {
    if (e.protocol !== protocol) return false;
    if (protocol !== 'icmp' && (port < e.portFrom || port > e.portTo)) return false;
    const address = parseResourceAddress(e.destination);
    return typeof address !== 'string' && addressContains(address, destination);
  });
}
