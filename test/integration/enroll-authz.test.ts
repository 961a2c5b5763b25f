// Gateway enrollment and authorization on the API port: a join token works once and not
// after its TTL; each certificate kind reaches only its own service; certificates from
// another CA, TLS without a client certificate and plaintext never get through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { wicketV1 } from '../../proto/load.js';
import { CertificateAuthority, createCa, parseCsr } from '../../controller/crypto/ca.js';
import { startTestController, addUser, codeAt, login, rpcError, type TestController } from './harness.js';

let t: TestController;
before(async () => { t = await startTestController(); });
after(async () => { await t.stop(); });

async function enroll(token: string) {
  const keys = generateKeyPair();
  const clients = authClients(t.auth, t.caPem);
  try {
    const res = await call(clients.auth, 'EnrollGateway', { token, csrPem: createCsr(keys, 'gw'), wgPublicKey: publicKeyOf(generatePrivateKey()) });
    return { res, creds: { caPem: res.caPem, certPem: res.certificatePem, keyPem: keys.privateKeyPem } satisfies ClientCredentials };
  } finally {
    clients.close();
  }
}

/** Opens a Report stream, sends one batch and resolves with the ack's seq (or rejects with the stream error). */
function report(creds: ClientCredentials, seq: number): Promise<number> {
  const api = apiClients(t.api, creds);
  return new Promise<number>((resolve, reject) => {
    const stream = api.gateway.Report();
    stream.on('data', (ack: { seq: number }) => { resolve(ack.seq); stream.end(); });
    stream.on('error', reject);
    stream.write({ seq, collectedAtMs: t.now(), peers: [], counters: [], denied: [], flows: [], droppedRecords: 0 });
  }).finally(() => api.close());
}

test('a join token enrolls a gateway once, and never again', async () => {
  const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc1', ttlSeconds: 600 });
  const { res, creds } = await enroll(token);
  assert.equal(res.gatewayName, 'dc1');
  assert.equal(await report(creds, 7), 7);
  const again = await rpcError(enroll(token));
  assert.equal(again.code, grpc.status.UNAUTHENTICATED);
  const gws = await call(t.admin.admin, 'ListGateways', {});
  assert.deepEqual(gws.gateways.map((g) => [g.name, g.connected, g.health]), [['dc1', false, 'never connected']]);
});

test('a join token does not work after its TTL', async () => {
  const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc2', ttlSeconds: 60 });
  t.advance(61_000);
  try {
    const err = await rpcError(enroll(token));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(err.details, 'invalid or expired join token');
  } finally {
    t.advance(-61_000);
  }
  assert.equal((await call(t.admin.admin, 'ListGateways', {})).gateways.some((g) => g.name === 'dc2'), false);
});

test('re-enrolling a gateway retires its previous certificate', async () => {
  const first = await enroll((await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc3', ttlSeconds: 600 })).token);
  const second = await enroll((await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc3', ttlSeconds: 600 })).token);
  assert.equal(await report(second.creds, 1), 1);
  const err = await rpcError(report(first.creds, 1));
  assert.equal(err.code, grpc.status.PERMISSION_DENIED);
});

test('a gateway certificate cannot call Admin or Client', async () => {
  const { creds } = await enroll((await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc4', ttlSeconds: 600 })).token);
  const api = apiClients(t.api, creds);
  try {
    assert.equal((await rpcError(call(api.admin, 'ListUsers', {}))).code, grpc.status.PERMISSION_DENIED);
    assert.equal((await rpcError(call(api.admin, 'CreateJoinToken', { gatewayName: 'evil', ttlSeconds: 0 }))).code, grpc.status.PERMISSION_DENIED);
    assert.equal((await rpcError(call(api.client, 'ListResources', {}))).code, grpc.status.PERMISSION_DENIED);
  } finally {
    api.close();
  }
});

test('a user certificate cannot call Gateway or Admin', async () => {
  const secret = await addUser(t, 'mallory', 'pw-mallory quartz tram');
  const { creds } = await login(t, { username: 'mallory', password: 'pw-mallory quartz tram', totpCode: await codeAt(t, secret) });
  assert.equal((await rpcError(report(creds, 1))).code, grpc.status.PERMISSION_DENIED);
  const api = apiClients(t.api, creds);
  try {
    for (const method of ['ListUsers', 'ListGateways', 'ListControllers', 'ListAudit', 'VerifyAudit'] as const) {
      const err = await rpcError(call(api.admin, method, {} as never));
      assert.equal(err.code, grpc.status.PERMISSION_DENIED, method);
    }
    assert.equal((await rpcError(call(api.admin, 'AddUser', { name: 'x', password: 'y', groups: [], admin: true }))).code, grpc.status.PERMISSION_DENIED);
  } finally {
    api.close();
  }
  assert.equal((await call(t.admin.admin, 'ListUsers', {})).users.some((u) => u.name === 'x'), false);
});

test('a certificate from a foreign CA never completes the handshake', async () => {
  const foreign = createCa(Date.now());
  const authority = new CertificateAuthority(foreign.certPem, foreign.keyPem);
  const keys = generateKeyPair();
  const cert = authority.issueClient(parseCsr(createCsr(keys, 'admin')), [{ kind: 'admin', name: 'admin' }], Date.now(), 3_600_000);
  const api = apiClients(t.api, { caPem: t.caPem, certPem: cert.certPem, keyPem: keys.privateKeyPem });
  try {
    const err = await rpcError(call(api.admin, 'ListUsers', {}, { deadlineMs: 5000 }));
    assert.equal(err.code, grpc.status.UNAVAILABLE);
  } finally {
    api.close();
  }
});

test('TLS without a client certificate and plaintext are refused on the API port', async () => {
  const Admin = wicketV1().Admin;
  for (const creds of [grpc.credentials.createSsl(Buffer.from(t.caPem)), grpc.credentials.createInsecure()]) {
    const client = new Admin(t.api, creds);
    try {
      const err = await rpcError(call(client, 'ListUsers', {}, { deadlineMs: 5000 }));
      assert.ok([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED].includes(err.code), `got ${err.code} ${err.details}`);
    } finally {
      client.close();
    }
  }
});
