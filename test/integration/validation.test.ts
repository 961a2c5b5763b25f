// Bad input on the real API: oversized messages, malformed CSRs, names with control
// characters or SQL metacharacters and empty fields get INVALID_ARGUMENT naming the field,
// and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, authClients, call } from '../../common/grpc.js';
import { createCsr, generateKeyPair } from '../../common/pki.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { startTestController, addUser, codeAt, enrollGateway, rpcError, type TestController } from './harness.js';

let t: TestController;
before(async () => { t = await startTestController(); });
after(async () => { await t.stop(); });

async function snapshot() {
  const users = await call(t.admin.admin, 'ListUsers', {});
  const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 0, actionPrefix: '' });
  return { users: users.users, audit: audit.records.length };
}

async function invalid(p: Promise<unknown>, field: RegExp) {
  const err = await rpcError(p);
  assert.equal(err.code, grpc.status.INVALID_ARGUMENT, `${err.code} ${err.details}`);
  assert.match(err.details, field);
}

test('admin requests with bad names, groups and sizes are refused and change nothing', async () => {
  await addUser(t, 'alice', 'pw quartz tram');
  const before = await snapshot();
  const badNames = ['', 'a\u0000b', 'bob\n', "x'; DROP TABLE users;--", 'a b', 'é', 'x'.repeat(65), 'robert"); --'];
  for (const name of badNames) await invalid(call(t.admin.admin, 'AddUser', { name, password: '', groups: [], admin: false }), /^name: /);
  await invalid(call(t.admin.admin, 'AddUser', { name: 'ok', password: '', groups: ['fine', 'bad\tgroup'], admin: false }), /^groups\[1\]: /);
  await invalid(call(t.admin.admin, 'AddUser', { name: 'ok', password: 'p'.repeat(1025), groups: [], admin: false }), /^password: .*1024/);
  await invalid(call(t.admin.admin, 'SetUserGroups', { name: "alice' OR 1=1", groups: [] }), /^name: /);
  await invalid(call(t.admin.admin, 'CreateJoinToken', { gatewayName: '', ttlSeconds: 0 }), /^gateway_name: must not be empty/);
  await invalid(call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc1', ttlSeconds: 31 * 86_400 }), /^ttl_seconds: /);
  await invalid(call(t.admin.admin, 'TestPolicy', { yaml: '' }), /^yaml: must not be empty/);
  await invalid(call(t.admin.admin, 'ApplyPolicy', { yaml: `# ${'x'.repeat(1 << 20)}` }), /^yaml: must be at most 1 MiB/);
  await invalid(call(t.admin.admin, 'ListAudit', { afterId: -1, limit: 0, actionPrefix: '' }), /^after_id: /);
  assert.deepEqual(await snapshot(), before);
});

test('login requests with malformed or oversized CSRs and empty fields are refused and change nothing', async () => {
  const secret = await addUser(t, 'bob', 'pw-bob quartz tram');
  const before = await snapshot();
  const clients = authClients(t.auth, t.caPem);
  const good = { username: 'bob', password: 'pw-bob quartz tram', totpCode: await codeAt(t, secret), csrPem: createCsr(generateKeyPair(), 'bob'), deviceName: 'laptop' };
  try {
    const csrBody = good.csrPem.split('\n');
    const corrupted = [csrBody[0], csrBody[1]!.replace(/^.{10}/, 'AAAAAAAAAA'), ...csrBody.slice(2)].join('\n');
    await invalid(call(clients.auth, 'Login', { ...good, csrPem: 'not a csr' }), /^csr_pem: /);
    await invalid(call(clients.auth, 'Login', { ...good, csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' }), /^csr_pem: CSR is not a valid/);
    await invalid(call(clients.auth, 'Login', { ...good, csrPem: corrupted }), /^csr_pem: /);
    await invalid(call(clients.auth, 'Login', { ...good, csrPem: good.csrPem + 'x'.repeat(9000) }), /^csr_pem: must be at most 8 KiB/);
    await invalid(call(clients.auth, 'Login', { ...good, username: '' }), /^username: must not be empty/);
    await invalid(call(clients.auth, 'Login', { ...good, password: '' }), /^password: must not be empty/);
    await invalid(call(clients.auth, 'Login', { ...good, totpCode: '' }), /^totp_code: /);
    await invalid(call(clients.auth, 'Login', { ...good, deviceName: 'evil\u001b[31m' }), /^device_name: /);
    await invalid(call(clients.auth, 'EnrollGateway', { token: '', csrPem: good.csrPem }), /^token: /);
    await invalid(call(clients.auth, 'EnrollGateway', { token: "' OR ''='", csrPem: good.csrPem }), /^token: /);
    await invalid(call(clients.auth, 'EnrollGateway', { token: 'a'.repeat(43), csrPem: good.csrPem }), /^wg_public_key: must be a base64 WireGuard key/);
    // A message beyond the transport limit is refused before any handler runs.
    const huge = await rpcError(call(clients.auth, 'Login', { ...good, password: 'x'.repeat(2 << 20) }));
    assert.equal(huge.code, grpc.status.RESOURCE_EXHAUSTED);
  } finally {
    clients.close();
  }
  assert.deepEqual(await snapshot(), before);
});

test('a malformed Sync message is refused by the stream wrapper, naming its field, before the handler sees it', async () => {
  // A controller that serves Sync (the session module), apart from the file's own.
  const withSync = await startTestController({ modules: [sessionModule()] });
  const creds = await enrollGateway(withSync, 'dc-validate');
  const clients = apiClients(withSync.api, creds);
  try {
    const stream = clients.gateway.Sync();
    const ended = new Promise<grpc.ServiceError>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
    });
    stream.write({ hello: { publicKey: 'not-a-key', endpoint: '192.0.2.1:51820', agentVersion: 'validate' } });
    const err = await ended;
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT, `${err.code} ${err.details}`);
    // The path starts at the stream's message (SyncUp), so the wrapper validated it, not the handler.
    assert.match(err.details, /^hello\.public_key: must be a base64 WireGuard key/);
    const gateways = await call(withSync.admin.admin, 'ListGateways', {});
    assert.equal(gateways.gateways.find((g) => g.name === 'dc-validate')?.connected, false, 'the refused Hello connected nothing');
  } finally {
    clients.close();
    await withSync.stop();
  }
});
