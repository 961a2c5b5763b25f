// What the revocation module needs from the session layer, and nothing more. The session
// layer is optional (a controller may run without it, as some tests do): until one is bound,
// NO_SESSIONS stands in, and there are no live sessions to end or re-evaluate.
import type { Policy } from '../policy/index.js';

export interface SessionControl {
  /** Ends one live session (throws not_found / failed_precondition); returns nothing the caller needs. */
  revokeSession(id: string, reason: string, actor: string): void;
  /** Ends every live session of a user; returns how many. */
  endUserSessions(user: string, reason: string, actor: string): number;
  /** Ends every live session of a device; returns how many. */
  endDeviceSessions(deviceId: string, reason: string, actor: string): number;
  /** Decides a user's live sessions again (groups changed, user enabled, approval changed). */
  reevaluateUser(user: string, reason: string, actor: string): number;
  /** A policy version was applied: every live session is decided again; returns how many changed. */
  policyApplied(policy: Policy, version: number): number;
}

export const NO_SESSIONS: SessionControl = {
  revokeSession: () => {
    throw new Error('no session layer to revoke through');
  },
  endUserSessions: () => 0,
  endDeviceSessions: () => 0,
  reevaluateUser: () => 0,
  policyApplied: () => 0,
};
