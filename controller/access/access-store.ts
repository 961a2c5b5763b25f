// Just-in-time access requests and their outcome (table access_requests, migration 004).
// State changes are guarded by the state they leave (pending -> approved/denied,
// approved -> revoked/expired), so two approvers racing cannot both win: the guarded UPDATE
// changes one row for exactly one of them, on SQLite and on PostgreSQL alike.
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, AccessRequestsTable } from '../store/schema.js';
import type { AccessRequest__Output } from '../../proto/generated/wicket/v1/AccessRequest.js';
import type { Approval } from '../policy/index.js';

export type AccessState = 'pending' | 'approved' | 'denied' | 'revoked' | 'expired';

/** A stored request: the proto AccessRequest without the grant's approvers (those come from the policy). */
export type AccessRequestRecord = Omit<AccessRequest__Output, 'approvers' | 'state'> & { state: AccessState };

type AccessRow = Selectable<AccessRequestsTable>;

function toRecord(r: AccessRow): AccessRequestRecord {
  return {
    id: r.id, username: r.user_name, grant: r.grant_name, resource: r.resource, reason: r.reason, durationMs: r.duration_ms, state: r.state as AccessState,
    createdAtMs: r.created_at_ms, decidedBy: r.decided_by, decidedAtMs: r.decided_at_ms, decisionReason: r.decision_reason,
    expiresAtMs: r.expires_at_ms, endedBy: r.ended_by, endedAtMs: r.ended_at_ms, endReason: r.end_reason,
  };
}

export class AccessStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** `binding`: the hash of the grant's content it was made under (access/binding.ts). */
  async insert(r: { id: string; user: string; grant: string; resource: string; reason: string; durationMs: number; createdAtMs: number; binding: string }): Promise<void> {
    await this.db.insertInto('access_requests').values({
      id: r.id, user_name: r.user, grant_name: r.grant, resource: r.resource, reason: r.reason, duration_ms: r.durationMs,
      state: 'pending', created_at_ms: r.createdAtMs, grant_binding: r.binding,
    }).execute();
  }

  /** Pending and approved requests, each with the grant binding it was made under (an array: live requests are few). */
  async live(): Promise<{ record: AccessRequestRecord; binding: string }[]> {
    const rows = await this.db.selectFrom('access_requests').selectAll().where('state', 'in', ['pending', 'approved']).orderBy('created_at_ms').orderBy('id').execute();
    return rows.map((r) => ({ record: toRecord(r), binding: r.grant_binding }));
  }

  /** Moves an approved request's expiry earlier; false when it was not approved or already ends sooner. */
  async shorten(id: string, expiresAtMs: number): Promise<boolean> {
    const result = await this.db.updateTable('access_requests').set({ expires_at_ms: expiresAtMs })
      .where('id', '=', id).where('state', '=', 'approved').where('expires_at_ms', '>', expiresAtMs).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(id: string): Promise<AccessRequestRecord | undefined> {
    const r = await this.db.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Newest first; `pending` keeps only pending ones, `user` one requester's. */
  async list(filter: { pending?: boolean; user?: string; limit?: number } = {}): Promise<AccessRequestRecord[]> {
    let query = this.db.selectFrom('access_requests').selectAll();
    if (filter.pending) query = query.where('state', '=', 'pending');
    if (filter.user) query = query.where('user_name', '=', filter.user);
    const rows = await query.orderBy('created_at_ms', 'desc').orderBy('id').limit(filter.limit ?? 1000).execute();
    return rows.map(toRecord);
  }

  /** The user's pending request for this grant and resource, if any. */
  async pendingFor(user: string, grant: string, resource: string): Promise<AccessRequestRecord | undefined> {
    const r = await this.db.selectFrom('access_requests').selectAll()
      .where('user_name', '=', user).where('grant_name', '=', grant).where('resource', '=', resource).where('state', '=', 'pending')
      .orderBy('id').executeTakeFirst();
    return r && toRecord(r);
  }

  /** The user's approved requests still running at `nowMs`, as policy evaluation takes them. */
  async approvals(user: string, nowMs: number): Promise<Approval[]> {
    const rows = await this.db.selectFrom('access_requests').select(['grant_name', 'resource', 'expires_at_ms'])
      .where('user_name', '=', user).where('state', '=', 'approved').where('expires_at_ms', '>', nowMs).orderBy('id').execute();
    return rows.map((r) => ({ grant: r.grant_name, resource: r.resource, expiresAt: r.expires_at_ms }));
  }

  /** pending -> approved; false when the request was not pending. */
  async approve(id: string, by: string, atMs: number, note: string, expiresAtMs: number): Promise<boolean> {
    const result = await this.db.updateTable('access_requests')
      .set({ state: 'approved', decided_by: by, decided_at_ms: atMs, decision_reason: note, expires_at_ms: expiresAtMs })
      .where('id', '=', id).where('state', '=', 'pending').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** pending -> denied; false when the request was not pending. */
  async deny(id: string, by: string, atMs: number, reason: string): Promise<boolean> {
    const result = await this.db.updateTable('access_requests')
      .set({ state: 'denied', decided_by: by, decided_at_ms: atMs, decision_reason: reason })
      .where('id', '=', id).where('state', '=', 'pending').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** approved -> revoked or expired; false when the request was not approved. */
  async end(id: string, state: 'revoked' | 'expired', by: string, atMs: number, reason: string): Promise<boolean> {
    const result = await this.db.updateTable('access_requests')
      .set({ state, ended_by: by, ended_at_ms: atMs, end_reason: reason })
      .where('id', '=', id).where('state', '=', 'approved').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Approved requests whose time is up at `nowMs` (an array: what expired since the last sweep). */
  async due(nowMs: number): Promise<AccessRequestRecord[]> {
    const rows = await this.db.selectFrom('access_requests').selectAll()
      .where('state', '=', 'approved').where('expires_at_ms', '<=', nowMs).orderBy('expires_at_ms').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** When the next approved request expires (undefined when none is approved). */
  async nextExpiry(): Promise<number | undefined> {
    const row = await this.db.selectFrom('access_requests').select((eb) => eb.fn.min('expires_at_ms').as('at'))
      .where('state', '=', 'approved').executeTakeFirst();
    return row?.at ?? undefined;
  }
}
