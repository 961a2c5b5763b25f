// Pure: reads the audit trail the session layer writes and derives what the telemetry side
// reports about it without touching the session code: decisions (connect allowed / denied),
// session ends by kind (revocations), and posture failures — a `session.update` caused by a
// posture change that took grants away, which becomes a `security.posture` event.
import type { AuditRecord } from '../audit/chain.js';

export type Observation =
  | { kind: 'decision'; result: 'allow' | 'deny' }
  | { kind: 'end'; how: 'revoke' | 'expire' | 'disconnect' }
  | { kind: 'posture'; sessionId: string; user: string; lostGrants: string[] };

export class AuditFollower {
  /** Grants each live session holds, as last recorded. */
  private readonly grants = new Map<string, string[]>();

  observe(r: Pick<AuditRecord, 'action' | 'target' | 'detailsJson'>): Observation | undefined {
    let details: Record<string, unknown>;
    try {
      details = JSON.parse(r.detailsJson) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const grants = Array.isArray(details.grants) ? details.grants.filter((g): g is string => typeof g === 'string') : [];
    switch (r.action) {
      case 'session.deny':
        return { kind: 'decision', result: 'deny' };
      case 'session.connect':
        this.grants.set(r.target, grants);
        return { kind: 'decision', result: 'allow' };
      case 'session.update': {
        const before = this.grants.get(r.target);
        this.grants.set(r.target, grants);
        if (details.cause !== 'posture changed' || !before) return undefined;
        const lost = before.filter((g) => !grants.includes(g));
        return lost.length ? { kind: 'posture', sessionId: r.target, user: String(details.user ?? ''), lostGrants: lost } : undefined;
      }
      case 'session.revoke':
      case 'session.expire':
      case 'session.disconnect':
        this.grants.delete(r.target);
        return { kind: 'end', how: r.action.slice('session.'.length) as 'revoke' | 'expire' | 'disconnect' };
      default:
        return undefined;
    }
  }
}
