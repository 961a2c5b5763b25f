import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordWeakness } from './password-strength.js';

test('short, common and name-based passwords are refused with a reason', () => {
  assert.match(passwordWeakness('Xq7!pLm2')!, /too short/);
  for (const p of ['password1234', 'Password123!', 'qwertyuiop123', 'aaaaaaaaaaaaaa', '123456789012']) assert.match(passwordWeakness(p)!, /too easy to guess/, p);
  assert.match(passwordWeakness('alice-alice-1', ['alice'])!, /too easy to guess/);
});

test('a few unrelated words pass', () => {
  assert.equal(passwordWeakness('quartz tram rides purple'), undefined);
  assert.equal(passwordWeakness('alice keeps the quartz tram', ['alice']), undefined);
});
