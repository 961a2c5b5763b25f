// Binds each access request to the content of the grant it was made under (a hash, see
// controller/access/binding.ts): a policy that changes or replaces the grant ends it. Rows
// from before have '' and are ended at the next policy apply.
import type { Dialect } from '../dialect.js';
import { columnTypes, type MigrationDb } from './helpers.js';

export async function up(db: MigrationDb, dialect: Dialect): Promise<void> {
  const { TEXT } = columnTypes(dialect);
  await db.schema.alterTable('access_requests').addColumn('grant_binding', TEXT, (c) => c.notNull().defaultTo('')).execute();
}
