// Login failures and lockout per (user, source): a source that guesses a user's password
// is locked out alone, so nobody who knows a user name can keep that user from logging in
// (login_failures keeps the user-wide count, which only slows attempts down).
import type { Dialect } from '../dialect.js';
import { columnTypes, createTable, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { INTEGER, TEXT } = columnTypes(dialect);
  await createTable(db, dialect, 'login_source_failures', { withoutRowid: true })
    .addColumn('user_name', TEXT, (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('source', TEXT, (c) => c.notNull())
    .addColumn('failures', INTEGER, (c) => c.notNull())
    .addColumn('last_failure_ms', INTEGER, (c) => c.notNull())
    .addColumn('locked_until_ms', INTEGER, (c) => c.notNull())
    .addPrimaryKeyConstraint('login_source_failures_pkey', ['user_name', 'source'])
    .execute();
  await db.schema.createIndex('login_source_failures_by_time').on('login_source_failures').column('last_failure_ms').execute();
}
