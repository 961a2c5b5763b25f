// A store for unit tests, migrated, behind the same Store the controller uses: a fresh SQLite
// database in memory, or with WICKET_TEST_STORE=postgres a fresh database on the run's real
// PostgreSQL (test/support/postgres.ts). scripts/run-tests.mjs runs every test file that
// imports this module once per store.
import { openDatabase, type Database } from '../../controller/store/database.js';
import { Store } from '../../controller/store/store.js';
import { dropPostgresDatabase, freshPostgresDatabase, testStoreKind } from './postgres.js';

export interface TestStore {
  store: Store;
  database: Database;
  /** PostgreSQL only: another handle on the same database, as a second controller has (closed by `close`). */
  openSecond?: () => Promise<Database>;
  close(): Promise<void>;
}

/**
 * `sqliteOnly`: the test reaches into SQLite itself (its file handle, query plans, its
 * sequence table), so it runs on SQLite in every pass.
 */
export async function openTestStore(options: { sqliteOnly?: boolean } = {}): Promise<TestStore> {
  if (options.sqliteOnly || testStoreKind() === 'sqlite') {
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    return { store: new Store(database.kysely, database.dialect), database, close: () => database.close() };
  }
  const url = await freshPostgresDatabase();
  let database: Database;
  try {
    database = await openDatabase({ kind: 'postgres', url });
  } catch (err) {
    await dropPostgresDatabase(url);
    throw err;
  }
  const seconds: Database[] = [];
  return {
    store: new Store(database.kysely, database.dialect),
    database,
    openSecond: async () => {
      const second = await openDatabase({ kind: 'postgres', url });
      seconds.push(second);
      return second;
    },
    close: async () => {
      for (const second of seconds) await second.close();
      await database.close();
      await dropPostgresDatabase(url);
    },
  };
}
