// Just-in-time access requests (controller/access/): a user asks for a requestable grant's
// resource for a while; an approver approves (setting expires_at_ms) or denies; an approved
// request ends by expiry or revocation. Rows are never deleted: they are the request history.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);

  await createTable(db, dialect, 'access_requests')
    .addColumn('id', TEXT, (c) => c.primaryKey())
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('grant_name', TEXT, (c) => c.notNull())
    .addColumn('resource', TEXT, (c) => c.notNull())
    .addColumn('reason', TEXT, (c) => c.notNull())
    .addColumn('duration_ms', INTEGER, (c) => c.notNull().check(sql`duration_ms > 0`))
    .addColumn('state', TEXT, (c) => c.notNull().check(sql`state IN ('pending', 'approved', 'denied', 'revoked', 'expired')`))
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('decided_by', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('decided_at_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('decision_reason', TEXT, (c) => c.notNull().defaultTo(''))
    // Set on approval: when the access ends.
    .addColumn('expires_at_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('ended_by', TEXT, (c) => c.notNull().defaultTo(''))
    .addColumn('ended_at_ms', INTEGER, (c) => c.notNull().defaultTo(0))
    .addColumn('end_reason', TEXT, (c) => c.notNull().defaultTo(''))
    .execute();
  // A user's requests (their approvals feed every evaluation of their sessions).
  await db.schema.createIndex('access_requests_user').on('access_requests').columns(['user_name', 'state', 'expires_at_ms']).execute();
  // The next approval to expire, and the pending queue.
  await db.schema.createIndex('access_requests_state').on('access_requests').columns(['state', 'expires_at_ms']).execute();
}
