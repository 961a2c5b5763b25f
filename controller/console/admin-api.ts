// Calls the Admin API as the signed-in admin. A refusal may be about the request (an
// approver approving their own request) or about the admin (disabled, revoked, device
// blocked, certificate expired): one cheap call with the same credential tells which, and in
// the second case the console session ends, so the cookie stops working at once.
import * as grpc from '@grpc/grpc-js';
import { call, isServiceError, type RequestOf, type ResponseOf, type UnaryMethods } from '../../common/grpc.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';
import type { ConsoleSession, ConsoleSessions } from './console-sessions.js';

/** The Admin API refused or failed a call; `message` is its reason, safe to show the admin. */
export class AdminApiError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }
}

/** The admin's credential no longer works: their console session has ended. */
export class SignedOut extends Error {}

const REFUSED = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED]);
const DEADLINE_MS = 15_000;

export type AdminMethod = UnaryMethods<AdminClient>;

export function adminCaller(sessions: ConsoleSessions) {
  return async function adminCall<M extends AdminMethod>(session: ConsoleSession, method: M, request: RequestOf<AdminClient[M]>): Promise<ResponseOf<AdminClient[M]>> {
    try {
      return await call(session.admin, method, request, { deadlineMs: DEADLINE_MS });
    } catch (err) {
      if (!isServiceError(err)) throw err;
      if (REFUSED.has(err.code)) {
        const stillGood = await call(session.admin, 'ListGateways', {}, { deadlineMs: DEADLINE_MS }).then(() => true, (e: unknown) => !(isServiceError(e) && REFUSED.has(e.code)));
        if (!stillGood) {
          sessions.end(session.id);
          throw new SignedOut(err.details);
        }
      }
      throw new AdminApiError(err.code, err.details || err.message);
    }
  };
}

export type AdminCall = ReturnType<typeof adminCaller>;

/** The HTTP status a refused Admin call becomes on a page. */
export function httpStatusOf(code: grpc.status): number {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT: case grpc.status.OUT_OF_RANGE: return 400;
    case grpc.status.NOT_FOUND: return 404;
    case grpc.status.ALREADY_EXISTS: case grpc.status.FAILED_PRECONDITION: case grpc.status.ABORTED: return 409;
    case grpc.status.PERMISSION_DENIED: return 403;
    case grpc.status.UNAUTHENTICATED: return 401;
    case grpc.status.RESOURCE_EXHAUSTED: return 429;
    case grpc.status.DEADLINE_EXCEEDED: return 504;
    case grpc.status.UNAVAILABLE: return 503;
    default: return 500;
  }
}
