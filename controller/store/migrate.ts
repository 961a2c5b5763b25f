// Brings the schema up to date with the numbered migrations in controller/store/migrations/
// (NNN_name.sql, applied in order, each in its own transaction, recorded in PRAGMA
// user_version; any failure is fatal).
import { readdirSync, readFileSync } from 'node:fs';
import type { SqliteHandle as DB } from './sqlite.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Migrations are read from the source tree (dist/controller/store/db.js -> controller/store/migrations/). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../controller/store/migrations/', import.meta.url));

export interface Migration { version: number; file: string; sql: string }

/** The migrations in `dir`, ordered by number; throws on a malformed name or a duplicate number. */
export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir).filter((f) => f.endsWith('.sql')).map((file) => {
    const m = /^(\d{3})_[a-z0-9_]+\.sql$/.exec(file);
    if (!m) throw new Error(`migration ${file}: name must be NNN_name.sql (lower case)`);
    return { version: Number(m[1]), file, sql: readFileSync(join(dir, file), 'utf8') };
  }).sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]!.version === m.version) throw new Error(`migration ${m.file}: number ${m.version} is used twice`);
  });
  return migrations;
}

/** Applies every migration newer than the database's user_version; returns the versions applied. */
export function migrate(db: DB, migrations: Migration[] = listMigrations()): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`database schema version ${current} is newer than this controller knows (${newest}); upgrade the controller`);
  }
  const applied: number[] = [];
  for (const m of migrations.filter((x) => x.version > current)) {
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (err) {
      throw new Error(`migration ${m.file} failed: ${(err as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}
