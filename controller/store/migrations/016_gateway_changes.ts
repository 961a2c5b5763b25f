// Each gateway's change log (controller/sync/change-log-store.ts): one row per version, written
// in the transaction that made the change, so that whichever controller holds the gateway's
// Sync stream reads it and sends the delta, and a gateway that reconnects resumes from the
// version it applied. A row names session ids only: the entries (with their preshared keys)
// are built from the sessions table when the row is sent, so no key material is kept twice.
// Keyed by (gateway, version) alone, so WITHOUT ROWID on SQLite.
import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);
  await createTable(db, dialect, 'gateway_changes', { withoutRowid: true })
    .addColumn('gateway', TEXT, (c) => c.notNull())
    .addColumn('version', INTEGER, (c) => c.notNull())
    .addColumn('upserts', TEXT, (c) => c.notNull())
    .addColumn('removes', TEXT, (c) => c.notNull())
    .addColumn('config', INTEGER, (c) => c.notNull().check(sql`config IN (0, 1)`))
    .addColumn('created_at_ms', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('gateway_changes_pkey', ['gateway', 'version'])
    .execute();
}
