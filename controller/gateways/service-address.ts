// The service address of a gateway: one overlay IPv4 address its proxy listens on, taken from
// the top of the overlay pool downward (sessions are allocated from the bottom, rotating, so
// the two rarely meet), never one a live session or another gateway holds. Assigned once, at
// enrollment or, for a gateway enrolled before addresses existed, at its next Hello.
import { numberToIpv4 } from '../../common/ipv4.js';
import type { Store } from '../store/store.js';

/** The usable addresses of the overlay pool as 32-bit integers (controller/sessions/ipam.ts Pool). */
export interface AddressRange { first: number; last: number; cidr: string }

/** The highest address of the range that is not taken. Throws when every one is. */
export function topFreeAddress(range: AddressRange, isTaken: (address: string) => boolean): string {
  for (let n = range.last; n >= range.first; n--) {
    const address = numberToIpv4(n);
    if (!isTaken(address)) return address;
  }
  throw new Error(`overlay pool ${range.cidr} has no free address for a gateway`);
}

/**
 * Gives `gateway` a service address if it has none (inside the caller's transaction, or its
 * own). Returns the address newly assigned, or undefined when it already had one.
 */
export function ensureServiceAddress(store: Store, range: AddressRange, gateway: string): string | undefined {
  return store.transaction(() => {
    const current = store.gateways.get(gateway);
    if (!current || current.serviceAddress) return undefined;
    const address = topFreeAddress(range, (a) => store.gateways.isServiceAddress(a) || store.sessions.isAddressLive(a));
    store.gateways.setServiceAddress(gateway, address);
    return address;
  });
}
