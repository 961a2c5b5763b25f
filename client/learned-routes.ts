// The addresses a session's DNS forwarder learned from answers: each a host CIDR carried by
// the gateway whose answer it is (that gateway added it to the session's sets; another one
// would drop its packets). An entry lives until its answer's TTL plus a margin has passed —
// an application may use a cached answer that long, and removing the route earlier would send
// its traffic outside the tunnel. Full of live entries, a NEW address is refused (the query
// gets SERVFAIL) rather than evicting a live one. Entries whose name the session is no longer
// entitled to are dropped. Addresses that would pull the client's own connectivity into the
// tunnel (a gateway's endpoint, loopback, link-local, the overlay…) are never learned.
import ipaddr from 'ipaddr.js';
import { dnsNameMatches } from '../common/dns-names.js';
import type { LearnedDestination } from './plan.js';

/** Learned addresses kept per session unless configured. */
export const MAX_LEARNED = 1024;
/** How long past its TTL an answer's route stays (resolvers and apps cache a little longer). */
export const TTL_MARGIN_SECONDS = 60;
/** A longer TTL counts as this (an entry must not pin its slot for days). */
export const MAX_TTL_SECONDS = 86_400;

interface Entry extends LearnedDestination {
  name: string;
  expiresAtMs: number;
}

/** Thrown by `add` when the new addresses do not fit beside the live entries. */
export class LearnedRoutesFull extends Error {}

/** What a learned address must not be: the client's own connectivity. */
export interface LearnGuard {
  /** The session's overlay addresses and the gateways' service addresses. */
  own: readonly string[];
  /** The overlay prefixes (CIDR): nothing inside is a resource. */
  overlay: readonly string[];
  /** The gateways' WireGuard endpoint hosts (names are skipped: only literals compare). */
  endpointHosts: readonly string[];
}

const REFUSED_RANGES = new Set(['unspecified', 'loopback', 'linkLocal', 'multicast', 'broadcast']);

/** Why `address` must not be learned, or undefined when it may. */
export function refusedAddress(address: string, guard: LearnGuard): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an address';
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  const range = a.range();
  if (REFUSED_RANGES.has(range)) return `a ${range} address`;
  const same = (x: string) => ipaddr.isValid(x) && ipaddr.parse(x).toString() === a.toString();
  if (guard.endpointHosts.some(same)) return 'a gateway\'s WireGuard endpoint';
  if (guard.own.some(same)) return 'an overlay address of this session';
  for (const cidr of guard.overlay) {
    try {
      const [net, bits] = ipaddr.parseCIDR(cidr);
      if (net.kind() === a.kind() && a.match(net, bits)) return 'inside the overlay';
    } catch {
      // Not a CIDR: nothing to compare.
    }
  }
  return undefined;
}

export class LearnedRoutes {
  /** By CIDR. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = MAX_LEARNED, private readonly now: () => number = Date.now) {}

  /**
   * Records `gateway`'s answer for `name` (kept `ttl` seconds plus the margin); true when the
   * routes changed. Throws LearnedRoutesFull, changing nothing, when a new address does not fit.
   */
  add(name: string, gateway: string, addresses: readonly string[], ttl: number): boolean {
    let changed = this.expire();
    const cidrs = [...new Set(addresses.map((a) => `${a}/${a.includes(':') ? 128 : 32}`))];
    const fresh = cidrs.filter((c) => !this.entries.has(c)).length;
    if (this.entries.size + fresh > this.max) {
      throw new LearnedRoutesFull(`${this.entries.size} learned addresses are live (at most ${this.max})`);
    }
    const expiresAtMs = this.now() + (Math.min(Math.max(ttl, 0), MAX_TTL_SECONDS) + TTL_MARGIN_SECONDS) * 1000;
    for (const cidr of cidrs) {
      const old = this.entries.get(cidr);
      changed ||= old?.gateway !== gateway;
      this.entries.set(cidr, { cidr, name, gateway, expiresAtMs: Math.max(expiresAtMs, old?.expiresAtMs ?? 0) });
    }
    return changed;
  }

  /** Forgets the entries past their TTL and margin; true when some went. */
  expire(): boolean {
    const now = this.now();
    let changed = false;
    for (const [cidr, e] of this.entries) {
      if (e.expiresAtMs <= now) {
        this.entries.delete(cidr);
        changed = true;
      }
    }
    return changed;
  }

  /** Forgets the entries no pattern covers any more; true when some went. */
  prune(patterns: readonly string[]): boolean {
    let changed = false;
    for (const [cidr, e] of this.entries) {
      if (!patterns.some((p) => dnsNameMatches(p, e.name))) {
        this.entries.delete(cidr);
        changed = true;
      }
    }
    return changed;
  }

  /** Each learned name with the gateways whose answers carry it now. */
  names(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const e of this.entries.values()) {
      const set = out.get(e.name) ?? new Set<string>();
      set.add(e.gateway);
      out.set(e.name, set);
    }
    return out;
  }

  list(): LearnedDestination[] {
    return [...this.entries.values()].map(({ cidr, gateway }) => ({ cidr, gateway }));
  }
}
