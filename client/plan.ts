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

/** A gateway peer as received from the controller (Connect or Watch), validated. */
export const gatewayPeerSchema = z.object({
  gateway: z.string().min(1).max(64),
  endpoint: z.string().max(300).refine((v) => {
    try { splitHostPort(v); return true; } catch { return false; }
  }, 'not a HOST:PORT endpoint'),
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema,
  allowedIps: z.array(cidr).max(4096),
});
export type GatewayPeer = z.infer<typeof gatewayPeerSchema>;

/** One WireGuard peer of the client's interface: every optional field of a WgPeer is set. */
export type TunnelPeer = Required<WgPeer>;

export interface TunnelPlan {
  /** One peer per gateway. */
  peers: TunnelPeer[];
  /** Every destination CIDR, sorted, each routed through the interface. */
  routes: string[];
}

/**
 * Validates the controller's gateway list, throwing an error that names the bad field. A
 * gateway with no destination left is dropped first: it needs no peer, and its other fields
 * (e.g. the endpoint of a gateway no longer connected) must not block narrowing the tunnel.
 */
export function parseGateways(gateways: readonly ClientGatewayPeer__Output[]): GatewayPeer[] {
  return gateways.filter((g) => g.allowedIps.length > 0).map((g, i) => {
    const r = gatewayPeerSchema.safeParse(g);
    if (!r.success) {
      throw new Error(`controller sent an invalid gateway #${i} (${g.gateway || '?'}): ${describeFirstIssue(r.error)}`);
    }
    return r.data;
  });
}

/**
 * The peers and routes for a set of gateways. A destination claimed by two gateways is an
 * error: WireGuard would silently give it to only one of them.
 */
export function planTunnel(gateways: readonly GatewayPeer[]): TunnelPlan {
  const owner = new Map<string, string>();
  const peers: TunnelPeer[] = [];
  for (const g of gateways) {
    const allowedIps = [...new Set(g.allowedIps)].sort();
    for (const dest of allowedIps) {
      const other = owner.get(dest);
      if (other !== undefined && other !== g.gateway) {
        throw new Error(`destination ${dest} is routed to both gateway ${other} and gateway ${g.gateway}`);
      }
      owner.set(dest, g.gateway);
    }
    peers.push({
      publicKey: g.publicKey,
      presharedKey: g.presharedKey,
      endpoint: g.endpoint,
      allowedIps,
      persistentKeepalive: PERSISTENT_KEEPALIVE_SECONDS,
    });
  }
  return { peers, routes: [...owner.keys()].sort() };
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
