// Admin handlers for gateways: join tokens and the gateway list with health.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { GatewayStatus__Output as GatewayStatus } from '../../proto/generated/wicket/v1/GatewayStatus.js';
import type { GatewayRecord } from './gateway-store.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import type { Pool } from '../sessions/ipam.js';
import { ipv6Twin } from '../sessions/overlay-ipv6.js';
import { createJoinToken, DEFAULT_TOKEN_TTL_MS, type JoinTokenDeps } from '../auth/enroll.js';
import { isAlive } from '../controllers/registry.js';

/** Reports are expected at least this often from a connected gateway. */
export const REPORT_LATE_MS = 120_000;

/**
 * The gateway as ListGateways shows it, given the controllers alive now (pure): a stream held
 * by a controller that stopped heartbeating (killed) is gone, whatever its row still says.
 */
export function asSeen(g: GatewayRecord, aliveControllers: ReadonlySet<string>): GatewayRecord {
  return g.connected && g.holder !== '' && !aliveControllers.has(g.holder) ? { ...g, connected: false } : g;
}

/** A gateway's health as ListGateways reports it (pure). */
export function gatewayHealth(g: GatewayRecord, nowMs: number): string {
  if (!g.connected) return g.connectedSinceMs > 0 ? 'disconnected' : 'never connected';
  const reportsLate = g.lastReportMs > 0 && nowMs - g.lastReportMs > REPORT_LATE_MS;
  return g.appliedVersion < g.desiredVersion || reportsLate ? 'lagging' : 'healthy';
}

export interface GatewayAdminDeps extends HandlerDeps, JoinTokenDeps {
  /** The overlay: a service address's IPv6 twin is derived from it (controller/sessions/overlay-ipv6.ts). */
  config: { overlayPool: Pool; overlayIpv6: string };
}

export function gatewayAdmin(ctx: GatewayAdminDeps): Pick<AdminHandlers, 'CreateJoinToken' | 'ListGateways'> {
  return {
    CreateJoinToken: unary(ctx.log, { method: 'Admin.CreateJoinToken', caller: (call) => adminActor(ctx.authorize, call), request: 'CreateJoinTokenRequest' }, async (req, actor) => {
      return createJoinToken(ctx, req.gatewayName, req.ttlSeconds > 0 ? req.ttlSeconds * 1000 : DEFAULT_TOKEN_TTL_MS, actor, req.endpoint.toLowerCase());
    }),

    ListGateways: unary(ctx.log, { method: 'Admin.ListGateways', caller: (call) => adminActor(ctx.authorize, call), request: 'ListGatewaysRequest' }, async () => {
      const now = ctx.now();
      const gateways: GatewayStatus[] = [];
      const alive = new Set((await ctx.store.controllers.list()).filter((c) => isAlive(c, now)).map((c) => c.id));
      for (const row of await ctx.store.gateways.list()) {
        const g = asSeen(row, alive);
        gateways.push({
          name: g.name, connected: g.connected, endpoint: g.endpoint, publicKey: g.publicKey, enrolledAtMs: g.enrolledAtMs,
          desiredVersion: g.desiredVersion, appliedVersion: g.appliedVersion, lastAckMs: g.lastAckMs, lastApplyUs: g.lastApplyUs,
          lastReportMs: g.lastReportMs, health: gatewayHealth(g, now), sessions: await ctx.store.sessions.onGatewayCount(g.name),
          connectedSinceMs: g.connected ? g.connectedSinceMs : 0, serviceAddress: g.serviceAddress,
          serviceAddressIpv6: ipv6Twin(ctx.config.overlayIpv6, ctx.config.overlayPool, g.serviceAddress),
        });
      }
      return { gateways };
    }),
  };
}
