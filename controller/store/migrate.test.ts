// Unit tests of the migration runner against real SQLite files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, migrate, openDatabase } from './db.js';

function withDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-db-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the shipped migrations apply once, in order, and set user_version', () => withDir((dir) => {
  const db = openDatabase(join(dir, 'c.db'));
  const newest = listMigrations().at(-1)!.version;
  assert.equal(db.pragma('user_version', { simple: true }), newest);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(migrate(db), []);
  db.close();
}));

test('a failing migration aborts, names its file, and leaves the version before it', () => withDir((dir) => {
  const mdir = join(dir, 'm');
  mkdirSync(mdir);
  writeFileSync(join(mdir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
  writeFileSync(join(mdir, '002_b.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
  assert.throws(() => openDatabase(join(dir, 'c.db'), { migrations: listMigrations(mdir) }), /migration 002_b\.sql failed: no such table: nowhere/);
  const db = openDatabase(join(dir, 'c.db'), { migrations: listMigrations(mdir).slice(0, 1) });
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get() as { n: number }).n, 0);
  db.close();
}));

test('malformed names, duplicate numbers and a newer database are refused', () => withDir((dir) => {
  writeFileSync(join(dir, '1_bad.sql'), '');
  assert.throws(() => listMigrations(dir), /1_bad\.sql: name must be NNN_name\.sql/);
  rmSync(join(dir, '1_bad.sql'));
  writeFileSync(join(dir, '001_a.sql'), '');
  writeFileSync(join(dir, '001_b.sql'), '');
  assert.throws(() => listMigrations(dir), /number 1 is used twice/);
  const db = openDatabase(join(dir, 'c.db'), { migrations: [] });
  db.pragma('user_version = 99');
  assert.throws(() => migrate(db, []), /schema version 99 is newer/);
  db.close();
}));
