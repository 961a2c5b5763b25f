// Admin.WatchSession over real gRPC with mutual TLS: after a revoke the stream shows the
// gateway's acknowledgement pending, then acknowledged when the gateway acks (pushed from the
// fan-out's ack path), and ends; an acknowledged session is shown once and the stream ends;
// a cancelled watch ends; only admins may watch, and a bad or unknown id is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';
import type { Session__Output } from '../../proto/generated/wicket/v1/Session.js';
import { addUser, codeAt, enrollGateway, FakeGateway, LAPTOP_POSTURE, login, startTestController, type TestController } from './harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });

/** Every view a WatchSession stream sends, and how it ended. */
function watch(admin: AdminClient, id: string) {
  const views: Session__Output[] = [];
  const stream = admin.WatchSession({ id });
  let onView = () => undefined as void;
  stream.on('data', (v: Session__Output) => {
    views.push(v);
    onView();
  });
  const ended = new Promise<grpc.StatusObject | grpc.ServiceError>((resolve) => {
    stream.on('status', resolve);
    stream.on('error', resolve);
  });
  const views$ = (n: number) => new Promise<void>((resolve) => {
    onView = () => { if (views.length >= n) resolve(); };
    onView();
  });
  return { views, ended, until: views$, cancel: () => stream.cancel() };
}

describe('Admin.WatchSession over gRPC', () => {
  let t: TestController;
  let gw: FakeGateway;
  let alice: ReturnType<typeof apiClients>;

  before(async () => {
    t = await startTestController({ modules: [sessionModule()] });
    const secret = await addUser(t, 'alice', 'pw-alice quartz tram');
    alice = apiClients(t.api, (await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secret) })).creds);
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gw.connect();
    await gw.next((m) => !!m.snapshot);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
  });

  after(async () => {
    alice?.close();
    gw?.close();
    await t?.stop();
  });

  const connect = async () => (await call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 0 })).session!;

  test('a session its gateways have acknowledged is sent once and the stream ends', async () => {
    const s = await connect();
    const w = watch(t.admin.admin, s.id);
    const status = await w.ended;
    assert.equal(status.code, grpc.status.OK);
    assert.equal(w.views.length, 1);
    assert.equal(w.views[0]!.state, 'active');
    assert.ok(Number(w.views[0]!.acks[0]!.ackedAtMs) > 0);
  });

  test('after a revoke the stream shows the ack pending, then acknowledged when the gateway acks, then ends', async () => {
    const s = await connect();
    gw.ack = false;
    const from = gw.received.length;
    await call(t.admin.admin, 'RevokeSession', { id: s.id, reason: 'stolen laptop' });
    const removal = await gw.next((m) => m.delta?.removes.includes(s.id) === true, from);
    const w = watch(t.admin.admin, s.id);
    await w.until(1);
    assert.equal(w.views[0]!.state, 'revoked');
    assert.deepEqual(w.views[0]!.acks.map((a) => [a.gateway, Number(a.version), Number(a.ackedAtMs)]), [['dc1', Number(removal.delta!.version), 0]]);
    gw.acknowledge(Number(removal.delta!.version));
    const status = await w.ended;
    assert.equal(status.code, grpc.status.OK);
    assert.equal(w.views.length, 2);
    assert.ok(Number(w.views[1]!.acks[0]!.ackedAtMs) > 0, 'the second view shows the ack');
    gw.ack = true;
  });

  test('a watch the caller cancels ends at once', async () => {
    const s = await connect();
    gw.ack = false;
    const from = gw.received.length;
    await call(t.admin.admin, 'RevokeSession', { id: s.id, reason: 'lost phone' });
    const removal = await gw.next((m) => m.delta?.removes.includes(s.id) === true, from);
    const w = watch(t.admin.admin, s.id);
    await w.until(1);
    w.cancel();
    assert.equal((await w.ended).code, grpc.status.CANCELLED);
    gw.acknowledge(Number(removal.delta!.version));
    gw.ack = true;
  });

  test('only admins may watch; a malformed or unknown id is refused', async () => {
    const s = await connect();
    const asUser = watch(alice.admin, s.id);
    assert.equal((await asUser.ended).code, grpc.status.PERMISSION_DENIED);
    assert.equal((await watch(t.admin.admin, 'not an id!').ended).code, grpc.status.INVALID_ARGUMENT);
    assert.equal((await watch(t.admin.admin, 'f'.repeat(32)).ended).code, grpc.status.NOT_FOUND);
  });
});
