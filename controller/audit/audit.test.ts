// The audit sink and head file see only committed records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/db.js';
import { Audit } from './audit.js';
import { parseHead } from './head.js';

test('a record whose transaction rolls back reaches neither the sink nor the head; a committed one reaches both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-audit-'));
  const db = openDatabase(join(dir, 'c.db'));
  try {
    const sink = join(dir, 'audit.jsonl');
    const head = join(dir, 'audit.head');
    const audit = new Audit(db, { sinkPath: sink, anchor: { path: head, key: Buffer.alloc(32, 7) } });
    assert.throws(() => db.transaction(() => {
      audit.append({ actor: 'system', action: 'doomed', target: '' });
      throw new Error('rollback');
    })(), /rollback/);
    await new Promise((r) => setImmediate(r));
    assert.equal(existsSync(sink), false, 'the sink got a rolled-back record');
    assert.equal(existsSync(head), false, 'the head moved to a rolled-back record');

    const kept = db.transaction(() => audit.append({ actor: 'system', action: 'kept', target: '' }))();
    assert.equal(existsSync(sink), false, 'the sink is written only once the transaction has finished');
    await new Promise((r) => setImmediate(r));
    const lines = readFileSync(sink, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { action: string }).action), ['kept']);
    assert.equal(parseHead(readFileSync(head, 'utf8')).hash, kept.hash);
    assert.deepEqual(parseHead(lines[0]!), parseHead(readFileSync(head, 'utf8')), 'each sink line carries the signed head it establishes');
    assert.ok(audit.verify().ok);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
