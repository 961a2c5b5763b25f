// Unit tests of rate-limited recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OncePerWindow } from './once-per-window.js';

test('one record per key per window, the next one carries how many were suppressed', () => {
  const w = new OncePerWindow(60_000);
  assert.deepEqual(w.admit('gw/key', 0), { record: true, suppressed: 0 });
  for (let i = 1; i <= 199; i++) assert.equal(w.admit('gw/key', i).record, false);
  assert.deepEqual(w.admit('gw/endpoint', 10), { record: true, suppressed: 0 }, 'another reason is its own key');
  assert.deepEqual(w.admit('gw/key', 60_000), { record: true, suppressed: 199 });
});
