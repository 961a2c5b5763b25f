// Pure computation of the client's tunnel from the controller's gateway list: validated
// WireGuard peers (split tunnel: AllowedIPs = entitled destinations only) and the routes
// that go with them, plus the route diff applied when entitlements change live.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { ClientGatewayPeer__Output } from '../proto/generated/wicket/v1/ClientGatewayPeer.js';
import { splitHostPort } from '../common/pki.js';
import { describeFirstIssue } from '../common/zod-issue.js';
import { wgKeySchema } from '../common/formats.js';
import type { WgPeer } from '../common/wireguard/peers.js';
import { dnsNameMatches, isDnsName, isDnsWildcard, normalizeDnsName } from '../common/dns-names.js';
import { isIpv6 } from '../common/ipv6.js';

/** Keepalive keeps NAT state open so gateway-to-client replies and revocations get through. */
export const PERSISTENT_KEEPALIVE_SECONDS = 25;


/** Normalises "10.0.0.1" or "10.0.0.0/24" to a CIDR with its network address ("10.0.0.1/32"). */
export function normalizeCidr(value: string): string {
  const [addr, bits] = value.includes('/') ? ipaddr.parseCIDR(value) : (() => {
    const a = ipaddr.parse(value);
    return [a, a.kind() === 'ipv4' ? 32 : 128] as const;
  })();
  const network = addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

const cidr = z.string().max(64).transform((v, ctx) => {
  try {
    return normalizeCidr(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an address or CIDR` });
    return z.NEVER;
  }
});

const dnsPattern = z.string().max(260).transform((v, ctx) => {
  const n = normalizeDnsName(v);
  if (!isDnsName(n) && !isDnsWildcard(n)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a DNS name or wildcard` });
    return z.NEVER;
  }
  return n;
});

/** IPv4 service address first, then (optionally) IPv6: the order the controller sends. */
const serviceAddresses = z.array(z.string().max(64)).max(2).refine(
  (a) => a.length === 0 || (ipaddr.IPv4.isValidFourPartDecimal(a[0]!) && (a[1] === undefined || isIpv6(a[1]) && !a[1].includes('/'))),
  'expected [IPv4 service address, IPv6 service address]',
).transform((a) => a.map((x) => ipaddr.parse(x).toString()));

/** A gateway peer as received from the controller (Connect or Watch), validated. */
export const gatewayPeerSchema = z.object({
  gateway: z.string().min(1).max(64),
  endpoint: z.string().max(300).refine((v) => {
    try { splitHostPort(v); return true; } catch { return false; }
  }, 'not a HOST:PORT endpoint'),
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema,
  allowedIps: z.array(cidr).max(4096),
  standbyIps: z.array(cidr).max(4096).default([]),
  serviceAddresses: serviceAddresses.default([]),
  dnsNames: z.array(dnsPattern).max(4096).default([]),
  connected: z.boolean().default(true),
});
export type GatewayPeer = z.infer<typeof gatewayPeerSchema>;

/** One WireGuard peer of the client's interface: every optional field of a WgPeer is set. */
export type TunnelPeer = Required<WgPeer>;

export interface TunnelPlan {
  /** One peer per gateway. */
  peers: TunnelPeer[];
  /** Every destination CIDR, sorted, each routed through the interface. */
  routes: string[];
  /** The CIDRs each gateway carries now (sorted), by gateway name. */
  carries: Record<string, string[]>;
}

/**
 * A destination the client learned from a DNS answer (a host /32 or /128), carried by the
 * gateway whose answer it is: only that gateway put it in the session's sets. It moves to
 * another gateway only when that one answers the name too (client/agent.ts re-asks on failover).
 */
export interface LearnedDestination {
  cidr: string;
  gateway: string;
}

export interface PlanOptions {
  /** Gateways considered down now (health); the rest are up. */
  down?: ReadonlySet<string>;
  /** Standby order keyed "<primary> <CIDR>" (standbyOrderOf); else the gateways' list order. */
  standbyOrder?: ReadonlyMap<string, readonly string[]>;
  learned?: readonly LearnedDestination[];
}

/**
 * Validates the controller's gateway list, throwing an error that names the bad field. A
 * gateway with no destination left is dropped first: it needs no peer, and its other fields
 * (e.g. the endpoint of a gateway no longer connected) must not block narrowing the tunnel.
 */
export function parseGateways(gateways: readonly ClientGatewayPeer__Output[]): GatewayPeer[] {
  return gateways.filter((g) => g.allowedIps.length > 0 || g.standbyIps.length > 0).map((g, i) => {
    const r = gatewayPeerSchema.safeParse(g);
    if (!r.success) {
      throw new Error(`controller sent an invalid gateway #${i} (${g.gateway || '?'}): ${describeFirstIssue(r.error)}`);
    }
    return r.data;
  });
}

/** The standbys of each address entitlement, in order, keyed "<primary> <CIDR>" (names are learned apart). */
export function standbyOrderOf(entitlements: readonly { gateway: string; destination: string; standbyGateways: readonly string[] }[]): Map<string, string[]> {
  const order = new Map<string, string[]>();
  for (const e of entitlements) {
    if (e.standbyGateways.length === 0) continue;
    try {
      order.set(`${e.gateway} ${normalizeCidr(e.destination)}`, [...e.standbyGateways]);
    } catch {
      // A name or wildcard: its addresses are learned, with their own standby list.
    }
  }
  return order;
}

/**
 * The peers and routes for a set of gateways. Every destination is carried by exactly one
 * peer (WireGuard routes an address to one peer only): a primary destination (allowed_ips) by
 * its gateway while that is up, else by the first live gateway that lists it in standby_ips,
 * else still by its primary. A gateway's own service address never moves (it is how its
 * health is probed). The same CIDR in the allowed_ips of two gateways is refused.
 */
export function planTunnel(gateways: readonly GatewayPeer[], o: PlanOptions = {}): TunnelPlan {
  const down = o.down ?? new Set<string>();
  const primaryOf = new Map<string, string>();
  for (const g of gateways) {
    for (const dest of g.allowedIps) {
      const other = primaryOf.get(dest);
      if (other !== undefined && other !== g.gateway) {
        throw new Error(`destination ${dest} is routed to both gateway ${other} and gateway ${g.gateway}`);
      }
      primaryOf.set(dest, g.gateway);
    }
  }
  const byName = new Map(gateways.map((g) => [g.gateway, g]));
  const live = (name: string) => byName.has(name) && !down.has(name);
  const carriers = new Map<string, string>();
  /** The primary while it is up, else the first live standby, else whichever is known. */
  const carry = (dest: string, primary: string | undefined, standbys: readonly string[]) => {
    if (carriers.has(dest)) return;
    const known = standbys.filter((s) => byName.has(s));
    const pick = primary !== undefined && live(primary) ? primary
      : known.find(live) ?? (primary !== undefined && byName.has(primary) ? primary : known[0]);
    if (pick !== undefined) carriers.set(dest, pick);
  };
  const listedAsStandby = (dest: string) => gateways.filter((g) => g.standbyIps.includes(dest)).map((g) => g.gateway);
  for (const g of gateways) {
    const service = g.serviceAddresses[0] ? `${g.serviceAddresses[0]}/32` : undefined;
    for (const dest of g.allowedIps) {
      if (dest === service) { carriers.set(dest, g.gateway); continue; }
      const listed = listedAsStandby(dest);
      const ordered = o.standbyOrder?.get(`${g.gateway} ${dest}`)?.filter((s) => listed.includes(s)) ?? listed;
      carry(dest, g.gateway, ordered);
    }
  }
  // Standby destinations whose primary sent no peer: the first live standby carries them.
  for (const g of gateways) {
    for (const dest of g.standbyIps) if (!primaryOf.has(dest)) carry(dest, undefined, listedAsStandby(dest));
  }
  for (const l of o.learned ?? []) carry(l.cidr, l.gateway, []);
  const carries: Record<string, string[]> = Object.fromEntries(gateways.map((g) => [g.gateway, []]));
  for (const [dest, gw] of carriers) carries[gw]?.push(dest);
  for (const list of Object.values(carries)) list.sort();
  const peers = gateways.map((g): TunnelPeer => ({
    publicKey: g.publicKey,
    presharedKey: g.presharedKey,
    endpoint: g.endpoint,
    allowedIps: carries[g.gateway]!,
    persistentKeepalive: PERSISTENT_KEEPALIVE_SECONDS,
  }));
  return { peers, routes: [...carriers.keys()].sort(), carries };
}

/** Which gateways serve a resource name: its primary and its standbys in order. */
export interface NameRoute {
  /** The name or wildcard of the entitlement that covers the name. */
  pattern: string;
  primary: string;
  standbys: string[];
  /** The gateway carrying it now: the primary while up, else the first live standby. */
  carrier: string;
}

/**
 * The gateways for a queried name (normalised): among the gateways whose dns_names cover it,
 * the entitlement with the most specific pattern (a name before a wildcard, then the longest)
 * names the primary and standbys; without such an entitlement, the first covering gateway.
 * Undefined when no gateway covers the name: it is not a resource of this session.
 */
export function routeName(name: string, gateways: readonly GatewayPeer[], entitlements: readonly { gateway: string; destination: string; standbyGateways: readonly string[] }[], down: ReadonlySet<string> = new Set()): NameRoute | undefined {
  const covering = gateways.filter((g) => g.dnsNames.some((p) => dnsNameMatches(p, name)));
  if (covering.length === 0) return undefined;
  const serves = (gw: string, pattern: string) => covering.some((g) => g.gateway === gw && g.dnsNames.includes(pattern));
  const specificity = (p: string) => (p.startsWith('*.') ? 0 : 1000) + p.length;
  const best = entitlements
    .map((e) => ({ ...e, pattern: normalizeDnsName(e.destination) }))
    .filter((e) => dnsNameMatches(e.pattern, name) && [e.gateway, ...e.standbyGateways].some((gw) => serves(gw, e.pattern)))
    .sort((a, b) => specificity(b.pattern) - specificity(a.pattern))[0];
  const pattern = best?.pattern ?? covering[0]!.dnsNames.find((p) => dnsNameMatches(p, name))!;
  const primary = best?.gateway ?? covering[0]!.gateway;
  const standbys = (best?.standbyGateways ?? covering.slice(1).map((g) => g.gateway)).filter((gw) => serves(gw, pattern));
  const live = (gw: string) => serves(gw, pattern) && !down.has(gw);
  const carrier = live(primary) ? primary : standbys.find(live) ?? (serves(primary, pattern) ? primary : standbys[0]!);
  return { pattern, primary, standbys, carrier };
}

/** The route changes that turn `current` into `desired`. */
export function diffRoutes(current: readonly string[], desired: readonly string[]): { add: string[]; remove: string[] } {
  const have = new Set(current);
  const want = new Set(desired);
  return {
    add: desired.filter((r) => !have.has(r)),
    remove: current.filter((r) => !want.has(r)),
  };
}
