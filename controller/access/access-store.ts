// Just-in-time access requests and their outcome (table access_requests, migration 004).
// State changes are guarded by the state they leave (pending -> approved/denied,
// approved -> revoked/expired), so two approvers racing cannot both win.
import type { DB } from '../store/db.js';
import type { AccessRequest__Output } from '../../proto/generated/wicket/v1/AccessRequest.js';
import type { Approval } from '../policy/index.js';

export type AccessState = 'pending' | 'approved' | 'denied' | 'revoked' | 'expired';

/** A stored request: the proto AccessRequest without the grant's approvers (those come from the policy). */
export type AccessRequestRecord = Omit<AccessRequest__Output, 'approvers' | 'state'> & { state: AccessState };

interface AccessRow {
  id: string; user_name: string; grant_name: string; resource: string; reason: string; duration_ms: number; state: AccessState;
  created_at_ms: number; decided_by: string; decided_at_ms: number; decision_reason: string; expires_at_ms: number;
  ended_by: string; ended_at_ms: number; end_reason: string; grant_binding: string;
}

function toRecord(r: AccessRow): AccessRequestRecord {
  return {
    id: r.id, username: r.user_name, grant: r.grant_name, resource: r.resource, reason: r.reason, durationMs: r.duration_ms, state: r.state,
    createdAtMs: r.created_at_ms, decidedBy: r.decided_by, decidedAtMs: r.decided_at_ms, decisionReason: r.decision_reason,
    expiresAtMs: r.expires_at_ms, endedBy: r.ended_by, endedAtMs: r.ended_at_ms, endReason: r.end_reason,
  };
}

export class AccessStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO access_requests (id, user_name, grant_name, resource, reason, duration_ms, state, created_at_ms, grant_binding)
        VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`),
      live: db.prepare<[], AccessRow>("SELECT * FROM access_requests WHERE state IN ('pending', 'approved') ORDER BY created_at_ms, id"),
      shorten: db.prepare("UPDATE access_requests SET expires_at_ms = ? WHERE id = ? AND state = 'approved' AND expires_at_ms > ?"),
      get: db.prepare<[string], AccessRow>('SELECT * FROM access_requests WHERE id = ?'),
      list: db.prepare<[{ pending: number; user: string; limit: number }], AccessRow>(`SELECT * FROM access_requests
        WHERE (@pending = 0 OR state = 'pending') AND (@user = '' OR user_name = @user) ORDER BY created_at_ms DESC, id LIMIT @limit`),
      pending: db.prepare<[string, string, string], AccessRow>(
        "SELECT * FROM access_requests WHERE user_name = ? AND grant_name = ? AND resource = ? AND state = 'pending'"),
      approvals: db.prepare<[string, number], { grant_name: string; resource: string; expires_at_ms: number }>(
        "SELECT grant_name, resource, expires_at_ms FROM access_requests WHERE user_name = ? AND state = 'approved' AND expires_at_ms > ?"),
      approve: db.prepare(`UPDATE access_requests SET state = 'approved', decided_by = ?, decided_at_ms = ?, decision_reason = ?, expires_at_ms = ?
        WHERE id = ? AND state = 'pending'`),
      deny: db.prepare(`UPDATE access_requests SET state = 'denied', decided_by = ?, decided_at_ms = ?, decision_reason = ?
        WHERE id = ? AND state = 'pending'`),
      end: db.prepare(`UPDATE access_requests SET state = ?, ended_by = ?, ended_at_ms = ?, end_reason = ?
        WHERE id = ? AND state = 'approved'`),
      due: db.prepare<[number], AccessRow>("SELECT * FROM access_requests WHERE state = 'approved' AND expires_at_ms <= ? ORDER BY expires_at_ms"),
      nextExpiry: db.prepare<[], { at: number | null }>("SELECT min(expires_at_ms) AS at FROM access_requests WHERE state = 'approved'"),
    };
  }

  /** `binding`: the hash of the grant's content it was made under (access/binding.ts). */
  insert(r: { id: string; user: string; grant: string; resource: string; reason: string; durationMs: number; createdAtMs: number; binding: string }): void {
    this.stmts.insert.run(r.id, r.user, r.grant, r.resource, r.reason, r.durationMs, r.createdAtMs, r.binding);
  }

  /** Pending and approved requests, each with the grant binding it was made under. */
  live(): { record: AccessRequestRecord; binding: string }[] {
    return this.stmts.live.all().map((r) => ({ record: toRecord(r), binding: r.grant_binding }));
  }

  /** Moves an approved request's expiry earlier; false when it was not approved or already ends sooner. */
  shorten(id: string, expiresAtMs: number): boolean {
    return this.stmts.shorten.run(expiresAtMs, id, expiresAtMs).changes === 1;
  }

  get(id: string): AccessRequestRecord | undefined {
    const r = this.stmts.get.get(id);
    return r && toRecord(r);
  }

  /** Newest first; `pending` keeps only pending ones, `user` one requester's. */
  list(filter: { pending?: boolean; user?: string; limit?: number } = {}): AccessRequestRecord[] {
    return this.stmts.list.all({ pending: filter.pending ? 1 : 0, user: filter.user ?? '', limit: filter.limit ?? 1000 }).map(toRecord);
  }

  /** The user's pending request for this grant and resource, if any. */
  pendingFor(user: string, grant: string, resource: string): AccessRequestRecord | undefined {
    const r = this.stmts.pending.get(user, grant, resource);
    return r && toRecord(r);
  }

  /** The user's approved requests still running at `nowMs`, as policy evaluation takes them. */
  approvals(user: string, nowMs: number): Approval[] {
    return this.stmts.approvals.all(user, nowMs).map((r) => ({ grant: r.grant_name, resource: r.resource, expiresAt: r.expires_at_ms }));
  }

  /** pending -> approved; false when the request was not pending. */
  approve(id: string, by: string, atMs: number, note: string, expiresAtMs: number): boolean {
    return this.stmts.approve.run(by, atMs, note, expiresAtMs, id).changes === 1;
  }

  /** pending -> denied; false when the request was not pending. */
  deny(id: string, by: string, atMs: number, reason: string): boolean {
    return this.stmts.deny.run(by, atMs, reason, id).changes === 1;
  }

  /** approved -> revoked or expired; false when the request was not approved. */
  end(id: string, state: 'revoked' | 'expired', by: string, atMs: number, reason: string): boolean {
    return this.stmts.end.run(state, by, atMs, reason, id).changes === 1;
  }

  /** Approved requests whose time is up at `nowMs`. */
  due(nowMs: number): AccessRequestRecord[] {
    return this.stmts.due.all(nowMs).map(toRecord);
  }

  /** When the next approved request expires (undefined when none is approved). */
  nextExpiry(): number | undefined {
    return this.stmts.nextExpiry.get()?.at ?? undefined;
  }
}
