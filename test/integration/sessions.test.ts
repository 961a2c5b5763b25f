// The session layer over real gRPC with mutual TLS and a real store: Connect waits for
// the gateway's ack, what the gateway is sent matches what the client is told, posture and
// policy changes narrow a live session, revocation reaches gateway and client, a gateway that
// does not ack fails Connect, a reconnecting gateway gets a snapshot of live sessions only,
// and no preshared key is ever stored in clear.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { SessionEvent__Output } from '../../proto/generated/wicket/v1/SessionEvent.js';
import { addUser, codeAt, enrollGateway, FakeGateway, grantedRules, login, rpcError, searchRawDatabase, startTestController, type TestController } from './harness.js';
import { DB, grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { eng: ['alice', 'bob'] },
  postures: { managed: '{ disk_encryption: true }' },
  resources: { wiki: WIKI, db: DB },
  grants: [grantTo('eng', 'wiki'), { ...grantTo('eng', 'db'), require: '{ posture: [managed] }' }],
});

const MANAGED = { os: 'linux', osVersion: '6.1', clientVersion: '0.1.0', diskEncryption: 'true', firewall: '', hostname: 'laptop' };

describe('sessions over gRPC', () => {
  let t: TestController;
  let gw: FakeGateway;
  let alice: ReturnType<typeof apiClients>;
  let aliceSecret: string;

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 1500 })] });
    aliceSecret = await addUser(t, 'alice', 'alice-password');
    await addUser(t, 'bob', 'bob quartz tram password');
    const l = await login(t, { username: 'alice', password: 'alice-password', totpCode: await codeAt(t, aliceSecret) });
    alice = apiClients(t.api, l.creds);
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
  });

  after(async () => {
    alice?.close();
    gw?.close();
    await t?.stop();
  });

  const connect = (posture = MANAGED, key = publicKeyOf(generatePrivateKey())) =>
    call(alice.client, 'Connect', { wgPublicKey: key, posture, ackTimeoutMs: 0 });

  test('without a policy, or without its gateway, Connect says why', async () => {
    assert.equal((await rpcError(connect())).code, grpc.status.FAILED_PRECONDITION);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    const err = await rpcError(connect());
    assert.equal(err.code, grpc.status.UNAVAILABLE);
    assert.match(err.details, /gateway dc1 is not connected/);
  });

  test('Connect returns after the gateway acked; gateway and client agree on keys and routes', async () => {
    gw.connect();
    const snap = await gw.next((m) => m.snapshot !== null && m.snapshot !== undefined);
    assert.equal(snap.snapshot!.sessions.length, 0);
    const key = publicKeyOf(generatePrivateKey());
    const r = await connect(MANAGED, key);
    const delta = await gw.next((m) => !!m.delta?.upserts.length);
    const pushed = delta.delta!.upserts[0]!;
    assert.equal(pushed.wgPublicKey, key);
    assert.equal(pushed.overlayAddress, r.session!.overlayAddress);
    assert.match(pushed.overlayAddress, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./);
    assert.deepEqual(pushed.rules.map((x) => `${x.destination} ${x.protocol} ${x.portFrom}-${x.portTo}`).sort(),
      ['10.20.0.10/32 tcp 443-443', '10.20.1.0/24 tcp 5432-5432', '100.127.255.254/32 tcp 53-53', '100.127.255.254/32 udp 53-53'], 'and the gateway\'s DNS service');
    assert.equal(r.gateways.length, 1);
    assert.equal(r.gateways[0]!.presharedKey, pushed.presharedKey);
    assert.deepEqual(r.gateways[0]!.allowedIps, ['10.20.0.10/32', '10.20.1.0/24', '100.127.255.254/32']);
    assert.equal(r.gateways[0]!.endpoint, '192.0.2.1:51820');
    const listed = (await call(t.admin.admin, 'ListSessions', { all: false, user: '' })).sessions.find((s) => s.id === r.session!.id)!;
    assert.ok(listed.acks[0]!.ackedAtMs > 0, 'the ack is recorded on the session');
    // The same WireGuard key cannot open a second session.
    assert.equal((await rpcError(connect(MANAGED, key))).code, grpc.status.ALREADY_EXISTS);
    // A second session gets another address.
    const r2 = await connect();
    assert.notEqual(r2.session!.overlayAddress, r.session!.overlayAddress);
    await call(alice.client, 'Disconnect', { sessionId: r2.session!.id });
  });

  test('a posture that fails a requirement narrows the live session, and the client hears it', async () => {
    const r = await connect();
    const events: SessionEvent__Output[] = [];
    const watch = alice.client.Watch({ sessionId: r.session!.id });
    watch.on('data', (e: SessionEvent__Output) => events.push(e));
    watch.on('error', () => undefined);
    const from = gw.received.length;
    await call(alice.client, 'Heartbeat', { sessionId: r.session!.id, posture: { ...MANAGED, diskEncryption: 'false' } });
    const delta = await gw.next((m) => m.delta?.upserts.some((u) => u.id === r.session!.id) === true, from);
    assert.deepEqual(grantedRules(delta.delta!.upserts[0]!.rules).map((x) => x.destination), ['10.20.0.10/32']);
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(events.map((e) => e.kind), ['state', 'updated']);
    assert.deepEqual(events[1]!.gateways[0]!.allowedIps, ['10.20.0.10/32', '100.127.255.254/32']);
    watch.cancel();
  });

  test('revocation removes the session at the gateway and ends the Watch stream with the reason', async () => {
    const r = await connect();
    const events: SessionEvent__Output[] = [];
    const watch = alice.client.Watch({ sessionId: r.session!.id });
    const ended = new Promise<void>((res) => { watch.on('end', res); watch.on('error', () => res()); });
    watch.on('data', (e: SessionEvent__Output) => events.push(e));
    await new Promise((res) => setTimeout(res, 100));
    const from = gw.received.length;
    await call(t.admin.admin, 'RevokeSession', { id: r.session!.id, reason: 'stolen laptop' });
    const delta = await gw.next((m) => m.delta?.removes.includes(r.session!.id) === true, from);
    assert.ok(delta.delta);
    await ended;
    assert.equal(events.at(-1)!.kind, 'revoked');
    assert.match(events.at(-1)!.message, /stolen laptop/);
    const err = await rpcError(call(t.admin.admin, 'RevokeSession', { id: r.session!.id, reason: '' }));
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
  });

  test('a policy that removes a grant narrows every live session at once', async () => {
    const r = await connect();
    const from = gw.received.length;
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY.replace(/  - name: eng-db[\s\S]*$/, '') });
    assert.ok(applied.sessionsUpdated >= 1);
    const delta = await gw.next((m) => m.delta?.upserts.some((u) => u.id === r.session!.id) === true, from);
    assert.deepEqual(grantedRules(delta.delta!.upserts.find((u) => u.id === r.session!.id)!.rules).map((x) => x.destination), ['10.20.0.10/32']);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
  });

  test('a gateway that does not acknowledge makes Connect fail and leaves no session behind', async () => {
    gw.ack = false;
    const err = await rpcError(connect());
    gw.ack = true;
    assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
    const sessions = (await call(t.admin.admin, 'ListSessions', { all: true, user: 'alice' })).sessions;
    const last = sessions.find((s) => s.endReason.includes('did not acknowledge'));
    assert.ok(last && last.state === 'disconnected');
  });

  test('a reconnecting gateway gets a snapshot of exactly the live sessions', async () => {
    const live = (await call(t.admin.admin, 'ListSessions', { all: false, user: '' })).sessions.map((s) => s.id).sort();
    gw.disconnect();
    await new Promise((res) => setTimeout(res, 200));
    const from = gw.received.length;
    gw.connect();
    const snap = await gw.next((m) => !!m.snapshot, from);
    assert.deepEqual(snap.snapshot!.sessions.map((s) => s.id).sort(), live);
    assert.ok(snap.snapshot!.version > (gw.received[from - 1]?.delta?.version ?? 0), 'versions only grow');
  });

  test('user disable ends the sessions; no preshared key is stored in clear', async () => {
    const r = await connect();
    await call(t.admin.admin, 'SetUserDisabled', { name: 'alice', disabled: true });
    const s = (await call(t.admin.admin, 'ListSessions', { all: true, user: 'alice' })).sessions.find((x) => x.id === r.session!.id)!;
    assert.equal(s.state, 'revoked');
    const psk = r.gateways[0]!.presharedKey;
    // The session's id is in its row, in this database alone: proof the files were read.
    const found = await searchRawDatabase(t, ['alice', r.session!.id, psk]);
    assert.ok(found.has('alice') && found.has(r.session!.id), 'the database files were read');
    assert.equal(found.has(psk), false, 'the database holds a preshared key in clear');
    await call(t.admin.admin, 'SetUserDisabled', { name: 'alice', disabled: false });
  });
});
