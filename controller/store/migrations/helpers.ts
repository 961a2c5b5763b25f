// The vocabulary the migrations are written in: each migration is one definition for SQLite
// and PostgreSQL through Kysely's schema builder, and the few places where the two dialects
// differ are decided here, once.
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../dialect.js';

/** What a migration runs on: the database or the migration's transaction, untyped (schema.ts describes the result, not the steps). */
export type MigrationDb = Kysely<unknown>;

/** A migration module: applies its change inside the transaction the runner opened. */
export type Up = (db: MigrationDb, dialect: Dialect) => Promise<void>;

export interface ColumnTypes {
  INTEGER: RawBuilder<unknown>;
  TEXT: RawBuilder<unknown>;
  BLOB: RawBuilder<unknown>;
}

/**
 * Column types. SQLite keeps the declared types its files have always had (INTEGER, TEXT,
 * BLOB: what STRICT tables accept, and what schema-types.ts maps to TypeScript), so a file
 * migrated long ago and a new one have the same schema. PostgreSQL gets bigint for every
 * INTEGER (times in milliseconds and byte counters do not fit in 32 bits), bytea, and text
 * in the "C" collation: SQLite compares text byte by byte, and so must PostgreSQL, whatever
 * locale its database was created with, or ORDER BY and range conditions on names would
 * give different answers on the two stores.
 */
export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'sqlite'
    ? { INTEGER: sql`INTEGER`, TEXT: sql`TEXT`, BLOB: sql`BLOB` }
    : { INTEGER: sql`bigint`, TEXT: sql`text COLLATE "C"`, BLOB: sql`bytea` };
}

/**
 * CREATE TABLE: on SQLite STRICT (a value of the wrong type is an error, as on PostgreSQL),
 * and WITHOUT ROWID for tables keyed by their primary key alone; PostgreSQL has neither.
 */
export function createTable(db: MigrationDb, dialect: Dialect, name: string, options: { withoutRowid?: boolean } = {}): CreateTableBuilder<string, never> {
  const table = db.schema.createTable(name);
  if (dialect === 'postgres') return table;
  return table.modifyEnd(options.withoutRowid ? sql`STRICT, WITHOUT ROWID` : sql`STRICT`);
}

/**
 * An integer primary key the database assigns on insert. On SQLite the rowid alias, with
 * AUTOINCREMENT where a number must never be handed out again after the newest row is
 * deleted (policy versions, audit ids); on PostgreSQL an identity column, whose sequence
 * never hands a number out twice either. "By default": an explicit value is still accepted.
 */
export function generatedKey(dialect: Dialect, options: { autoincrement?: boolean } = {}): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  if (dialect === 'postgres') return (c) => c.primaryKey().generatedByDefaultAsIdentity();
  return options.autoincrement ? (c) => c.primaryKey().autoIncrement() : (c) => c.primaryKey();
}
