// Unit tests of the assertion cache: reused while more than 30 s are left, forgotten on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, generateKeyPair } from 'jose';
import { AssertionSigner } from './assertion.js';
import type { Caller } from './callers.js';

const caller: Caller = { sessionId: 's', overlayAddress: '100.64.0.1', user: 'alice', groups: [], deviceId: 'd', grants: new Map() };

test('an assertion is reused until it has 30 s or less left, per resource', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  let now = 1_000_000_000_000;
  const signer = new AssertionSigner({ kid: 'k', key: privateKey, pem: '' }, 'iss', () => now);
  const a = await signer.assertion(caller, 'wiki');
  assert.notEqual(await signer.assertion(caller, 'git'), a);
  now += 29_000;
  assert.equal(await signer.assertion(caller, 'wiki'), a);
  now += 1_000;
  const b = await signer.assertion(caller, 'wiki');
  assert.notEqual(b, a);
  assert.equal(decodeJwt(b).iat, 1_000_000_030);
  signer.forget('s');
  now += 1_000;
  assert.notEqual(await signer.assertion(caller, 'wiki'), b);
});
