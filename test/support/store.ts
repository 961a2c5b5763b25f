// A store for unit tests: a fresh SQLite database in memory, migrated, behind the same Store
// the controller uses. (The integration suites run against both stores: test/support/postgres.ts.)
import { openDatabase, type Database } from '../../controller/store/database.js';
import { Store } from '../../controller/store/store.js';

export interface TestStore { store: Store; database: Database; close(): Promise<void> }

export async function openTestStore(): Promise<TestStore> {
  const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  return { store: new Store(database.kysely, database.dialect), database, close: () => database.close() };
}
