// The embedded store: a better-sqlite3 file behind Kysely's SQLite dialect. Kysely serialises
// every query and transaction on the one connection (its connection mutex), so an await inside
// a transaction never lets another caller's statement into it. Statements are prepared once per
// SQL text and reused: Kysely would prepare on every call.
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

export type SqliteHandle = BetterSqlite3.Database;

/** Prepared statements kept per SQL text; queries are built from a bounded set of shapes. */
const STATEMENT_CACHE = 1000;

/**
 * Makes the database file and its WAL and shared-memory files 0600 before SQLite opens them:
 * SQLite creates the WAL and -shm with the database file's mode, so a database made 0600
 * first keeps all three private whatever the umask, and one left readable by an older
 * version is tightened.
 */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/** Opens (creating if needed) the SQLite file at `path` with the controller's settings. */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteHandle {
  if (!options.readonly && path !== ':memory:') ownerOnly(path);
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Kysely's SQLite dialect over `db`, preparing each distinct SQL text once. */
export function sqliteDialect(db: SqliteHandle): SqliteDialect {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return new SqliteDialect({
    database: {
      close: () => db.close(),
      prepare: (sql: string) => {
        let stmt = statements.get(sql);
        if (!stmt) {
          if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
          stmt = db.prepare(sql);
          statements.set(sql, stmt);
        }
        return stmt;
      },
    },
  });
}
