// The registry of controllers over gRPC (controller/controllers/): ListControllers shows the
// answering controller alive as `self`, with its addresses, the gateways whose Sync stream it
// holds and the clients following their sessions through it, and a controller that stopped
// cleanly as stopped. Runs on each store of the matrix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { startController } from '../../controller/app/start.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { ControllerInfo__Output } from '../../proto/generated/wicket/v1/ControllerInfo.js';
import { addUser, codeAt, enrollGateway, FakeGateway, login, LAPTOP_POSTURE, probeModule, silentLogger, startTestController, type TestController } from './harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const wicketctl = fileURLToPath(new URL('../../controller/cli/wicketctl.js', import.meta.url));

async function ctl(t: TestController, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [wicketctl, '--controller', t.api, '--credentials', join(t.dir, 'data', 'admin'), ...args]);
  return stdout;
}

const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });

async function controllers(t: TestController): Promise<ControllerInfo__Output[]> {
  return (await call(t.admin.admin, 'ListControllers', {})).controllers;
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ListControllers', () => {
  let t: TestController;
  let gw: FakeGateway;
  let alice: ReturnType<typeof apiClients>;

  before(async () => {
    t = await startTestController({ modules: [sessionModule()] });
    const secret = await addUser(t, 'alice', 'alice quartz tram password');
    alice = apiClients(t.api, (await login(t, { username: 'alice', password: 'alice quartz tram password', totpCode: await codeAt(t, secret) })).creds);
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
  });

  after(async () => {
    alice?.close();
    gw?.close();
    await t?.stop();
  });

  test('the answering controller is alive and itself, with its real addresses and nothing held', async () => {
    const [self, ...others] = await controllers(t);
    assert.deepEqual(others, []);
    assert.equal(self!.self, true);
    assert.equal(self!.alive, true);
    assert.equal(self!.stoppedAtMs, 0);
    assert.match(self!.id, /^[0-9a-f]{16}$/);
    assert.equal(self!.apiAddress, t.api);
    assert.equal(self!.authAddress, t.auth);
    assert.ok(self!.startedAtMs > 0 && self!.heartbeatAtMs >= self!.startedAtMs);
    assert.deepEqual(self!.gateways, []);
    assert.equal(self!.clients, 0);
  });

  test('it holds the gateway whose Sync stream it serves, and counts the clients watching their sessions', async () => {
    gw.connect();
    await gw.next((m) => !!m.snapshot);
    assert.deepEqual((await controllers(t))[0]!.gateways, ['dc1']);

    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    const r = await call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 0 });
    const watch = alice.client.Watch({ sessionId: r.session!.id });
    watch.on('data', () => undefined);
    watch.on('error', () => undefined);
    await waitFor(() => controllers(t), (cs) => cs[0]!.clients === 1);
    watch.cancel();
    await waitFor(() => controllers(t), (cs) => cs[0]!.clients === 0);

    gw.disconnect();
    await waitFor(() => controllers(t), (cs) => cs[0]!.gateways.length === 0);
  });

  test('a non-admin is refused', async () => {
    await assert.rejects(call(alice.admin, 'ListControllers', {}), (err: grpc.ServiceError) => err.code === grpc.status.PERMISSION_DENIED);
  });
});

test('a controller that stopped cleanly shows as stopped, the one answering as alive', async () => {
  const t = await startTestController();
  try {
    // A second controller on the same state (the same data directory and database).
    const other = await startController({
      dataDir: join(t.dir, 'data'), databaseUrl: t.databaseUrl, listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silentLogger(), modules: [probeModule],
    });
    const otherId = other.ctx.controllerRegistry.id;
    const running = (await controllers(t)).find((c) => c.id === otherId);
    assert.equal(running?.alive, true);
    assert.equal(running?.self, false);
    assert.equal(running?.apiAddress, `127.0.0.1:${other.apiPort}`);
    await other.stop(1000);

    const listed = await controllers(t);
    const stopped = listed.find((c) => c.id === otherId)!;
    assert.equal(stopped.alive, false);
    assert.ok(stopped.stoppedAtMs > 0);
    const selfId = t.controller.ctx.controllerRegistry.id;
    assert.deepEqual(listed.filter((c) => c.self).map((c) => [c.id, c.alive]), [[selfId, true]]);

    // wicketctl controller list: the table marks the answering controller, --json has the wire fields.
    const table = await ctl(t, 'controller', 'list');
    assert.match(table, new RegExp(`^${selfId} \\*\\s+alive\\s`, 'm'));
    assert.match(table, new RegExp(`^${otherId}\\s+stopped\\s`, 'm'));
    const json = JSON.parse(await ctl(t, 'controller', 'list', '--json')) as ControllerInfo__Output[];
    assert.deepEqual(json.map((c) => [c.id, c.self, c.alive]).sort(), [[otherId, false, false], [selfId, true, true]].sort());
  } finally {
    await t.stop();
  }
});
