// Admin list calls the console pages go through (Admin.ListSessions, Admin.ListFlows): a page
// of sessions newest first with its total, filtered by user, device or gateway, is an index
// walk that stops after offset + limit rows, never a scan of every session and a sort
// (controller/sessions/session-store.test.ts checks the plans).
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import type { MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, _dialect: Dialect): Promise<void> {
  // Live sessions newest first. This replaces (state, expires_at_ms), which no query orders by:
  // the other lookups of live sessions need only its first column.
  await db.schema.createIndex('sessions_state_created').on('sessions').columns(['state', 'created_at_ms', 'id']).execute();
  await db.schema.dropIndex('sessions_active').execute();
  // A user's or a device's live sessions newest first: partial indexes hold only live sessions
  // (a session leaves them when it ends). They also answer Connect's lookups and counts of a
  // user's and a device's active sessions, so the two (name, state) indexes go.
  await db.schema.createIndex('sessions_live_user').on('sessions').columns(['user_name', 'created_at_ms', 'id']).where(sql<boolean>`state = 'active'`).execute();
  await db.schema.createIndex('sessions_live_device').on('sessions').columns(['device_id', 'created_at_ms', 'id']).where(sql<boolean>`state = 'active'`).execute();
  await db.schema.dropIndex('sessions_user').execute();
  await db.schema.dropIndex('sessions_device').execute();
  // Every session (the --all list) newest first, and a user's or a device's; the last two also
  // give the flow and denied-attempt listings the sessions of a user or device to filter on.
  // Flows and denied attempts keep no per-session index (006_telemetry_indexes: ingest would
  // pay for it on every row); their listings walk the time indexes.
  await db.schema.createIndex('sessions_created').on('sessions').columns(['created_at_ms', 'id']).execute();
  await db.schema.createIndex('sessions_user_created').on('sessions').columns(['user_name', 'created_at_ms', 'id']).execute();
  await db.schema.createIndex('sessions_device_created').on('sessions').columns(['device_id', 'created_at_ms', 'id']).execute();
}
