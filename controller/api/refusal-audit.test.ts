import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefusalAuditWindow } from './refusal-audit.js';

test('one record per key and window; the next record counts what was suppressed', () => {
  const w = new RefusalAuditWindow(60_000);
  assert.deepEqual(w.admit('user:a|wrong_kind', 0), { record: true, suppressed: 0 });
  assert.equal(w.admit('user:a|wrong_kind', 1000).record, false);
  assert.equal(w.admit('user:a|wrong_kind', 59_999).record, false);
  assert.deepEqual(w.admit('user:a|expired', 2000), { record: true, suppressed: 0 }, 'another reason is another key');
  assert.deepEqual(w.admit('user:b|wrong_kind', 2000), { record: true, suppressed: 0 }, 'another identity is another key');
  assert.deepEqual(w.admit('user:a|wrong_kind', 60_000), { record: true, suppressed: 2 });
  assert.equal(w.admit('user:a|wrong_kind', 60_001).record, false);
});

test('memory stays bounded under many keys', () => {
  const w = new RefusalAuditWindow(60_000);
  for (let i = 0; i < 25_000; i++) assert.equal(w.admit(`k${i}`, i).record, true);
  assert.ok((w as unknown as { last: Map<string, unknown> }).last.size <= 10_000);
});
