// `wicket login` against a stand-in Auth service over real TLS (certificates from the real
// CA code): pinning, what is stored and with which modes, refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { login, type LoginInput } from './login.js';
import { StateDir } from './state.js';
import { deviceIdFromSpki, startStubController, STUB_PASSWORD, STUB_TOTP, type StubController } from '../test/support/stub-controller.js';

let stub: StubController;
before(async () => { stub = await startStubController(); });
after(() => stub.close());

const newState = () => new StateDir(join(mkdtempSync(join(tmpdir(), 'wicket-login-')), 'home'));
const input = (over: Partial<LoginInput> = {}): LoginInput => ({
  controller: stub.authEndpoint, caFingerprint: stub.caFingerprint.toUpperCase().match(/../g)!.join(':'),
  username: 'alice', password: STUB_PASSWORD, totpCode: STUB_TOTP, deviceName: 'laptop', ...over,
});

test('a login stores certificate, CA and login state; the API host comes from the auth endpoint', async () => {
  const state = newState();
  const r = await login(state, input());
  const spki = createPublicKey(state.deviceKeys().publicKeyPem).export({ type: 'spki', format: 'der' });
  assert.equal(r.deviceId, deviceIdFromSpki(spki));
  assert.equal(r.apiEndpoint, `127.0.0.1:${stub.apiPort}`);
  assert.equal(r.caFingerprint, stub.caFingerprint);
  assert.deepEqual(state.login(), r);
  assert.equal(statSync(state.deviceKeyPath).mode & 0o777, 0o600);
  assert.ok(state.credentials().certPem.includes('BEGIN CERTIFICATE'));
  // A second login keeps the device key, hence the device id.
  assert.equal((await login(state, input())).deviceId, r.deviceId);
});

test('a wrong CA fingerprint stops before anything is sent', async () => {
  const before = stub.logins;
  const state = newState();
  await assert.rejects(login(state, input({ caFingerprint: 'ab'.repeat(32) })), /controller CA fingerprint mismatch/);
  assert.equal(stub.logins, before);
  assert.equal(state.login(), undefined);
});

test('refused credentials leave no login behind', async () => {
  const state = newState();
  await assert.rejects(login(state, input({ totpCode: '000000' })), (err: grpc.ServiceError) => err.code === grpc.status.UNAUTHENTICATED);
  assert.equal(existsSync(state.loginPath), false);
});

test('a certificate for another key is refused', async () => {
  stub.signOtherKey = true;
  try {
    const state = newState();
    await assert.rejects(login(state, input()), /different key/);
    assert.equal(state.login(), undefined);
  } finally {
    stub.signOtherKey = false;
  }
});
