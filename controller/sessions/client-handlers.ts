// The Client service (user-device certificates on the API port): open, follow, refresh and
// end sessions, and list what the user can reach. The session logic is in
// controller/sessions/; this file authorizes, validates and adapts to grpc-js.
import type { ClientHandlers } from '../../proto/generated/wicket/v1/Client.js';
import type { ResourceAccess } from '../../proto/generated/wicket/v1/ResourceAccess.js';
import { resourcesOf } from '../policy/index.js';
import type { DeviceCaller, SessionManager } from './session-manager.js';
import type { AuthenticatedCall } from '../api/authz.js';
import { serverStream, unary, type HandlerDeps } from '../api/handler.js';
import { guarded, type InternalErrorReporter } from '../internal-errors.js';
import { toStatus } from '../api/errors.js';
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';

/** Denials meaning no grant names the user (as opposed to a condition the user could meet). */
const NOT_FOR_THIS_USER = new Set(['no_grant', 'missing_group']);

/** The Client service but for just-in-time access requests (controller/access/client-handlers.ts). */
export interface ClientServiceDeps extends HandlerDeps {
  reportInternal: InternalErrorReporter;
}

export function clientService(ctx: ClientServiceDeps, sessions: SessionManager): Pick<ClientHandlers, 'Connect' | 'Watch' | 'Heartbeat' | 'Disconnect' | 'ListResources'> {
  const caller = async (call: AuthenticatedCall): Promise<DeviceCaller> => {
    const id = await ctx.authorize(call, 'user');
    if (id.kind !== 'user') throw new Error('unreachable: authorize returned a non-user identity');
    return { user: id.name, deviceId: id.deviceId, certSerial: id.serial, certNotAfterMs: id.notAfterMs };
  };

  return {
    Connect: unary(ctx.log, { method: 'Client.Connect', caller, request: 'ConnectRequest' }, (req, who) => {
      return sessions.connect(who, { wgPublicKey: req.wgPublicKey, posture: req.posture, ackTimeoutMs: req.ackTimeoutMs });
    }),

    Watch: serverStream(ctx.log, { method: 'Client.Watch', caller, request: 'WatchRequest' }, (req, who, call) => {
      // Subscribed before the session is read, so no event between the read and the
      // subscription is lost; events arriving before the current state is written wait for it.
      let queued: SessionEvent[] | undefined = [];
      let closed = false;
      const send = guarded(ctx.reportInternal, 'Client.Watch', (e: SessionEvent) => call.write(e));
      const end = guarded(ctx.reportInternal, 'Client.Watch', () => call.end());
      const unsubscribe = sessions.events.subscribe(req.sessionId, {
        send: (e) => (queued ? queued.push(e) : send(e)),
        close: () => {
          closed = true;
          if (!queued) end();
        },
      });
      call.on('cancelled', unsubscribe);
      call.on('close', unsubscribe);
      const open = async () => {
        const s = await sessions.ownSession(who, req.sessionId);
        if (s.state !== 'active') {
          unsubscribe();
          call.write({ kind: s.state === 'expired' ? 'expired' : 'revoked', session: await sessions.view(s), gateways: [], message: s.endReason });
          call.end();
          return;
        }
        call.write({ kind: 'state', session: await sessions.view(s), gateways: await sessions.clientPeers(s), message: 'current state' });
        sessions.watchOpened(s);
        const waiting = queued ?? [];
        queued = undefined;
        for (const e of waiting) send(e);
        if (closed) end();
      };
      open().catch((err: unknown) => {
        unsubscribe();
        call.emit('error', toStatus(err, ctx.log, 'Client.Watch'));
      }).catch((err: unknown) => ctx.reportInternal('Client.Watch', err));
    }),

    Heartbeat: unary(ctx.log, { method: 'Client.Heartbeat', caller, request: 'HeartbeatRequest' }, async (req, who) => {
      const s = await sessions.heartbeat(who, req.sessionId, req.posture);
      return { session: await sessions.view(s), intervalMs: sessions.heartbeatIntervalMs };
    }),

    Disconnect: unary(ctx.log, { method: 'Client.Disconnect', caller, request: 'DisconnectRequest' }, async (req, who) => {
      await sessions.disconnect(who, req.sessionId);
      return {};
    }),

    ListResources: unary(ctx.log, { method: 'Client.ListResources', caller, request: 'ListResourcesRequest' }, async (req, who) => {
      const result = await sessions.decideFor(who, req.posture);
      // Only what a grant naming the user gives, or would give once its condition holds
      // (posture, schedule, MFA, an approved request): the rest of the catalogue (names,
      // addresses, gateways) is a map of the network the user has no business reading.
      const resources: ResourceAccess[] = resourcesOf(result.policy).flatMap((r) => {
        const grants = [...new Set(result.entitlements.filter((e) => e.resource === r.name).map((e) => e.grant))];
        const denial = grants.length ? null : result.denials.find((d) => d.resource === r.name) ?? null;
        if (!grants.length && (!denial || NOT_FOR_THIS_USER.has(denial.code))) return [];
        return [{ resource: r.name, gateway: r.gateway, standbyGateways: r.standbyGateways, address: r.address, ports: r.ports, allowed: grants.length > 0, grants, denial }];
      });
      return { resources };
    }),
  };
}
