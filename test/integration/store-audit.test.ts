// Secrets at rest and the audit chain, against the real database file: the file holds
// neither the CA private key nor TOTP secrets in clear, and altering or removing any audit
// row makes verification fail naming that row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { call } from '../../common/grpc.js';
import { MasterKey } from '../../controller/crypto/masterkey.js';
import { startTestController, addUser, type TestController } from './harness.js';

let t: TestController;
before(async () => { t = await startTestController(); });
after(async () => { await t.stop(); });

const dbPath = () => join(t.dir, 'data', 'controller.db');

/** The database file and its WAL, as bytes (what someone who copies the files gets). */
function rawDatabase(): string {
  return [dbPath(), `${dbPath()}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
}

test('the raw database holds neither the CA private key nor any TOTP secret in clear', async () => {
  const secrets = [await addUser(t, 'alice', 'pw-a quartz tram'), await addUser(t, 'bob', 'pw-b quartz tram')];
  const raw = rawDatabase();
  for (const s of secrets) assert.equal(raw.includes(s), false, 'TOTP secret in clear');
  assert.equal(raw.includes('PRIVATE KEY'), false);
  assert.equal(raw.includes('pw-a quartz tram'), false, 'password in clear');
  // The sealed CA key opens with the master key, and no part of it is in the file in clear.
  const db = new Database(dbPath(), { readonly: true });
  try {
    const sealed = (db.prepare("SELECT value FROM settings WHERE key = 'ca.key.sealed'").get() as { value: Buffer }).value;
    const caKey = MasterKey.load(join(t.dir, 'data', 'master.key')).open(sealed, 'ca.key').toString('utf8');
    assert.match(caKey, /BEGIN PRIVATE KEY/);
    const body = caKey.split('\n').slice(1, -2).join('');
    for (let i = 0; i + 64 <= body.length; i += 64) assert.equal(raw.includes(body.slice(i, i + 64)), false);
  } finally {
    db.close();
  }
});

/** Runs SQL on the live database as an attacker with the file would (triggers dropped first). */
function tamper(sql: string): void {
  const db = new Database(dbPath());
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

test('the application cannot change audit records (append-only triggers)', () => {
  const db = new Database(dbPath());
  try {
    assert.throws(() => db.prepare("UPDATE audit SET actor = 'x' WHERE id = 1").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit WHERE id = 1').run(), /append-only/);
  } finally {
    db.close();
  }
});

test('altering any audit row makes verify fail and name it', async () => {
  for (let i = 0; i < 4; i++) await call(t.admin.admin, 'SetUserGroups', { name: 'alice', groups: [`g${i}`] });
  const ok = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(ok.ok, true);
  const records = (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 0, actionPrefix: '' })).records;
  assert.equal(ok.recordsChecked, records.length);
  const victim = records[3]!;
  tamper(`UPDATE audit SET details_json = '{"after":["root"]}' WHERE id = ${victim.id}`);
  const bad = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(bad.ok, false);
  assert.equal(bad.firstBadId, victim.id);
  assert.match(bad.message, new RegExp(`record ${victim.id}`));
  // Restoring the row restores the chain; removing a row breaks it at the next one.
  tamper(`UPDATE audit SET details_json = '${victim.detailsJson}' WHERE id = ${victim.id}`);
  assert.equal((await call(t.admin.admin, 'VerifyAudit', {})).ok, true);
  tamper(`DELETE FROM audit WHERE id = ${records[1]!.id}`);
  const gap = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(gap.ok, false);
  assert.equal(gap.firstBadId, records[2]!.id);
});
