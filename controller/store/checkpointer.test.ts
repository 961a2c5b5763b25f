// The checkpointer on a real SQLite file: with the committing connection's autocheckpoint
// off, the worker's checkpoints are what move WAL pages into the database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startCheckpointer } from './checkpointer.js';

test('commits reach the database file through the worker, and stop restores the autocheckpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-ckpt-'));
  const path = join(dir, 'db.sqlite');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x BLOB)');
    const checkpointer = startCheckpointer(db, path, 50);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    const fileBefore = statSync(path).size;
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run(Buffer.alloc(4096)); })();
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < fileBefore + 2000 * 4096 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(path).size >= fileBefore + 2000 * 4096, `the database file holds the rows (${statSync(path).size} bytes)`);
    await checkpointer.stop();
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 2000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
