// The 'wicket_session_change' payloads: chunked under PostgreSQL's limit, and one `*` for a
// change of many sessions, so a commit never queues megabytes of ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PAYLOAD_BYTES } from '../store/notifications.js';
import { parseSessionChange, SESSION_CHANGE_BULK, sessionChangePayloads } from './session-changes.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `session-${String(i).padStart(36, '0')}`);

test('ids are carried with the sender, chunked under the limit, and parsed back', () => {
  const many = ids(SESSION_CHANGE_BULK);
  const payloads = sessionChangePayloads('ctl-a', many);
  assert.ok(payloads.length > 1, 'chunked');
  assert.ok(payloads.every((p) => Buffer.byteLength(p) <= MAX_PAYLOAD_BYTES));
  const parsed = payloads.map(parseSessionChange);
  assert.ok(parsed.every((p) => p.from === 'ctl-a' && !p.all));
  assert.deepEqual(parsed.flatMap((p) => p.ids), many);
  assert.deepEqual(sessionChangePayloads('ctl-a', []), []);
});

test('a change of more sessions than the bulk limit is one payload meaning all', () => {
  const payloads = sessionChangePayloads('ctl-a', ids(SESSION_CHANGE_BULK + 1));
  assert.deepEqual(payloads, ['ctl-a *']);
  assert.deepEqual(parseSessionChange(payloads[0]!), { from: 'ctl-a', ids: [], all: true });
});
