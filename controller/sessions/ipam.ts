// Overlay address allocation. Pure: the caller says which addresses are taken (a lookup in
// the live-session index) and keeps the cursor, so that addresses rotate through the pool
// instead of an ended session's address being handed straight to the next one.
import ipaddr from 'ipaddr.js';
import { ipv4ToNumber, numberToIpv4 } from '../../common/ipv4.js';

export interface Pool {
  /** First and last usable address as 32-bit integers (network and broadcast excluded). */
  first: number;
  last: number;
  cidr: string;
}

/** Parses an IPv4 pool like "100.64.0.0/10"; throws with a clear message otherwise. */
export function parsePool(cidr: string): Pool {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    throw new Error(`overlay pool ${JSON.stringify(cidr)} is not a CIDR`);
  }
  const [addr, bits] = parsed;
  if (addr.kind() !== 'ipv4') throw new Error(`overlay pool ${cidr} must be IPv4`);
  if (bits > 30) throw new Error(`overlay pool ${cidr} is too small (at most /30)`);
  const network = ipv4ToNumber(ipaddr.IPv4.networkAddressFromCIDR(cidr));
  const broadcast = ipv4ToNumber(ipaddr.IPv4.broadcastAddressFromCIDR(cidr));
  return { first: network + 1, last: broadcast - 1, cidr: `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${bits}` };
}

/**
 * The first free address at or after `cursor` (wrapping once around the pool), and the
 * cursor to use next time. Throws when every address is taken.
 */
export async function allocate(pool: Pool, cursor: number, isTaken: (address: string) => boolean | Promise<boolean>): Promise<{ address: string; next: number }> {
  const size = pool.last - pool.first + 1;
  const start = cursor >= pool.first && cursor <= pool.last ? cursor : pool.first;
  for (let i = 0; i < size; i++) {
    const n = pool.first + ((start - pool.first + i) % size);
    const address = numberToIpv4(n);
    if (!(await isTaken(address))) return { address, next: n === pool.last ? pool.first : n + 1 };
  }
  throw new Error(`overlay pool ${pool.cidr} is exhausted (${size} addresses in use)`);
}
