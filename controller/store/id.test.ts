// Generated ids never look like command-line options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from './id.js';

test('ids are URL-safe, unique and never start with - or _', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = newId();
    assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 5000);
  assert.equal(newId(9).length, 12);
});
