// The controllers sharing this database (controller/controllers/): each process registers a
// row when it starts, updates its heartbeat, gateways and client count every few seconds,
// and marks the row stopped on a clean stop, so that `wicketctl controller list` asked of any
// controller sees them all.
//
// The gateways a controller holds are a JSON array in the row rather than a second table:
// a heartbeat then stays one UPDATE of one row, the list is only ever read whole with its
// row, and nothing queries by gateway.
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);
  await createTable(db, dialect, 'controllers', { withoutRowid: true })
    .addColumn('id', TEXT, (c) => c.primaryKey())
    .addColumn('hostname', TEXT, (c) => c.notNull())
    .addColumn('api_address', TEXT, (c) => c.notNull())
    .addColumn('auth_address', TEXT, (c) => c.notNull())
    .addColumn('started_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('heartbeat_at_ms', INTEGER, (c) => c.notNull())
    .addColumn('stopped_at_ms', INTEGER)
    .addColumn('clients', INTEGER, (c) => c.notNull())
    .addColumn('gateways_json', TEXT, (c) => c.notNull())
    .execute();
}
