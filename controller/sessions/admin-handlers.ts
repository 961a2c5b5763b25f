// Admin handlers for sessions: list them (with per-gateway ack state), revoke one, and
// revoke a user (every session and certificate they hold; controller/revocation/ does both).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from './session-manager.js';
import type { ControllerContext } from '../api/context.js';
import { unary } from '../api/errors.js';
import { validate } from '../api/validate.js';

export function sessionAdmin(ctx: ControllerContext, sessions: SessionManager): Pick<AdminHandlers, 'ListSessions' | 'RevokeSession' | 'RevokeUser'> {
  const admin = (call: Parameters<typeof ctx.authorize>[0]) => `admin:${ctx.authorize(call, 'admin').name}`;
  return {
    ListSessions: unary(ctx.log, 'Admin.ListSessions', (call) => {
      admin(call);
      const req = validate('ListSessionsRequest', call.request);
      const list = req.all ? ctx.store.sessions.recent(10_000) : ctx.store.sessions.active();
      return { sessions: list.filter((s) => !req.user || s.user === req.user).map((s) => sessions.view(s)) };
    }),

    RevokeSession: unary(ctx.log, 'Admin.RevokeSession', (call) => {
      const actor = admin(call);
      const req = validate('RevokeSessionRequest', call.request);
      ctx.revocation.revokeSession(req.id, req.reason, actor);
      return sessions.view(ctx.store.sessions.get(req.id)!);
    }),

    RevokeUser: unary(ctx.log, 'Admin.RevokeUser', (call) => {
      const actor = admin(call);
      const req = validate('RevokeUserRequest', call.request);
      return ctx.revocation.revokeUser(req.name, actor);
    }),
  };
}
