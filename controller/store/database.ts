// Where the controller's state lives: the embedded SQLite file in the data directory (the
// default) or a PostgreSQL database shared by every controller of a network (`--database`).
// Both are reached through one Kysely instance typed by schema.ts, so the queries above this
// folder are written once; `dialect` is there for the few statements that differ.
import { Kysely } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';
import { openSqlite, sqliteDialect, type SqliteHandle } from './sqlite.js';
import { postgresDialect, redactUrl } from './postgres.js';
import { migrate } from './migrate.js';
import type { Dialect } from './dialect.js';
import { LocalNotifier, PostgresNotifier, type Notifier } from './notifications.js';

export type { Dialect };

export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Database {
  readonly kysely: Kysely<Schema>;
  readonly dialect: Dialect;
  /** The SQLite connection itself (WAL checkpoints), when the store is SQLite. */
  readonly sqlite?: SqliteHandle;
  /** Where it is, without secrets: a file path or a URL with its password hidden. */
  readonly description: string;
  /** Wake-ups between the controllers of this database (notifications.ts). */
  readonly notifier: Notifier;
  close(): Promise<void>;
}

/** A `--database` value: a postgres:// or postgresql:// URL. */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('--database must be a URL such as postgres://wicket@db.example:5432/wicket');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`--database ${redactUrl(url)}: only postgres:// and postgresql:// URLs are supported (without --database the store is SQLite in the data directory)`);
  }
  return { kind: 'postgres', url };
}

/**
 * Opens the store at `location` and brings its schema up to date (unless read-only); a
 * failure to migrate (or to reach the database) closes it and names where it is.
 */
export async function openDatabase(location: DatabaseLocation, options: { readonly?: boolean } = {}): Promise<Database> {
  let database: Database;
  if (location.kind === 'sqlite') {
    const sqlite = openSqlite(location.path, options);
    const kysely = new Kysely<Schema>({ dialect: sqliteDialect(sqlite) });
    database = { kysely, dialect: 'sqlite', sqlite, description: location.path, notifier: new LocalNotifier(), close: () => kysely.destroy() };
  } else {
    const { dialect } = postgresDialect(location.url, { readonly: options.readonly });
    const kysely = new Kysely<Schema>({ dialect });
    const url = location.url;
    const notifier = new PostgresNotifier(() => new pg.Client({ connectionString: url }));
    database = {
      kysely, dialect: 'postgres', description: redactUrl(url), notifier,
      close: async () => {
        await notifier.close();
        await kysely.destroy();
      },
    };
  }
  if (!options.readonly) {
    try {
      await migrate(database.kysely, database.dialect);
    } catch (err) {
      await database.close();
      throw new Error(`${database.description}: ${(err as Error).message}`, { cause: err });
    }
  }
  return database;
}
