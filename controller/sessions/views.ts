// A stored session in the wire shapes the proto describes: what admins and clients see
// (Session), the gateways a client peers with (ClientGatewayPeer) and the entry a gateway
// enforces (GatewaySession). Pure: the caller looks up device names, gateways and keys.
import type { Session } from '../../proto/generated/wicket/v1/Session.js';
import type { ClientGatewayPeer } from '../../proto/generated/wicket/v1/ClientGatewayPeer.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { SessionGatewayRecord, SessionRecord } from './session-store.js';
import { destinationCidr } from './entitlements.js';

export interface SessionStats { rxBytes: number; txBytes: number; lastHandshakeMs: number }

/** The session as the proto describes it, with per-gateway ack state, device name and live figures. */
export function sessionView(s: SessionRecord, gateways: SessionGatewayRecord[], deviceName: string, stats: SessionStats | undefined): Session {
  return {
    id: s.id, username: s.user, deviceId: s.deviceId, overlayAddress: s.overlayAddress, wgPublicKey: s.wgPublicKey,
    createdAtMs: s.createdAtMs, expiresAtMs: s.expiresAtMs, state: s.state, endReason: s.endReason,
    entitlements: s.entitlements.map((e) => ({ ...e, expiresAtMs: e.expiresAt ?? s.expiresAtMs })),
    acks: gateways.map((g) => ({ gateway: g.gateway, version: g.version, ackedAtMs: g.ackedAtMs ?? 0 })),
    posture: s.posture, deviceName,
    rxBytes: 0, txBytes: 0, lastHandshakeMs: 0,
    ...stats,
  };
}

/** A gateway a client peers with, with the routes (entitled destinations) through it. */
export function clientPeer(s: SessionRecord, gateway: string, endpoint: string, publicKey: string, presharedKey: string): ClientGatewayPeer {
  const allowedIps = [...new Set(s.entitlements.filter((e) => e.gateway === gateway).map((e) => destinationCidr(e.destination)))].sort();
  return { gateway, endpoint, publicKey, presharedKey, allowedIps };
}

/**
 * The entry one gateway enforces for a session: its peer, the rules through that gateway (an
 * HTTP entitlement's rule reaches the gateway's proxy: service address, tcp/80), the groups
 * its proxy asserts, and one HttpGrant per HTTP entitlement (which requests the proxy lets by).
 */
export function gatewaySession(s: SessionRecord, gateway: string, psk: string): GatewaySession {
  const here = s.entitlements.filter((e) => e.gateway === gateway);
  const until = (e: (typeof here)[number]) => Math.min(e.expiresAt ?? s.expiresAtMs, s.expiresAtMs);
  return {
    id: s.id, overlayAddress: s.overlayAddress, wgPublicKey: s.wgPublicKey, presharedKey: psk, expiresAtMs: s.expiresAtMs,
    username: s.user, deviceId: s.deviceId, groups: s.groups,
    rules: here.map((e) => ({
      destination: destinationCidr(e.destination), protocol: e.protocol, portFrom: e.portFrom, portTo: e.portTo, expiresAtMs: until(e),
    })),
    httpGrants: here.filter((e) => e.http).map((e) => ({ resource: e.resource, grant: e.grant, access: e.http, expiresAtMs: until(e) })),
  };
}
