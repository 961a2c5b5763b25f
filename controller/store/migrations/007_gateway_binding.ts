// A gateway's WireGuard key and endpoint are bound when it enrolls (docs/security.md): a join
// token may carry the endpoint the admin allows its gateway to announce. The gateways table
// already holds public_key and endpoint; from now on they are the bound values, set at
// enrollment, and a Sync Hello must match them. A gateway enrolled before this migration
// keeps what it last announced as bound; one that never said Hello binds at its first Hello.
import type { Dialect } from '../dialect.js';
import { columnTypes, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { TEXT } = columnTypes(dialect);
  await db.schema.alterTable('join_tokens').addColumn('endpoint', TEXT, (c) => c.notNull().defaultTo('')).execute();
}
