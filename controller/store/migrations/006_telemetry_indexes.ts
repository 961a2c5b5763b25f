// Telemetry ingest speed (docs/performance.md): drops the two per-session indexes on flows
// and denied attempts. No query uses them — the flow and denied-attempt listings filter
// "session = ? OR no session filter", which the database answers by walking the time indexes
// (flows_ended, denied_last_seen) newest first, and retention deletes by those time indexes
// and by id — while every ingested row paid for an insert at a random place in a text-keyed
// B-tree (a large share of the store's ingest time).
import type { Dialect } from '../dialect.js';
import type { MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, _dialect: Dialect): Promise<void> {
  await db.schema.dropIndex('flows_session').execute();
  await db.schema.dropIndex('denied_session').execute();
}
