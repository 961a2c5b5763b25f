// The IPv6 overlay prefix (`--overlay-ipv6`): validated against the IPv4 pool once at start,
// then every session's and gateway's IPv6 address is derived from its IPv4 one
// (common/ipv6.ts overlayIpv6), so nothing new is stored and the two cannot disagree.
import { ipv6Cidr, overlayIpv6 } from '../../common/ipv6.js';
import { numberToIpv4 } from '../../common/ipv4.js';
import type { Pool } from './ipam.js';

/**
 * The prefix in canonical form ("fd6b:7769:636b::/64"); throws with a clear message when it
 * is not an IPv6 prefix or is too small to give every address of the pool its twin.
 */
export function parseOverlayIpv6(prefix: string, pool: Pool): string {
  let canonical: string;
  try {
    canonical = ipv6Cidr(prefix);
  } catch {
    throw new Error(`overlay IPv6 prefix ${JSON.stringify(prefix)} is not an IPv6 prefix (like fd6b:7769:636b::/64)`);
  }
  try {
    // Refuses a prefix with fewer addresses than the pool, whichever address is asked.
    overlayIpv6(canonical, pool.cidr, numberToIpv4(pool.first));
  } catch {
    throw new Error(`overlay IPv6 prefix ${canonical} is smaller than the IPv4 pool ${pool.cidr}`);
  }
  return canonical;
}

/** The IPv6 twin of an IPv4 overlay address ('' stays '': a gateway without a service address yet). */
export function ipv6Twin(prefix: string, pool: Pool, ipv4: string): string {
  return ipv4 ? overlayIpv6(prefix, pool.cidr, ipv4) : '';
}
