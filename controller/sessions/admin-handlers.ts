// Admin handlers for sessions: list them (with per-gateway ack state), revoke one, and
// revoke a user (every session and certificate they hold; controller/revocation/ does both).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from './session-manager.js';
import type { Store } from '../store/store.js';
import type { Revocation } from '../revocation/revocation.js';
import { unary, type HandlerDeps } from '../api/handler.js';

export interface SessionAdminDeps extends HandlerDeps {
  store: Store;
  revocation: Pick<Revocation, 'revokeSession' | 'revokeUser'>;
}

export function sessionAdmin(ctx: SessionAdminDeps, sessions: SessionManager): Pick<AdminHandlers, 'ListSessions' | 'RevokeSession' | 'RevokeUser'> {
  const admin = (call: Parameters<typeof ctx.authorize>[0]) => `admin:${ctx.authorize(call, 'admin').name}`;
  return {
    ListSessions: unary(ctx.log, { method: 'Admin.ListSessions', caller: admin, request: 'ListSessionsRequest' }, (req) => {
      const list = req.all ? ctx.store.sessions.recent(10_000) : ctx.store.sessions.active();
      return { sessions: list.filter((s) => !req.user || s.user === req.user).map((s) => sessions.view(s)) };
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
