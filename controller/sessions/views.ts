// A stored session in the wire shapes the proto describes: what admins and clients see
// (Session), the gateways a client peers with (ClientGatewayPeer) and the entry a gateway
// enforces (GatewaySession). A session is on every gateway of its entitlements, primaries and
// standbys; each of them also lets it reach the gateway's DNS service (the clients' health
// probe too). Pure: the caller looks up device names, gateways, keys and IPv6 twins.
import type { Session } from '../../proto/generated/wicket/v1/Session.js';
import type { ClientGatewayPeer } from '../../proto/generated/wicket/v1/ClientGatewayPeer.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { GatewayRule } from '../../proto/generated/wicket/v1/GatewayRule.js';
import { DNS_PORT } from '../../common/dns-names.js';
import type { SessionGatewayRecord, SessionRecord } from './session-store.js';
import { isNameDestination } from '../../common/dns-names.js';
import { destinationCidr, gatewaysOfEntitlement, ruleDestination } from './entitlements.js';

export interface SessionStats { rxBytes: number; txBytes: number; lastHandshakeMs: number }

/** One gateway as a session's views need it. */
export interface GatewayFacts {
  name: string;
  endpoint: string;
  publicKey: string;
  /** Its overlay service addresses ('' until it has one). */
  serviceAddress: string;
  serviceAddressIpv6: string;
  /** It holds its Sync stream now. */
  connected: boolean;
}

/** The session as the proto describes it, with per-gateway ack state, device name, IPv6 twin and live figures. */
export function sessionView(s: SessionRecord, gateways: SessionGatewayRecord[], deviceName: string, stats: SessionStats | undefined, overlayIpv6: string): Session {
  return {
    id: s.id, username: s.user, deviceId: s.deviceId, overlayAddress: s.overlayAddress, overlayIpv6, wgPublicKey: s.wgPublicKey,
    createdAtMs: s.createdAtMs, expiresAtMs: s.expiresAtMs, state: s.state, endReason: s.endReason,
    entitlements: s.entitlements.map((e) => ({ ...e, expiresAtMs: e.expiresAt ?? s.expiresAtMs })),
    acks: gateways.map((g) => ({ gateway: g.gateway, version: g.version, ackedAtMs: g.ackedAtMs ?? 0 })),
    posture: s.posture, deviceName,
    rxBytes: 0, txBytes: 0, lastHandshakeMs: 0,
    ...stats,
  };
}

const sortedUnique = (list: string[]) => [...new Set(list)].sort();

/**
 * A gateway a client peers with: the routes through it (address destinations whose primary it
 * is, and its service address), those it takes over while their primary is down (standby_ips),
 * the names its DNS service answers for this session, and whether it is connected.
 */
export function clientPeer(s: SessionRecord, gw: GatewayFacts, presharedKey: string): ClientGatewayPeer {
  const here = s.entitlements.filter((e) => gatewaysOfEntitlement(e).includes(gw.name));
  const addresses = here.filter((e) => !isNameDestination(e.destination));
  const allowedIps = sortedUnique([
    ...addresses.filter((e) => e.gateway === gw.name).map((e) => destinationCidr(e.destination)),
    ...(gw.serviceAddress ? [destinationCidr(gw.serviceAddress)] : []),
  ]);
  // A destination this gateway already carries as a primary is routed here anyway.
  const standbyIps = sortedUnique(addresses.filter((e) => e.gateway !== gw.name).map((e) => destinationCidr(e.destination))).filter((c) => !allowedIps.includes(c));
  return {
    gateway: gw.name, endpoint: gw.endpoint, publicKey: gw.publicKey, presharedKey,
    allowedIps, standbyIps,
    serviceAddresses: [gw.serviceAddress, gw.serviceAddressIpv6].filter(Boolean),
    dnsNames: sortedUnique(here.filter((e) => isNameDestination(e.destination)).map((e) => e.destination)),
    connected: gw.connected,
  };
}

/**
 * The entry one gateway enforces for a session: its peer, the rules through that gateway
 * (primary or standby; an HTTP entitlement's rule reaches the gateway's proxy: service
 * address, tcp/80; a name or wildcard goes as it is, for the gateway to resolve), its DNS
 * service (udp and tcp 53 of the service address, until the session ends), the groups its
 * proxy asserts, and one HttpGrant per HTTP entitlement (which requests the proxy lets by).
 */
export function gatewaySession(s: SessionRecord, overlayIpv6: string, gateway: { name: string; serviceAddress: string }, psk: string): GatewaySession {
  const here = s.entitlements.filter((e) => gatewaysOfEntitlement(e).includes(gateway.name));
  const until = (e: (typeof here)[number]) => Math.min(e.expiresAt ?? s.expiresAtMs, s.expiresAtMs);
  const rules: GatewayRule[] = here.map((e) => ({
    destination: ruleDestination(e.destination), protocol: e.protocol, portFrom: e.portFrom, portTo: e.portTo, expiresAtMs: until(e),
  }));
  if (gateway.serviceAddress) {
    const service = destinationCidr(gateway.serviceAddress);
    for (const protocol of ['udp', 'tcp']) rules.push({ destination: service, protocol, portFrom: DNS_PORT, portTo: DNS_PORT, expiresAtMs: s.expiresAtMs });
  }
  return {
    id: s.id, overlayAddress: s.overlayAddress, overlayIpv6, wgPublicKey: s.wgPublicKey, presharedKey: psk, expiresAtMs: s.expiresAtMs,
    username: s.user, deviceId: s.deviceId, groups: s.groups,
    rules,
    httpGrants: here.filter((e) => e.http).map((e) => ({ resource: e.resource, grant: e.grant, access: e.http, expiresAtMs: until(e) })),
  };
}
