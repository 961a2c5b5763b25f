// Login over real gRPC + TLS: password + TOTP gives a certificate that works on the API
// port; every kind of failure gets the same answer; lockout holds; disabling a user stops
// both new logins and certificates issued before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { startTestController, addUser, codeAt, login, rpcError, type TestController } from './harness.js';

let t: TestController;
before(async () => { t = await startTestController(); });
after(async () => { await t.stop(); });

test('correct password and TOTP return a certificate that works on the API port', async () => {
  const secret = await addUser(t, 'alice', 'correct horse', { groups: ['eng'] });
  const { res, creds } = await login(t, { username: 'alice', password: 'correct horse', totpCode: await codeAt(t, secret) });
  assert.equal(res.username, 'alice');
  assert.match(res.deviceId, /^[0-9a-f]{32}$/);
  assert.equal(res.admin, false);
  // The certificate lives for the re-authentication interval (default 12 h).
  assert.ok(Math.abs(res.expiresAtMs - (t.now() + 12 * 3_600_000)) < 60_000);
  const api = apiClients(t.api, creds);
  try {
    const r = await call(api.client, 'ListResources', {});
    assert.equal(r.resources[0]?.resource, 'user:alice');
    const denied = await rpcError(call(api.admin, 'ListUsers', {}));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
  } finally {
    api.close();
  }
});

test('an admin user gets an admin certificate that works on Admin', async () => {
  const secret = await addUser(t, 'root2', 'pw-root2 quartz tram', { admin: true });
  const { res, creds } = await login(t, { username: 'root2', password: 'pw-root2 quartz tram', totpCode: await codeAt(t, secret) });
  assert.equal(res.admin, true);
  const api = apiClients(t.api, creds);
  try {
    const users = await call(api.admin, 'ListUsers', {});
    assert.ok(users.users.some((u) => u.name === 'root2' && u.admin));
    // The same certificate also names the user and device (an admin may connect sessions).
    assert.equal((await call(api.client, 'ListResources', {})).resources[0]?.resource, 'user:root2');
  } finally {
    api.close();
  }
});

test('wrong password, wrong code, replayed code and unknown user all get the same error', async () => {
  const secret = await addUser(t, 'bob', 'bobs quartz tram password');
  const good = await codeAt(t, secret);
  await login(t, { username: 'bob', password: 'bobs quartz tram password', totpCode: good });
  const wrongCode = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
  const failures = [
    await rpcError(login(t, { username: 'bob', password: 'not it', totpCode: await codeAt(t, secret, 1) })),
    await rpcError(login(t, { username: 'bob', password: 'bobs quartz tram password', totpCode: wrongCode })),
    await rpcError(login(t, { username: 'bob', password: 'bobs quartz tram password', totpCode: good })),
    await rpcError(login(t, { username: 'nobody', password: 'bobs quartz tram password', totpCode: good })),
  ];
  for (const f of failures) {
    assert.equal(f.code, grpc.status.UNAUTHENTICATED);
    assert.equal(f.details, 'invalid credentials');
  }
  // The real reasons are in the audit log, not in the replies.
  const audit = await call(t.admin.admin, 'ListAudit', { actionPrefix: 'login.fail', limit: 100, afterId: 0 });
  const reasons = audit.records.map((r) => (JSON.parse(r.detailsJson) as { reason: string }).reason);
  for (const reason of ['wrong password', 'wrong TOTP code', 'TOTP code already used', 'unknown user']) assert.ok(reasons.includes(reason), reason);
  assert.ok(!audit.records.some((r) => r.detailsJson.includes('bobs quartz tram password')));
});

test('an older code cannot be used after a newer one', async () => {
  const secret = await addUser(t, 'carol', 'carol-pw quartz tram');
  await login(t, { username: 'carol', password: 'carol-pw quartz tram', totpCode: await codeAt(t, secret, 1) });
  const err = await rpcError(login(t, { username: 'carol', password: 'carol-pw quartz tram', totpCode: await codeAt(t, secret, 0) }));
  assert.equal(err.code, grpc.status.UNAUTHENTICATED);
});

test('lockout holds after repeated failures, even with the right credentials, until it expires', async () => {
  const secret = await addUser(t, 'dave', 'dave-pw quartz tram');
  for (let i = 0; i < 5; i++) await rpcError(login(t, { username: 'dave', password: `wrong-${i}`, totpCode: '000000' }));
  const locked = await rpcError(login(t, { username: 'dave', password: 'dave-pw quartz tram', totpCode: await codeAt(t, secret) }));
  assert.equal(locked.code, grpc.status.UNAUTHENTICATED);
  assert.equal(locked.details, 'invalid credentials');
  const users = await call(t.admin.admin, 'ListUsers', {});
  assert.ok((users.users.find((u) => u.name === 'dave')?.lockedUntilMs ?? 0) > t.now());
  t.advance(10 * 60_000);
  try {
    const { res } = await login(t, { username: 'dave', password: 'dave-pw quartz tram', totpCode: await codeAt(t, secret) });
    assert.equal(res.username, 'dave');
  } finally {
    // Certificates are checked by TLS against the real clock: move back for the next tests.
    t.advance(-10 * 60_000);
  }
});

test('a disabled user can neither log in nor use a certificate issued before', async () => {
  const secret = await addUser(t, 'erin', 'erin-pw quartz tram');
  const { creds } = await login(t, { username: 'erin', password: 'erin-pw quartz tram', totpCode: await codeAt(t, secret) });
  const api = apiClients(t.api, creds);
  try {
    assert.equal((await call(api.client, 'ListResources', {})).resources.length, 1);
    await call(t.admin.admin, 'SetUserDisabled', { name: 'erin', disabled: true });
    const denied = await rpcError(call(api.client, 'ListResources', {}));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    const refused = await rpcError(login(t, { username: 'erin', password: 'erin-pw quartz tram', totpCode: await codeAt(t, secret, 1) }));
    assert.equal(refused.details, 'invalid credentials');
    await call(t.admin.admin, 'SetUserDisabled', { name: 'erin', disabled: false });
    assert.equal((await call(api.client, 'ListResources', {})).resources.length, 1);
  } finally {
    api.close();
  }
});

test('logins are counted in the audit log as login.ok with the device', async () => {
  const audit = await call(t.admin.admin, 'ListAudit', { actionPrefix: 'login.ok', limit: 100, afterId: 0 });
  const alice = audit.records.find((r) => r.target === 'alice');
  assert.ok(alice);
  assert.equal(alice.actor, 'user:alice');
  assert.match(JSON.parse(alice.detailsJson).device_id as string, /^[0-9a-f]{32}$/);
});
