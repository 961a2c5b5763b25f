// Scripted attacks on the controller's protocol surface, against the real controller (real
// SQLite file, real gRPC with real mutual TLS, real session module, a gateway speaking Sync
// over its own certificate). Each scenario asserts that the attack fails, and names its
// evidence — an audit count or a metric — which must have grown by the end of the scenario,
// so no attack passes unseen. Packet-level
// attacks (spoofed tunnel sources, client-to-client, scanning the gateway and controller
// through the tunnel, resource-initiated connections) are in test/e2e/sessions.test.ts.
// Every scenario counts itself; the total is printed as JSON.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import forge from 'node-forge';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, fetchPinnedCa, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { wicketV1 } from '../../proto/load.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { telemetryModule } from '../../controller/telemetry/module.js';
import { addUser, codeAt, login, rpcError, startTestController, type TestController, LAPTOP_POSTURE } from '../integration/harness.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';
import { selfSigned } from '../support/certificates.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice', 'bob'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });

describe('attacks on the protocol surface', { timeout: 600_000 }, () => {
  let t: TestController;
  let db: DbView;
  let gwCreds: ClientCredentials & { wgPublicKey: string };
  let gwStream: grpc.ClientDuplexStream<unknown, { snapshot?: { version: number }; delta?: { version: number } }>;
  const secrets: Record<string, string> = {};

  const audit = (action: string, target?: string) => db.count(`SELECT count(*) FROM audit WHERE action = ?${target ? ' AND target = ?' : ''}`, ...[action, ...(target ? [target] : [])]);
  const auditReason = (action: string, reason: string) => db.count("SELECT count(*) FROM audit WHERE action = ? AND details_json LIKE '%' || ? || '%'", action, reason);
  const metric = (name: string, labels: Record<string, string> = {}) => metricSum(t.controller.ctx.metrics.registry, name, labels);
  const refused = (reason: string) => () => metric('wicket_authz_refusals_total', { reason });
  const handled = (method: string, code: string) => () => metric('wicket_grpc_server_handled_total', { method, code });
  const handshakes = (reason: string) => () => metric('wicket_tls_handshake_failures_total', { listener: 'api', reason });
  const audited = (action: string, reason: string) => async () => auditReason(action, reason);

  const enroll = async (name: string, token?: string): Promise<ClientCredentials & { wgPublicKey: string }> => {
    const tok = token ?? (await call(t.admin.admin, 'CreateJoinToken', { gatewayName: name, ttlSeconds: 600 })).token;
    const keys = generateKeyPair();
    const wgPublicKey = publicKeyOf(generatePrivateKey());
    const a = authClients(t.auth, t.caPem);
    try {
      const r = await call(a.auth, 'EnrollGateway', { token: tok, csrPem: createCsr(keys, name), wgPublicKey });
      return { caPem: r.caPem, certPem: r.certificatePem, keyPem: keys.privateKeyPem, wgPublicKey };
    } finally {
      a.close();
    }
  };
  let fresh = 0;
  /** A new user in group eng, logged in once (a fresh user has all its TOTP steps unused). */
  const freshLogin = async (prefix: string) => {
    const name = `${prefix}${fresh++}`;
    secrets[name] = await addUser(t, name, `pw-${name} quartz tram`, { groups: ['eng'] });
    return { name, ...(await login(t, { username: name, password: `pw-${name} quartz tram`, totpCode: await codeAt(t, secrets[name]!) })) };
  };
  const userLogin = async (prefix: string) => (await freshLogin(prefix)).creds;
  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 }), telemetryModule()] });
    for (const u of ['alice', 'bob', 'mallory']) secrets[u] = await addUser(t, u, `pw-${u} quartz tram`);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    gwCreds = await enroll('dc1');
    gwStream = apiClients(t.api, gwCreds).gateway.Sync() as unknown as typeof gwStream;
    gwStream.on('data', (m) => gwStream.write({ ack: { version: m.snapshot?.version ?? m.delta?.version ?? 0, applyUs: 1, error: '' } }));
    gwStream.on('error', () => undefined);
    gwStream.write({ hello: { publicKey: gwCreds.wgPublicKey, endpoint: '192.0.2.1:51820', agentVersion: 'attack' } });
    db = new DbView(dbPathOf(join(t.dir, 'data')));
  });

  after(async () => {
    attacks.report();
    gwStream?.cancel();
    db?.close();
    await t?.stop();
  });

  scenario('TOTP replay: a code that was used once never logs in again', audited('login.fail', 'TOTP code already used'), async () => {
    const code = await codeAt(t, secrets.alice!);
    await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: code });
    const err = await rpcError(login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: code }));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(err.details, 'invalid credentials');
    assert.equal(auditReason('login.fail', 'TOTP code already used'), 1);
  });

  scenario('join token reuse: the second enrollment fails and is audited', async () => audit('gateway.enroll.fail'), async () => {
    const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc7', ttlSeconds: 600 });
    await enroll('dc7', token);
    const failed = await metric('wicket_gateway_enrollments_total', { result: 'failed' });
    const err = await rpcError(enroll('dc7', token));
    assert.ok([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.FAILED_PRECONDITION].includes(err.code), err.details);
    assert.ok(audit('gateway.enroll.fail') >= 1);
    assert.equal(await metric('wicket_gateway_enrollments_total', { result: 'failed' }), failed + 1);
  });

  scenario('expired join token is refused', async () => audit('gateway.enroll.fail'), async () => {
    const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc8', ttlSeconds: 60 });
    t.advance(120_000);
    const before = audit('gateway.enroll.fail');
    await rpcError(enroll('dc8', token));
    assert.equal(audit('gateway.enroll.fail'), before + 1);
  });

  scenario('a certificate from another CA never completes a call on the API port', handshakes('untrusted_certificate'), async () => {
    const { cert, keys } = selfSigned({
      subject: 'admin:admin',
      issuer: 'evil CA',
      validForMs: 3_600_000,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 6, value: 'wicket://admin/admin' }] }],
    });
    const evil = apiClients(t.api, { caPem: t.caPem, certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) });
    try {
      const err = await rpcError(call(evil.admin, 'ListUsers', {}, { deadlineMs: 5000 }));
      assert.ok([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED].includes(err.code), `${err.code} ${err.details}`);
    } finally {
      evil.close();
    }
  });

  scenario('no client certificate at all on the API port', handshakes('no_certificate'), async () => {
    const anon = new (wicketV1().Admin)(t.api, grpc.credentials.createSsl(Buffer.from(t.caPem)));
    try {
      const err = await rpcError(call(anon, 'ListUsers', {}, { deadlineMs: 5000 }));
      assert.ok([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED].includes(err.code));
    } finally {
      anon.close();
    }
  });

  for (const [who, service, method] of [['user', 'gateway', 'Sync'], ['user', 'admin', 'ListUsers'], ['gateway', 'admin', 'ListUsers'], ['gateway', 'client', 'ListResources']] as const) {
    scenario(`a ${who} certificate on the ${service} service is refused`, refused('wrong_kind'), async () => {
      const creds = who === 'user' ? await userLogin('kind') : gwCreds;
      const c = apiClients(t.api, creds);
      try {
        const err = method === 'Sync'
          ? await new Promise<grpc.ServiceError>((resolve) => {
            const s = c.gateway.Sync();
            s.on('error', resolve);
            s.write({ hello: { publicKey: publicKeyOf(generatePrivateKey()), endpoint: '192.0.2.3:1', agentVersion: 'x' } });
          })
          : await rpcError(service === 'admin' ? call(c.admin, 'ListUsers', {}) : call(c.client, 'ListResources', { posture: LAPTOP_POSTURE }));
        assert.equal(err.code, grpc.status.PERMISSION_DENIED, err.details);
      } finally {
        c.close();
      }
    });
  }

  scenario('a revoked user certificate is refused on its next call', refused('revoked_or_disabled'), async () => {
    const { name: victim, creds } = await freshLogin('revoked');
    const c = apiClients(t.api, creds);
    try {
      await call(c.client, 'ListResources', { posture: LAPTOP_POSTURE });
      await call(t.admin.admin, 'RevokeUser', { name: victim });
      const err = await rpcError(call(c.client, 'ListResources', { posture: LAPTOP_POSTURE }));
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
      assert.ok(audit('user.revoke', victim) >= 1, 'the revocation is audited');
    } finally {
      c.close();
    }
  });

  scenario("a retired gateway certificate (gateway re-enrolled) is refused", refused('revoked_or_disabled'), async () => {
    const old = await enroll('dc9');
    await enroll('dc9');
    const c = apiClients(t.api, old);
    try {
      const err = await new Promise<grpc.ServiceError>((resolve) => {
        const s = c.gateway.Sync();
        s.on('error', resolve);
        s.write({ hello: { publicKey: publicKeyOf(generatePrivateKey()), endpoint: '192.0.2.4:1', agentVersion: 'x' } });
      });
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
      assert.equal(audit('gateway.enroll', 'dc9'), 2);
    } finally {
      c.close();
    }
  });

  scenario('a stolen session public key used from another device is refused', handled('Connect', 'ALREADY_EXISTS'), async () => {
    const a = apiClients(t.api, await userLogin('owner'));
    const b = apiClients(t.api, await userLogin('thief'));
    try {
      const key = publicKeyOf(generatePrivateKey());
      const s = await call(a.client, 'Connect', { wgPublicKey: key, posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      const err = await rpcError(call(b.client, 'Connect', { wgPublicKey: key, posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 }));
      assert.equal(err.code, grpc.status.ALREADY_EXISTS);
      assert.equal(db.count("SELECT count(*) FROM sessions WHERE wg_public_key = ? AND state = 'active'", key), 1);
      assert.equal(db.count('SELECT count(*) FROM sessions WHERE wg_public_key = ?', key), 1);
      // Nor can bob touch alice's session by id.
      for (const m of ['Heartbeat', 'Disconnect'] as const) {
        const e = await rpcError(m === 'Heartbeat' ? call(b.client, 'Heartbeat', { sessionId: s.session!.id, posture: LAPTOP_POSTURE }) : call(b.client, 'Disconnect', { sessionId: s.session!.id }));
        assert.ok([grpc.status.NOT_FOUND, grpc.status.PERMISSION_DENIED].includes(e.code), `${m}: ${e.details}`);
      }
      assert.equal(db.count("SELECT count(*) FROM sessions WHERE id = ? AND state = 'active'", s.session!.id), 1);
    } finally {
      a.close();
      b.close();
    }
  });

  scenario('sync: acks before hello, acks of versions never sent, and replayed old acks change nothing', handled('Sync', 'FAILED_PRECONDITION'), async () => {
    const forgedBefore = await metric('wicket_sync_ignored_acks_total', { reason: 'never_sent' });
    const gw = apiClients(t.api, gwCreds);
    try {
      const early = await new Promise<grpc.ServiceError>((resolve) => {
        const s = gw.gateway.Sync();
        s.on('error', resolve);
        s.write({ ack: { version: 1, applyUs: 1, error: '' } });
      });
      assert.equal(early.code, grpc.status.FAILED_PRECONDITION);
      const applied = () => db.count('SELECT applied_version FROM gateways WHERE name = ?', 'dc1');
      const current = applied();
      assert.ok(current >= 1, 'the well-behaved gateway has acked a version');
      gwStream.write({ ack: { version: current + 1000, applyUs: 1, error: '' } });
      gwStream.write({ ack: { version: 1, applyUs: 1, error: '' } });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(applied(), current, 'a forged or replayed ack moved the applied version');
      assert.equal(await metric('wicket_sync_ignored_acks_total', { reason: 'never_sent' }), forgedBefore + 1, 'the forged ack is counted');
    } finally {
      gw.close();
    }
  });

  scenario('a disabled user cannot log in and the attempt is audited', audited('login.fail', 'disabled'), async () => {
    await call(t.admin.admin, 'SetUserDisabled', { name: 'bob', disabled: true });
    const err = await rpcError(login(t, { username: 'bob', password: 'pw-bob quartz tram', totpCode: await codeAt(t, secrets.bob!) }));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.ok(auditReason('login.fail', 'disabled') >= 1);
    await call(t.admin.admin, 'SetUserDisabled', { name: 'bob', disabled: false });
  });

  scenario('SQL, path and control characters in names are refused and change nothing', handled('RevokeUser', 'INVALID_ARGUMENT'), async () => {
    const before = db.fingerprint();
    for (const name of ["x'; DROP TABLE sessions;--", '../../etc/passwd', 'a\u0000b', 'dc1\n']) {
      const e1 = await rpcError(call(t.admin.admin, 'CreateJoinToken', { gatewayName: name, ttlSeconds: 60 }));
      const e2 = await rpcError(call(t.admin.admin, 'RevokeUser', { name }));
      assert.equal(e1.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(e2.code, grpc.status.INVALID_ARGUMENT);
    }
    assert.deepEqual(db.fingerprint(), before);
  });

  scenario('user enumeration: an unknown user gets the same answer as a wrong password', audited('login.fail', 'unknown user'), async () => {
    const unknown = await rpcError(login(t, { username: 'nobody', password: 'x', totpCode: '000000' }));
    const wrong = await rpcError(login(t, { username: 'alice', password: 'x', totpCode: '000000' }));
    assert.deepEqual([unknown.code, unknown.details], [wrong.code, wrong.details]);
    assert.ok(auditReason('login.fail', 'unknown user') >= 1);
  });

  scenario("watching another user's session is refused", async () => await handled('Watch', 'NOT_FOUND')() + await handled('Watch', 'PERMISSION_DENIED')(), async () => {
    const owner = apiClients(t.api, await userLogin('watched'));
    const spy = apiClients(t.api, await userLogin('spy'));
    try {
      const s = await call(owner.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      const err = await new Promise<grpc.ServiceError | null>((resolve) => {
        const w = spy.client.Watch({ sessionId: s.session!.id });
        w.on('data', () => resolve(null));
        w.on('error', resolve);
      });
      assert.ok(err && [grpc.status.NOT_FOUND, grpc.status.PERMISSION_DENIED].includes(err.code), 'the spy saw the session');
    } finally {
      owner.close();
      spy.close();
    }
  });

  scenario('a user certificate on the gateway Report stream is refused', refused('wrong_kind'), async () => {
    const c = apiClients(t.api, await userLogin('reporter'));
    try {
      const err = await new Promise<grpc.ServiceError>((resolve) => {
        const s = c.gateway.Report();
        s.on('error', resolve);
        s.write({ seq: 1, collectedAtMs: Date.now(), peers: [], counters: [], denied: [], flows: [], droppedRecords: 0 });
      });
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    } finally {
      c.close();
    }
  });

  scenario('a blocked device is refused on its next call', refused('revoked_or_disabled'), async () => {
    const res = await freshLogin('blocked');
    const c = apiClients(t.api, res.creds);
    try {
      await call(c.client, 'ListResources', { posture: LAPTOP_POSTURE });
      await call(t.admin.admin, 'BlockDevice', { id: res.res.deviceId, reason: 'stolen laptop' });
      const err = await rpcError(call(c.client, 'ListResources', { posture: LAPTOP_POSTURE }));
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
      assert.ok(audit('device.block', res.res.deviceId) >= 1);
    } finally {
      c.close();
    }
  });

  scenario('a CSR with a weak key is refused before credentials are looked at', handled('Login', 'INVALID_ARGUMENT'), async () => {
    const weak = forge.pki.rsa.generateKeyPair(1024);
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = weak.publicKey;
    csr.setSubject([{ name: 'commonName', value: 'x' }]);
    csr.sign(weak.privateKey, forge.md.sha256.create());
    const err = await rpcError(login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: '000000', csrPem: forge.pki.certificationRequestToPem(csr) }));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /^csr_pem: /);
  });

  scenario('brute force: 1,000 wrong passwords from one source, lockout and rate limit hold, all audited', audited('login.fail', 'rate limited'), async () => {
    const failedBefore = await metric('wicket_logins_total', { result: 'failed' });
    const keys = generateKeyPair();
    const csrPem = createCsr(keys, 'alice');
    const a = authClients(t.auth, await fetchPinnedCa(t.auth, t.fingerprint));
    try {
      for (let i = 0; i < 1000; i += 50) {
        const batch = Array.from({ length: 50 }, (_, k) => rpcError(call(a.auth, 'Login', { username: 'alice', password: `guess-${i + k}`, totpCode: '000000', csrPem, deviceName: 'x' })));
        for (const e of await Promise.all(batch)) assert.equal(e.code, grpc.status.UNAUTHENTICATED);
      }
      // The right password and a fresh code now fail too: locked and rate limited.
      const err = await rpcError(call(a.auth, 'Login', { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secrets.alice!, 1), csrPem, deviceName: 'x' }));
      assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    } finally {
      a.close();
    }
    assert.ok(auditReason('login.fail', 'rate limited') >= 900, 'rate-limited attempts are audited');
    assert.equal(await metric('wicket_logins_total', { result: 'failed' }), failedBefore + 1001);
    // Once the source's budget refills, the account is still locked (lockout is per user).
    t.advance(5 * 60_000);
    const a2 = authClients(t.auth, t.caPem);
    try {
      for (let i = 0; i < 5; i++) await rpcError(call(a2.auth, 'Login', { username: 'alice', password: 'wrong', totpCode: '000000', csrPem, deviceName: 'x' }));
      const locked = await rpcError(call(a2.auth, 'Login', { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secrets.alice!, 1), csrPem, deviceName: 'x' }));
      assert.equal(locked.code, grpc.status.UNAUTHENTICATED);
      assert.ok(auditReason('login.fail', 'locked out') >= 1, 'lockout is audited');
    } finally {
      a2.close();
    }
  });

  test('at least 20 attacks were tried', () => {
    assert.ok(attacks.count >= 20, `${attacks.count} attack scenarios`);
  });
});
