// Admin handlers for sessions: list them (filtered and paginated in the store's SQL, with
// per-gateway ack state), revoke one, watch one until its gateways acknowledge its latest
// change (ack-watch.ts), and
// revoke a user (every session and certificate they hold; controller/revocation/ does both).
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { SessionManager } from './session-manager.js';
import type { Store } from '../store/store.js';
import type { Revocation } from '../revocation/revocation.js';
import { serverStream, unary, type HandlerDeps } from '../api/handler.js';
import { guarded, type InternalErrorReporter } from '../internal-errors.js';
import { toStatus } from '../api/errors.js';
import type { AckWatch } from './ack-watch.js';

/** At most this many sessions of a listing that includes ended ones and sets no limit. */
export const MAX_ALL_SESSIONS = 10_000;

export interface SessionAdminDeps extends HandlerDeps {
  store: Store;
  revocation: Pick<Revocation, 'revokeSession' | 'revokeUser'>;
  reportInternal: InternalErrorReporter;
}

export function sessionAdmin(ctx: SessionAdminDeps, sessions: SessionManager, acks: AckWatch): Pick<AdminHandlers, 'ListSessions' | 'RevokeSession' | 'WatchSession' | 'RevokeUser'> {
  const admin = async (call: Parameters<typeof ctx.authorize>[0]) => `admin:${(await ctx.authorize(call, 'admin')).name}`;
  return {
    ListSessions: unary(ctx.log, { method: 'Admin.ListSessions', caller: admin, request: 'ListSessionsRequest' }, async (req) => {
      // No limit lists every live session but, as before, only the newest of all sessions ever.
      const limit = req.limit || (req.all ? MAX_ALL_SESSIONS : undefined);
      const page = await ctx.store.sessions.list({ all: req.all, user: req.user, deviceId: req.deviceId, gateway: req.gateway, id: req.id, limit, offset: req.offset });
      const views = [];
      for (const s of page.sessions) views.push(await sessions.view(s));
      return { sessions: views, total: page.total };
    }),

    RevokeSession: unary(ctx.log, { method: 'Admin.RevokeSession', caller: admin, request: 'RevokeSessionRequest' }, async (req, actor) => {
      await ctx.revocation.revokeSession(req.id, req.reason, actor);
      return sessions.view((await ctx.store.sessions.get(req.id))!);
    }),

    WatchSession: serverStream(ctx.log, { method: 'Admin.WatchSession', caller: admin, request: 'WatchSessionRequest' }, (req, _actor, call) => {
      let stopped = false;
      let stop = () => {
        stopped = true;
      };
      const stopping = () => stop();
      call.on('cancelled', stopping);
      call.on('close', stopping);
      acks.follow(req.id, {
        send: guarded(ctx.reportInternal, 'Admin.WatchSession', (view) => call.write(view)),
        end: guarded(ctx.reportInternal, 'Admin.WatchSession', () => call.end()),
      }).then((unfollow) => {
        // The stream may have closed while the follower was being set up.
        if (stopped) unfollow();
        else stop = unfollow;
      }, (err: unknown) => call.emit('error', toStatus(err, ctx.log, 'Admin.WatchSession')))
        .catch((err: unknown) => ctx.reportInternal('Admin.WatchSession', err));
    }),

    RevokeUser: unary(ctx.log, { method: 'Admin.RevokeUser', caller: admin, request: 'RevokeUserRequest' }, async (req, actor) => {
      return ctx.revocation.revokeUser(req.name, actor);
    }),
  };
}
