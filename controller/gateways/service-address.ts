// The service address of a gateway: one overlay IPv4 address its proxy listens on, taken from
// the top of the overlay pool downward (sessions are allocated from the bottom, rotating, so
// the two rarely meet), never one a live session or another gateway holds. Assigned once, at
// enrollment or, for a gateway enrolled before addresses existed, at its next Hello. The
// partial unique index gateways_service_address keeps two gateways, assigned at once by two
// controllers, from sharing one: on PostgreSQL the serializable transaction that loses is run
// again and picks the next free address.
import { numberToIpv4 } from '../../common/ipv4.js';
import type { Store } from '../store/store.js';

/** The usable addresses of the overlay pool as 32-bit integers (controller/sessions/ipam.ts Pool). */
export interface AddressRange { first: number; last: number; cidr: string }

/** The highest address of the range that is not taken. Throws when every one is. */
export async function topFreeAddress(range: AddressRange, isTaken: (address: string) => Promise<boolean> | boolean): Promise<string> {
  for (let n = range.last; n >= range.first; n--) {
    const address = numberToIpv4(n);
    if (!(await isTaken(address))) return address;
  }
  throw new Error(`overlay pool ${range.cidr} has no free address for a gateway`);
}

/** A unique index refused the write (PostgreSQL, SQLite). */
function uniqueViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Attempts of a transaction of its own that lost an address to a concurrent assignment. */
const MAX_ATTEMPTS = 3;

/**
 * Gives `gateway` a service address if it has none (inside the caller's transaction, or its
 * own). Returns the address newly assigned, or undefined when it already had one.
 */
export async function ensureServiceAddress(store: Store, range: AddressRange, gateway: string): Promise<string | undefined> {
  // Nearly every call (each Hello) finds the address assigned: no transaction for that.
  if (!store.inTransaction && (await store.gateways.get(gateway))?.serviceAddress !== '') return undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(async (tx) => {
        const current = await tx.gateways.get(gateway);
        if (!current || current.serviceAddress) return undefined;
        const address = await topFreeAddress(range, async (a) => (await tx.gateways.isServiceAddress(a)) || (await tx.sessions.isAddressLive(a)));
        await tx.gateways.setServiceAddress(gateway, address);
        return address;
      });
    } catch (err) {
      // Serializable transactions normally report the conflict as retryable (Store.transaction
      // runs them again); a unique violation that gets through is the same race. Inside the
      // caller's transaction it is the caller's to retry.
      if (store.inTransaction || !uniqueViolation(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
