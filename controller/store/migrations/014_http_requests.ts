// Requests through the gateways' identity-aware proxies (TelemetryBatch.http_requests),
// allowed or refused, stored with the other records of their batch and pruned with the flows
// (controller/telemetry/telemetry-store.ts). A request names its user and device itself: a
// browser on the public listener has no session to join through (ingest replaces them with
// the session's for requests that name one, so a gateway cannot blame another user).
//
// Like flows (006_telemetry_indexes), one index only, on start time: it serves the
// newest-first listing, whose session, user and device filters are tested while walking it,
// and age retention (row retention goes by id). An index per filter would cost every
// ingested request a random insert into a text-keyed B-tree, several times the cost of
// the row itself, and requests are the most numerous records a gateway sends.
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, generatedKey, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);
  await createTable(db, dialect, 'http_requests')
    .addColumn('id', INTEGER, generatedKey(dialect))
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('session_id', TEXT, (c) => c.notNull())
    .addColumn('resource', TEXT, (c) => c.notNull())
    .addColumn('method', TEXT, (c) => c.notNull())
    .addColumn('hostname', TEXT, (c) => c.notNull())
    .addColumn('path', TEXT, (c) => c.notNull())
    .addColumn('status', INTEGER, (c) => c.notNull())
    .addColumn('bytes_in', INTEGER, (c) => c.notNull())
    .addColumn('bytes_out', INTEGER, (c) => c.notNull())
    .addColumn('started_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('duration_us', INTEGER, (c) => c.notNull())
    .addColumn('username', TEXT, (c) => c.notNull())
    .addColumn('device_id', TEXT, (c) => c.notNull())
    .addColumn('denied_reason', TEXT, (c) => c.notNull())
    .addColumn('tunnel', INTEGER, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('http_requests_started').on('http_requests').column('started_at_ms').execute();
}
