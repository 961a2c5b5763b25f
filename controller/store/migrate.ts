// Brings the schema up to date with the numbered migrations in controller/store/migrations/
// (NNN_name.ts, each exporting `up(db, dialect)`, one definition for SQLite and PostgreSQL),
// applied in order, each in its own transaction; any failure is fatal and names the
// migration. The version is SQLite's PRAGMA user_version (files in the field carry it) or,
// on PostgreSQL, the one row of wicket_schema. On PostgreSQL every migration transaction
// first takes an advisory lock and reads the version again, so controllers starting at once
// on one database migrate it once, one after the other.
import { readdirSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './dialect.js';
import type { MigrationDb, Up } from './migrations/helpers.js';

/** The compiled migrations, beside this module (dist/controller/store/migrations/). */
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  /** NNN_name, as in the file name: what errors name. */
  name: string;
  up: Up;
}

/** The key of PostgreSQL's advisory lock that serialises migrations ("Wicket" in ASCII). */
const MIGRATION_LOCK = 0x5769636b6574;

/**
 * The migrations in `dir`, ordered by number. A file whose name starts with a digit is a
 * migration and must be NNN_name (lower case) with an `up` function; other modules (the
 * helpers) are not. Throws on a malformed name, a duplicate number or a module without `up`.
 */
export async function listMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && /^\d/.test(f));
  const named = files.map((file) => {
    const m = /^(\d{3})_[a-z0-9_]+\.js$/.exec(file);
    if (!m) throw new Error(`migration ${file}: name must be NNN_name (lower case)`);
    return { version: Number(m[1]), name: file.slice(0, -'.js'.length), file };
  }).sort((a, b) => a.version - b.version);
  named.forEach((m, i) => {
    if (i > 0 && named[i - 1]!.version === m.version) throw new Error(`migration ${m.name}: number ${m.version} is used twice`);
  });
  const migrations: Migration[] = [];
  for (const m of named) {
    const module = (await import(new URL(m.file, dir).href)) as { up?: unknown };
    if (typeof module.up !== 'function') throw new Error(`migration ${m.name}: exports no up(db, dialect) function`);
    migrations.push({ version: m.version, name: m.name, up: module.up as Up });
  }
  return migrations;
}

/**
 * The schema version, read inside the migration's transaction `trx`. On PostgreSQL it waits
 * for the advisory lock first (held until `trx` ends) and creates wicket_schema on first use.
 */
async function lockedVersion(trx: MigrationDb, dialect: Dialect): Promise<number> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(trx);
    return rows[0]!.user_version;
  }
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(trx);
  await sql`CREATE TABLE IF NOT EXISTS wicket_schema (
    singleton integer PRIMARY KEY DEFAULT 1 CHECK (singleton = 1),
    version integer NOT NULL
  )`.execute(trx);
  await sql`INSERT INTO wicket_schema (singleton, version) VALUES (1, 0) ON CONFLICT (singleton) DO NOTHING`.execute(trx);
  const { rows } = await sql<{ version: number }>`SELECT version FROM wicket_schema`.execute(trx);
  return rows[0]!.version;
}

async function setVersion(trx: MigrationDb, dialect: Dialect, version: number): Promise<void> {
  if (dialect === 'sqlite') await sql`PRAGMA user_version = ${sql.lit(version)}`.execute(trx);
  else await sql`UPDATE wicket_schema SET version = ${version}`.execute(trx);
}

function tooNew(current: number, newest: number): Error {
  return new Error(`database schema version ${current} is newer than this controller knows (${newest}); upgrade the controller`);
}

let shipped: Promise<Migration[]> | undefined;

/**
 * Applies every migration newer than the database's version, each in its own transaction;
 * returns the versions this call applied (none when another controller got there first).
 * Refuses a database whose version is newer than the newest migration.
 */
export async function migrate<DB>(db: Kysely<DB>, dialect: Dialect, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await (shipped ??= listMigrations()));
  const newest = all.at(-1)?.version ?? 0;
  const untyped = db as unknown as MigrationDb;
  let current: number;
  try {
    current = await untyped.transaction().execute((trx) => lockedVersion(trx, dialect));
  } catch (err) {
    throw new Error(`reading the schema version failed: ${(err as Error).message}`, { cause: err });
  }
  if (current > newest) throw tooNew(current, newest);
  const applied: number[] = [];
  for (const m of all.filter((x) => x.version > current)) {
    try {
      const done = await untyped.transaction().execute(async (trx) => {
        const now = await lockedVersion(trx, dialect);
        if (now > newest) throw tooNew(now, newest);
        if (now >= m.version) return false;
        await m.up(trx, dialect);
        await setVersion(trx, dialect, m.version);
        return true;
      });
      if (done) applied.push(m.version);
    } catch (err) {
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return applied;
}
