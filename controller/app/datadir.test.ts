// `init`: a database that fails before its state is committed leaves DIR as it was, so the
// same DIR can be initialised again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropPostgresDatabase, freshPostgresDatabase } from '../../test/support/postgres.js';
import { initDataDir, paths } from './datadir.js';

test('an init whose database transaction fails leaves DIR reusable', async (t) => {
  const url = await freshPostgresDatabase();
  t.after(() => dropPostgresDatabase(url));
  // The check that the database is empty passes; the first write of the state fails.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await client.query('CREATE TRIGGER refuse BEFORE INSERT ON settings FOR EACH ROW EXECUTE FUNCTION refuse()');
  } finally {
    await client.end();
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'wicket-init-')), 'data');
  t.after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
  await assert.rejects(initDataDir(dir, { databaseUrl: url }), /refused by the test/);
  assert.equal(existsSync(paths(dir).masterKey), false);
  assert.deepEqual(readdirSync(dir), []);
  const result = await initDataDir(dir);
  assert.ok(existsSync(join(result.adminDir, 'client.crt')));
});
