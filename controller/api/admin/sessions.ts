// Admin handlers for sessions: list them (with per-gateway ack state), revoke one, and
// revoke a user (every session and certificate they hold).
import type { AdminHandlers } from '../../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from '../../sessions/sessions.js';
import type { ControllerContext } from '../context.js';
import { unary } from '../errors.js';
import { notFound } from '../../errors.js';
import { validate } from '../validate.js';

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
      return sessions.view(sessions.revokeSession(req.id, req.reason, actor));
    }),

    RevokeUser: unary(ctx.log, 'Admin.RevokeUser', (call) => {
      const actor = admin(call);
      const req = validate('RevokeUserRequest', call.request);
      if (!ctx.store.users.get(req.name)) throw notFound(`no user ${req.name}`);
      const now = ctx.now();
      const certificatesRevoked = ctx.store.transaction(() => {
        // A user's certificates (admin role or not) are recorded as kind `user`; kind `admin`
        // is the bootstrap credential, which a user of the same name must never touch.
        const n = ctx.store.certificates.revokeAllOf('user', req.name, now);
        ctx.audit.append({ actor, action: 'user.revoke', target: req.name, details: { certificates: n } });
        return n;
      });
      const sessionsRevoked = sessions.endUserSessions(req.name, `user ${req.name} revoked by ${actor}`, actor);
      return { sessionsRevoked, certificatesRevoked };
    }),
  };
}
