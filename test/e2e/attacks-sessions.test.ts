// Attacks on sessions and on what the controller accepts, against the real controller (real
// SQLite file, real gRPC with real mutual TLS, the real session module, a gateway speaking
// Sync over its own certificate): a policy whose resource address is no valid name (and a
// DNS-named resource, whose first Connect used to throw after its commit), a device or user opening
// sessions without end, a device flapping its posture to make the controller re-evaluate and
// push gateway deltas, and a user reading the whole resource catalogue. Each scenario asserts
// that the attack fails and names evidence (a metric) that must have grown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { addUser, codeAt, enrollGateway, FakeGateway, login, rpcError, startTestController, type TestController, LAPTOP_POSTURE } from '../integration/harness.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';
import { DB, grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { eng: ['alice', 'bob', 'carol'], ops: ['olga'] },
  resources: { wiki: WIKI, vault: { address: '10.20.9.9', ports: ['tcp/8200'], gateway: 'dc1' }, db: DB },
  grants: [
    grantTo('eng', 'wiki'),
    grantTo('ops', 'vault'),
    { name: 'db-jit', to: ['group:eng'], resources: ['db'], requestable: '{ approvers: [group:ops], max_duration: 1h }' },
  ],
});
/** The caps this suite's controller runs with (small, so the attacks stay short). */
const CAPS = { maxSessionsPerDevice: 2, maxSessionsPerUser: 3 };

describe('attacks on sessions and policy input', { timeout: 300_000 }, () => {
  let t: TestController;
  let gw: FakeGateway;
  const secrets: Record<string, string> = {};
  const opened: ReturnType<typeof apiClients>[] = [];

  const metric = (name: string, labels: Record<string, string> = {}) => metricSum(t.controller.ctx.metrics.registry, name, labels);
  const handled = (method: string, code: string) => () => metric('wicket_grpc_server_handled_total', { method, code });

  /** A logged-in device of `user` (each login is a new device key), with a TOTP step the user has not used (the current one, then the next). */
  const steps: Record<string, number> = {};
  const device = async (user: string) => {
    const step = steps[user] ?? 0;
    steps[user] = step + 1;
    const { creds } = await login(t, { username: user, password: `pw-${user} quartz tram`, totpCode: await codeAt(t, secrets[user]!, step) });
    const c = apiClients(t.api, creds);
    opened.push(c);
    return c;
  };
  const connect = (c: ReturnType<typeof apiClients>) => call(c.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });

  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000, ...CAPS })] });
    for (const u of ['alice', 'bob', 'carol', 'mallory']) secrets[u] = await addUser(t, u, `pw-${u} quartz tram`);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gw.connect();
    await gw.next((m) => m.snapshot !== null && m.snapshot !== undefined);
  });

  after(async () => {
    attacks.report();
    for (const c of opened) c.close();
    gw?.close();
    await t?.stop();
  });

  scenario('a resource address that is no valid name is refused naming its line; a DNS-named resource is served, its first Connect included', handled('ApplyPolicy', 'OK'), async () => {
    const before = await call(t.admin.admin, 'ShowPolicy', { version: 0 });
    const bad = POLICY.replace('address: 10.20.1.0/24', 'address: db..corp.internal');
    const line = bad.split('\n').findIndex((l) => l.includes('db..corp.internal')) + 1;
    const r = await call(t.admin.admin, 'ApplyPolicy', { yaml: bad });
    assert.equal(r.version, 0, 'nothing was applied');
    assert.equal(r.check?.ok, false, 'the check fails');
    const err = r.check!.errors.find((e) => e.path === 'resources.db.address');
    assert.ok(err, `an error on resources.db.address: ${JSON.stringify(r.check?.errors)}`);
    assert.equal(err.line, line, 'the error names the line');
    assert.match(err.message, /invalid address "db\.\.corp\.internal"/);
    assert.equal((await call(t.admin.admin, 'ShowPolicy', { version: 0 })).version, before.version, 'the applied policy is unchanged');
    // What used to kill the controller when a name slipped through validation: the first
    // Connect of a user entitled to a DNS-named resource. Now the name is served: the session
    // commits and the gateway is sent the name to resolve.
    const named = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY.replace('address: 10.20.0.10', 'address: Wiki.Corp.Internal') });
    assert.equal(named.check?.ok, true, JSON.stringify(named.check?.errors));
    try {
      const from = gw.received.length;
      const c = await device('carol');
      const s = await connect(c);
      assert.equal(s.session?.state, 'active', 'the controller serves Connect');
      assert.ok(s.session?.entitlements.some((e) => e.destination === 'wiki.corp.internal'), 'the entitlement names the resource by its normalised name');
      const m = await gw.next((d) => (d.delta?.upserts ?? d.snapshot?.sessions ?? []).some((g) => g.id === s.session!.id), from);
      const sent = (m.delta?.upserts ?? m.snapshot?.sessions ?? []).find((g) => g.id === s.session!.id)!;
      assert.ok(sent.rules.some((rule) => rule.destination === 'wiki.corp.internal' && rule.portFrom === 443), `the gateway gets the name: ${JSON.stringify(sent.rules)}`);
      await call(c.client, 'Disconnect', { sessionId: s.session!.id });
    } finally {
      await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    }
  });

  scenario('one device opening sessions without end is stopped at the per-device cap, a batch included', handled('Connect', 'RESOURCE_EXHAUSTED'), async () => {
    const c = await device('alice');
    // Concurrent Connects land in one batch (one transaction): the cap holds inside it too.
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => connect(c)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, CAPS.maxSessionsPerDevice, `${ok.length} sessions opened on one device`);
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const e = r.reason as grpc.ServiceError;
      assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED, e.message);
      assert.match(e.details, /this device already has 2 live sessions \(at most 2\)/);
    }
    const live = (await call(t.admin.admin, 'ListSessions', { all: false, user: 'alice' })).sessions;
    assert.equal(live.length, CAPS.maxSessionsPerDevice);
  });

  scenario('one user opening sessions from many devices is stopped at the per-user cap', handled('Connect', 'RESOURCE_EXHAUSTED'), async () => {
    const first = await device('bob');
    const second = await device('bob');
    await connect(first);
    await connect(first);
    await connect(second);
    const e = await rpcError(connect(second));
    assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(e.details, /user bob already has 3 live sessions \(at most 3\)/);
    assert.equal((await call(t.admin.admin, 'ListSessions', { all: false, user: 'bob' })).sessions.length, CAPS.maxSessionsPerUser);
    // Ending one makes room again.
    const live = (await call(t.admin.admin, 'ListSessions', { all: false, user: 'bob' })).sessions;
    await call(t.admin.admin, 'RevokeSession', { id: live[0]!.id, reason: 'make room' });
    assert.equal((await connect(second)).session?.state, 'active');
  });

  scenario('a device flapping its posture is rate limited; plain heartbeats still pass', handled('Heartbeat', 'RESOURCE_EXHAUSTED'), async () => {
    const c = await device('carol');
    const s = (await connect(c)).session!;
    const deltasBefore = gw.received.length;
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) {
      // Every heartbeat reports a posture unlike any before it: each one is a change.
      const posture = { ...LAPTOP_POSTURE, firewall: i % 2 === 0 ? 'false' : 'true', hostname: `laptop-${i}` };
      codes.push(await call(c.client, 'Heartbeat', { sessionId: s.id, posture }).then(() => 'OK', (e: grpc.ServiceError) => grpc.status[e.code]));
    }
    const accepted = codes.filter((x) => x === 'OK').length;
    assert.ok(accepted <= 5, `posture changes accepted: ${codes.join(' ')}`);
    assert.ok(accepted >= 1, 'the first change is taken');
    assert.deepEqual(new Set(codes.filter((x) => x !== 'OK')), new Set(['RESOURCE_EXHAUSTED']));
    assert.ok(gw.received.length - deltasBefore <= accepted, 'no gateway delta for a refused change');
    // The session stays alive: a heartbeat repeating the current posture is not a change.
    const current = (await call(t.admin.admin, 'ListSessions', { all: false, user: 'carol' })).sessions.find((x) => x.id === s.id)!;
    const same = await call(c.client, 'Heartbeat', { sessionId: s.id, posture: current.posture });
    assert.equal(same.session?.state, 'active');
  });

  scenario('ListResources shows a user only what they can reach or request', handled('ListResources', 'OK'), async () => {
    const alice = (await call((await device('alice')).client, 'ListResources', { posture: LAPTOP_POSTURE })).resources;
    assert.deepEqual(alice.map((r) => `${r.resource} ${r.allowed} ${r.denial?.code ?? ''}`).sort(), ['db false requestable', 'wiki true '],
      'alice sees the wiki she reaches and the db she may request, not the vault');
    const mallory = (await call((await device('mallory')).client, 'ListResources', { posture: LAPTOP_POSTURE })).resources;
    assert.deepEqual(mallory.map((r) => r.resource), [], 'a user no grant names sees nothing of the catalogue');
  });

  test('at least 5 attacks were tried', () => {
    assert.ok(attacks.count >= 5, `${attacks.count} attack scenarios`);
  });
});
