// The audit sink and head file see only committed records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestStore } from '../../test/support/store.js';
import { Audit } from './audit.js';
import { parseHead } from './head.js';

test('a record whose transaction rolls back reaches neither the sink nor the head; a committed one reaches both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-audit-'));
  const { store, close } = await openTestStore();
  try {
    const sink = join(dir, 'audit.jsonl');
    const head = join(dir, 'audit.head');
    const audit = await Audit.open(store, { sinkPath: sink, anchor: { path: head, key: Buffer.alloc(32, 7) } });
    await assert.rejects(store.transaction(async (tx) => {
      await audit.append(tx, { actor: 'system', action: 'doomed', target: '' });
      throw new Error('rollback');
    }), /rollback/);
    await new Promise((r) => setImmediate(r));
    assert.equal(existsSync(sink), false, 'the sink got a rolled-back record');
    assert.equal(existsSync(head), false, 'the head moved to a rolled-back record');

    const kept = await store.transaction(async (tx) => {
      const r = await audit.append(tx, { actor: 'system', action: 'kept', target: '' });
      assert.equal(existsSync(sink), false, 'the sink is written only once the transaction has finished');
      return r;
    });
    const lines = readFileSync(sink, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { action: string }).action), ['kept']);
    assert.equal(parseHead(readFileSync(head, 'utf8')).hash, kept.hash);
    assert.deepEqual(parseHead(lines[0]!), parseHead(readFileSync(head, 'utf8')), 'each sink line carries the signed head it establishes');
    assert.ok((await audit.verify()).ok);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('records removed while the controller runs: the next record does not move the head past the gap', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-audit-'));
  const { store, database, close } = await openTestStore({ sqliteOnly: true });
  try {
    const errors: unknown[] = [];
    const audit = await Audit.open(store, { anchor: { path: join(dir, 'audit.head'), key: Buffer.alloc(32, 7) }, onError: (e) => errors.push(e) });
    for (const action of ['a', 'b', 'c']) await audit.append(store, { actor: 'system', action, target: '' });
    database.sqlite!.exec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 1; UPDATE sqlite_sequence SET seq = 1 WHERE name = 'audit'");
    await audit.append(store, { actor: 'system', action: 'after', target: '' });
    assert.equal(errors.length, 1, 'the gap is reported');
    const r = await audit.verify();
    assert.equal(r.ok, false);
    assert.match(r.message, /differs from the signed head|truncated/);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record removed from the end leaves a gap the next record shows (SQLite keeps the highest id used)', async () => {
  const { store, database, close } = await openTestStore({ sqliteOnly: true });
  try {
    const audit = await Audit.open(store);
    for (const action of ['a', 'b', 'c']) await audit.append(store, { actor: 'system', action, target: '' });
    database.sqlite!.exec('DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3');
    const next = await audit.append(store, { actor: 'system', action: 'after', target: '' });
    assert.equal(next.id, 4);
  } finally {
    await close();
  }
});

test('list reads forwards from after_id, or backwards from before_id newest first, with the action filter', async () => {
  const { store, close } = await openTestStore();
  try {
    const audit = await Audit.open(store);
    for (let i = 1; i <= 10; i++) await audit.append(store, { actor: 'system', action: i % 2 ? 'user.add' : 'login.ok', target: `u${i}`, details: {} });
    const ids = (rs: { id: number }[]) => rs.map((r) => r.id);
    assert.deepEqual(ids(await audit.list(3, 3)), [4, 5, 6]);
    assert.deepEqual(ids(await audit.list(0, 3, '', { newestFirst: true })), [10, 9, 8]);
    assert.deepEqual(ids(await audit.list(0, 3, '', { newestFirst: true, beforeId: 8 })), [7, 6, 5]);
    assert.deepEqual(ids(await audit.list(0, 3, 'user.', { newestFirst: true, beforeId: 8 })), [7, 5, 3]);
    assert.deepEqual(ids(await audit.list(4, 10, '', { newestFirst: true, beforeId: 8 })), [7, 6, 5]);
    assert.deepEqual(ids(await audit.list(0, 10, '', { beforeId: 3 })), [1, 2]);
  } finally {
    await close();
  }
});

test('verify walks a chain longer than one page', async () => {
  const { store, close } = await openTestStore();
  try {
    const audit = await Audit.open(store);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 2500; i++) await audit.append(tx, { actor: 'system', action: 'x', target: `${i}` });
    });
    const r = await audit.verify();
    assert.equal(r.ok, true);
    assert.equal(r.recordsChecked, 2500);
  } finally {
    await close();
  }
});
