// Admin handlers for sessions: list them (filtered and paginated in the store's SQL, with
// per-gateway ack state), revoke one, and
// revoke a user (every session and certificate they hold; controller/revocation/ does both).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from './session-manager.js';
import type { Store } from '../store/store.js';
import type { Revocation } from '../revocation/revocation.js';
import { unary, type HandlerDeps } from '../api/handler.js';

/** At most this many sessions of a listing that includes ended ones and sets no limit. */
export const MAX_ALL_SESSIONS = 10_000;

export interface SessionAdminDeps extends HandlerDeps {
  store: Store;
  revocation: Pick<Revocation, 'revokeSession' | 'revokeUser'>;
}

export function sessionAdmin(ctx: SessionAdminDeps, sessions: SessionManager): Pick<AdminHandlers, 'ListSessions' | 'RevokeSession' | 'RevokeUser'> {
  const admin = (call: Parameters<typeof ctx.authorize>[0]) => `admin:${ctx.authorize(call, 'admin').name}`;
  return {
    ListSessions: unary(ctx.log, { method: 'Admin.ListSessions', caller: admin, request: 'ListSessionsRequest' }, (req) => {
      // No limit lists every live session but, as before, only the newest of all sessions ever.
      const limit = req.limit || (req.all ? MAX_ALL_SESSIONS : undefined);
      const page = ctx.store.sessions.list({ all: req.all, user: req.user, deviceId: req.deviceId, gateway: req.gateway, id: req.id, limit, offset: req.offset });
      return { sessions: page.sessions.map((s) => sessions.view(s)), total: page.total };
    }),

    RevokeSession: unary(ctx.log, { method: 'Admin.RevokeSession', caller: admin, request: 'RevokeSessionRequest' }, (req, actor) => {
      ctx.revocation.revokeSession(req.id, req.reason, actor);
      return sessions.view(ctx.store.sessions.get(req.id)!);
    }),

    RevokeUser: unary(ctx.log, { method: 'Admin.RevokeUser', caller: admin, request: 'RevokeUserRequest' }, (req, actor) => {
      return ctx.revocation.revokeUser(req.name, actor);
    }),
  };
}
