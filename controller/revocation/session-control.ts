// What the revocation module needs from the session layer, and nothing more. The session
// layer is optional (a controller may run without it, as some tests do): until one is bound,
// NO_SESSIONS stands in, and there are no live sessions to end or re-evaluate.
import type { Policy } from '../policy/index.js';

// Each resolves once the change is committed and its gateway deltas are handed to the Sync
// fan-out (in commit order), so access is cut when the caller's await returns.
export interface SessionControl {
  /** Ends one live session (rejects not_found / failed_precondition); resolves with nothing the caller needs. */
  revokeSession(id: string, reason: string, actor: string): Promise<void>;
  /** Ends every live session of a user; resolves with how many. */
  endUserSessions(user: string, reason: string, actor: string): Promise<number>;
  /** Ends every live session of a device; resolves with how many. */
  endDeviceSessions(deviceId: string, reason: string, actor: string): Promise<number>;
  /** Decides a user's live sessions again (groups changed, user enabled, approval changed). */
  reevaluateUser(user: string, reason: string, actor: string): Promise<number>;
  /** A policy version was applied: every live session is decided again; resolves with how many changed. */
  policyApplied(policy: Policy, version: number): Promise<number>;
}

export const NO_SESSIONS: SessionControl = {
  revokeSession: () => Promise.reject(new Error('no session layer to revoke through')),
  endUserSessions: () => Promise.resolve(0),
  endDeviceSessions: () => Promise.resolve(0),
  reevaluateUser: () => Promise.resolve(0),
  policyApplied: () => Promise.resolve(0),
};
