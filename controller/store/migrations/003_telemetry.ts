// Gateway telemetry (controller/telemetry/telemetry-store.ts): batches received (for
// idempotence by gateway + seq), flows, denied attempts, latest WireGuard figures per session
// and latest allow-rule counters. Retention (by age and row count) prunes them periodically.
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, generatedKey, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);

  await createTable(db, dialect, 'telemetry_batches', { withoutRowid: true })
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('seq', INTEGER, (c) => c.notNull())
    .addColumn('collected_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('received_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('records', INTEGER, (c) => c.notNull())
    .addColumn('dropped_records', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('telemetry_batches_pkey', ['gateway', 'seq'])
    .execute();
  await db.schema.createIndex('telemetry_batches_received').on('telemetry_batches').column('received_at_ms').execute();

  await createTable(db, dialect, 'flows')
    .addColumn('id', INTEGER, generatedKey(dialect))
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('session_id', TEXT, (c) => c.notNull())
    .addColumn('source', TEXT, (c) => c.notNull())
    .addColumn('destination', TEXT, (c) => c.notNull())
    .addColumn('protocol', TEXT, (c) => c.notNull())
    .addColumn('port', INTEGER, (c) => c.notNull())
    .addColumn('started_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('ended_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('bytes_out', INTEGER, (c) => c.notNull())
    .addColumn('bytes_in', INTEGER, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flows_ended').on('flows').column('ended_at_ms').execute();
  await db.schema.createIndex('flows_session').on('flows').columns(['session_id', 'ended_at_ms']).execute();

  // One row per (gateway, tuple, first seen): a repeated report replaces count and last seen.
  await createTable(db, dialect, 'denied_attempts')
    .addColumn('id', INTEGER, generatedKey(dialect))
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('session_id', TEXT, (c) => c.notNull())
    .addColumn('source', TEXT, (c) => c.notNull())
    .addColumn('destination', TEXT, (c) => c.notNull())
    .addColumn('protocol', TEXT, (c) => c.notNull())
    .addColumn('port', INTEGER, (c) => c.notNull())
    .addColumn('count', INTEGER, (c) => c.notNull())
    .addColumn('first_seen_ms', INTEGER, (c) => c.notNull())
    .addColumn('last_seen_ms', INTEGER, (c) => c.notNull())
    .addUniqueConstraint('denied_attempts_tuple', ['gateway', 'source', 'destination', 'protocol', 'port', 'first_seen_ms'])
    .execute();
  await db.schema.createIndex('denied_last_seen').on('denied_attempts').column('last_seen_ms').execute();
  await db.schema.createIndex('denied_session').on('denied_attempts').columns(['session_id', 'last_seen_ms']).execute();

  await createTable(db, dialect, 'peer_stats', { withoutRowid: true })
    .addColumn('session_id', TEXT, (c) => c.notNull())
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('endpoint', TEXT, (c) => c.notNull())
    .addColumn('last_handshake_ms', INTEGER, (c) => c.notNull())
    .addColumn('rx_bytes', INTEGER, (c) => c.notNull())
    .addColumn('tx_bytes', INTEGER, (c) => c.notNull())
    .addColumn('updated_at_ms', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('peer_stats_pkey', ['session_id', 'gateway'])
    .execute();
  await db.schema.createIndex('peer_stats_updated').on('peer_stats').column('updated_at_ms').execute();

  await createTable(db, dialect, 'rule_counters', { withoutRowid: true })
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('session_id', TEXT, (c) => c.notNull())
    .addColumn('destination', TEXT, (c) => c.notNull())
    .addColumn('protocol', TEXT, (c) => c.notNull())
    .addColumn('port_from', INTEGER, (c) => c.notNull())
    .addColumn('port_to', INTEGER, (c) => c.notNull())
    .addColumn('packets', INTEGER, (c) => c.notNull())
    .addColumn('bytes', INTEGER, (c) => c.notNull())
    .addColumn('updated_at_ms', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_counters_pkey', ['gateway', 'session_id', 'destination', 'protocol', 'port_from', 'port_to'])
    .execute();
  await db.schema.createIndex('rule_counters_updated').on('rule_counters').column('updated_at_ms').execute();
}
