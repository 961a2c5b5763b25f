// Secrets at rest and the audit chain, against the real store (the SQLite file, or the files
// of a real PostgreSQL server): its files hold neither the CA private key nor TOTP secrets in
// clear, the application cannot change an audit record, and altering or removing any audit
// row (as someone with the database, past the triggers) makes verification fail naming that
// row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import { call } from '../../common/grpc.js';
import { MasterKey } from '../../controller/crypto/masterkey.js';
import { startTestController, addUser, openControllerDatabase, searchRawDatabase, tamperDatabase, type TestController } from './harness.js';

let t: TestController;
before(async () => { t = await startTestController(); });
after(async () => { await t.stop(); });

test('the raw database holds neither the CA private key nor any TOTP secret in clear', async () => {
  const secrets = [await addUser(t, 'alice', 'pw-a quartz tram'), await addUser(t, 'bob', 'pw-b quartz tram')];
  const db = await openControllerDatabase(t, { readonly: true });
  let sealed: Buffer;
  try {
    sealed = (await db.kysely.selectFrom('settings').select('value').where('key', '=', 'ca.key.sealed').executeTakeFirstOrThrow()).value;
  } finally {
    await db.close();
  }
  // The sealed CA key opens with the master key, and no part of it is in the files in clear.
  const caKey = MasterKey.load(join(t.dir, 'data', 'master.key')).open(sealed, 'ca.key').toString('utf8');
  assert.match(caKey, /BEGIN PRIVATE KEY/);
  const body = caKey.split('\n').slice(1, -2).join('');
  const keySlices: string[] = [];
  for (let i = 0; i + 64 <= body.length; i += 64) keySlices.push(body.slice(i, i + 64));
  assert.ok(keySlices.length > 0);
  // What the files must hold (they were read, and these rows are in them): a user's name, and
  // the start of the sealed key, which is this database's alone.
  const sealedStart = sealed.subarray(0, 32);
  const found = await searchRawDatabase(t, ['alice', sealedStart, ...secrets, 'PRIVATE KEY', 'pw-a quartz tram', ...keySlices]);
  assert.ok(found.has('alice') && found.has(sealedStart), 'the database files were read');
  for (const s of secrets) assert.equal(found.has(s), false, 'TOTP secret in clear');
  assert.equal(found.has('PRIVATE KEY'), false);
  assert.equal(found.has('pw-a quartz tram'), false, 'password in clear');
  for (const slice of keySlices) assert.equal(found.has(slice), false, 'part of the CA private key in clear');
});

test('the application cannot change audit records (append-only triggers)', async () => {
  // As the controller's own database user, through the same store it uses.
  const db = await openControllerDatabase(t);
  try {
    const count = async () => Number((await db.kysely.selectFrom('audit').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await count();
    assert.ok(rows > 0);
    const first = await db.kysely.selectFrom('audit').select(['id', 'actor']).orderBy('id').executeTakeFirstOrThrow();
    await assert.rejects(db.kysely.updateTable('audit').set({ actor: 'x' }).where('id', '=', first.id).execute(), /append-only/);
    await assert.rejects(db.kysely.deleteFrom('audit').where('id', '=', first.id).execute(), /append-only/);
    await assert.rejects(db.kysely.deleteFrom('audit').execute(), /append-only/);
    // TRUNCATE runs no row triggers; PostgreSQL has it (SQLite does not), and a statement
    // trigger stops it.
    if (db.dialect === 'postgres') await assert.rejects(sql`TRUNCATE audit`.execute(db.kysely), /append-only/);
    assert.equal(await count(), rows);
    assert.equal((await db.kysely.selectFrom('audit').select('actor').where('id', '=', first.id).executeTakeFirstOrThrow()).actor, first.actor);
  } finally {
    await db.close();
  }
});

test('altering any audit row makes verify fail and name it', async () => {
  for (let i = 0; i < 4; i++) await call(t.admin.admin, 'SetUserGroups', { name: 'alice', groups: [`g${i}`] });
  const ok = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(ok.ok, true);
  const records = (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 0, actionPrefix: '' })).records;
  assert.equal(ok.recordsChecked, records.length);
  const victim = records[3]!;
  await tamperDatabase(t, `UPDATE audit SET details_json = '{"after":["root"]}' WHERE id = ${victim.id}`);
  const bad = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(bad.ok, false);
  assert.equal(bad.firstBadId, victim.id);
  assert.match(bad.message, new RegExp(`record ${victim.id}`));
  // Restoring the row restores the chain; removing a row breaks it at the next one.
  await tamperDatabase(t, `UPDATE audit SET details_json = '${victim.detailsJson}' WHERE id = ${victim.id}`);
  assert.equal((await call(t.admin.admin, 'VerifyAudit', {})).ok, true);
  await tamperDatabase(t, `DELETE FROM audit WHERE id = ${records[1]!.id}`);
  const gap = await call(t.admin.admin, 'VerifyAudit', {});
  assert.equal(gap.ok, false);
  assert.equal(gap.firstBadId, records[2]!.id);
  // The attacker put the triggers back: the application still cannot change a record.
  const db = await openControllerDatabase(t);
  try {
    await assert.rejects(db.kysely.deleteFrom('audit').where('id', '=', records[2]!.id).execute(), /append-only/);
  } finally {
    await db.close();
  }
});
