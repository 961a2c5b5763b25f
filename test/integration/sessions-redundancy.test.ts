// Redundant gateways, names and IPv6 on the controller, over real gRPC with mutual TLS: a
// session entitled through `gateway: [dc1a, dc1b]` is on both gateways (each with its own
// preshared key and the rules through it, plus its DNS service), the client is told per
// gateway what it routes, takes over as a standby and resolves there, with both IPv6 overlay
// addresses derived from the IPv4 ones; a gateway's stream closing and opening reaches the
// client as an updated event; a resource is usable while any of its gateways is connected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { ipv4ToNumber } from '../../common/ipv4.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { SessionEvent__Output } from '../../proto/generated/wicket/v1/SessionEvent.js';
import type { ClientGatewayPeer__Output } from '../../proto/generated/wicket/v1/ClientGatewayPeer.js';
import { addUser, codeAt, enrollGateway, FakeGateway, LAPTOP_POSTURE, login, rpcError, startTestController, type TestController } from './harness.js';
import { grantTo, policyYaml } from '../support/policies.js';

const GRANTS = [{ ...grantTo('eng', 'wiki'), resources: ['wiki', 'db', 'v6'] }];
/** The policy as an administrator writes it: wiki and the name db on both gateways, an IPv6 host on dc1b. */
const POLICY = policyYaml({
  gateways: ['dc1a', 'dc1b'], groups: { eng: ['alice'] },
  resources: {
    wiki: { address: '10.20.0.10', ports: ['tcp/443'], gateway: '[dc1a, dc1b]' },
    db: { address: 'db.corp.internal', ports: ['tcp/5432'], gateway: '[dc1a, dc1b]' },
    v6: { address: 'fd20::10', ports: ['tcp/22'], gateway: 'dc1b' },
  },
  grants: GRANTS,
});

/** Applies POLICY, and checks that the policy language took it. */
async function applyPolicy(t: TestController): Promise<void> {
  const r = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
  assert.equal(r.check?.ok, true, JSON.stringify(r.check?.errors));
}

/** The IPv6 twin of an address of the default pool 100.64.0.0/10 in the default prefix. */
const twin = (ipv4: string) => `fd6b:7769:636b::${(ipv4ToNumber(ipv4) - ipv4ToNumber('100.64.0.0')).toString(16).replace(/^(.+)(.{4})$/, '$1:$2')}`;

describe('sessions on redundant gateways', () => {
  let t: TestController;
  let dc1a: FakeGateway;
  let dc1b: FakeGateway;
  let alice: ReturnType<typeof apiClients>;
  const service = new Map<string, string>();

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 1500 })] });
    const secret = await addUser(t, 'alice', 'pw-alice quartz tram', { groups: ['eng'] });
    alice = apiClients(t.api, (await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secret) })).creds);
    dc1a = new FakeGateway(t, await enrollGateway(t, 'dc1a'), '192.0.2.1:51820');
    dc1b = new FakeGateway(t, await enrollGateway(t, 'dc1b'), '[2001:db8::2]:51820');
    for (const gw of [dc1a, dc1b]) {
      gw.connect();
      await gw.next((m) => !!m.snapshot);
    }
    await applyPolicy(t);
    for (const g of (await call(t.admin.admin, 'ListGateways', {})).gateways) service.set(g.name, g.serviceAddress);
  });

  after(async () => {
    alice?.close();
    dc1a?.close();
    dc1b?.close();
    await t?.stop();
  });

  const connect = () => call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 0 });
  const peer = (peers: ClientGatewayPeer__Output[], name: string) => peers.find((p) => p.gateway === name)!;

  test('gateways report their IPv6 service addresses, derived from the IPv4 ones', async () => {
    const listed = (await call(t.admin.admin, 'ListGateways', {})).gateways;
    assert.equal(listed.length, 2);
    for (const g of listed) {
      assert.match(g.serviceAddress, /^100\.127\.255\.25[34]$/);
      assert.equal(g.serviceAddressIpv6, twin(g.serviceAddress));
    }
  });

  test('a session is on both gateways: rules and DNS service on each, routes on the primary, standby routes on the other', async () => {
    const fromA = dc1a.received.length;
    const fromB = dc1b.received.length;
    const r = await connect();
    const s = r.session!;
    assert.equal(s.overlayIpv6, twin(s.overlayAddress));
    assert.deepEqual(r.gateways.map((g) => g.gateway), ['dc1a', 'dc1b']);
    const [sa, sb] = [service.get('dc1a')!, service.get('dc1b')!];

    const a = peer(r.gateways, 'dc1a');
    const b = peer(r.gateways, 'dc1b');
    assert.deepEqual([a.allowedIps, a.standbyIps, a.serviceAddresses, a.dnsNames, a.connected, a.endpoint],
      [['10.20.0.10/32', `${sa}/32`], [], [sa, twin(sa)], ['db.corp.internal'], true, '192.0.2.1:51820']);
    assert.deepEqual([b.allowedIps, b.standbyIps, b.serviceAddresses, b.dnsNames, b.connected, b.endpoint],
      [[`${sb}/32`, 'fd20::10/128'], ['10.20.0.10/32'], [sb, twin(sb)], ['db.corp.internal'], true, '[2001:db8::2]:51820']);
    assert.notEqual(a.presharedKey, b.presharedKey, 'one preshared key per gateway');

    const pushed = async (gw: FakeGateway, from: number) => (await gw.next((m) => m.delta?.upserts.some((u) => u.id === s.id) === true, from)).delta!.upserts.find((u) => u.id === s.id)!;
    const rules = (entry: Awaited<ReturnType<typeof pushed>>) => entry.rules.map((x) => `${x.destination} ${x.protocol}/${x.portFrom}${x.expiresAtMs === s.expiresAtMs ? '' : ' (earlier)'}`).sort();
    const onA = await pushed(dc1a, fromA);
    const onB = await pushed(dc1b, fromB);
    assert.deepEqual(rules(onA), [`${sa}/32 tcp/53`, `${sa}/32 udp/53`, '10.20.0.10/32 tcp/443', 'db.corp.internal tcp/5432'].sort());
    assert.deepEqual(rules(onB), [`${sb}/32 tcp/53`, `${sb}/32 udp/53`, '10.20.0.10/32 tcp/443', 'db.corp.internal tcp/5432', 'fd20::10/128 tcp/22'].sort());
    assert.deepEqual([onA.presharedKey, onB.presharedKey], [a.presharedKey, b.presharedKey]);
    assert.deepEqual([onA.overlayIpv6, onB.overlayIpv6], [s.overlayIpv6, s.overlayIpv6]);
    await call(alice.client, 'Disconnect', { sessionId: s.id });
  });

  test('a gateway\'s stream closing and opening reaches the client as updated events', async () => {
    const r = await connect();
    const events: SessionEvent__Output[] = [];
    let arrived = () => undefined as void;
    const watch = alice.client.Watch({ sessionId: r.session!.id });
    watch.on('data', (e: SessionEvent__Output) => {
      events.push(e);
      arrived();
    });
    watch.on('error', () => undefined);
    const until = (n: number) => new Promise<void>((resolve) => {
      arrived = () => { if (events.length >= n) resolve(); };
      arrived();
    });
    await until(1);
    dc1b.disconnect();
    await until(2);
    assert.equal(events[1]!.kind, 'updated');
    assert.match(events[1]!.message, /gateway dc1b disconnected/);
    assert.deepEqual(events[1]!.gateways.map((g) => [g.gateway, g.connected]), [['dc1a', true], ['dc1b', false]]);
    assert.deepEqual(peer(events[1]!.gateways, 'dc1b').standbyIps, ['10.20.0.10/32'], 'the peer is still described in full');

    const from = dc1b.received.length;
    dc1b.connect();
    const snap = await dc1b.next((m) => !!m.snapshot, from);
    assert.ok(snap.snapshot!.sessions.some((x) => x.id === r.session!.id), 'the session is back on dc1b with its snapshot');
    await until(3);
    assert.match(events[2]!.message, /gateway dc1b connected/);
    assert.deepEqual(events[2]!.gateways.map((g) => [g.gateway, g.connected]), [['dc1a', true], ['dc1b', true]]);
    watch.cancel();
    await call(alice.client, 'Disconnect', { sessionId: r.session!.id });
  });

  test('a resource is usable while any of its gateways is connected; Connect waits only for those', async () => {
    dc1a.disconnect();
    await waitFor(async () => !(await call(t.admin.admin, 'ListGateways', {})).gateways.find((g) => g.name === 'dc1a')!.connected);
    const fromB = dc1b.received.length;
    const r = await connect();
    assert.deepEqual(r.gateways.map((g) => [g.gateway, g.connected]), [['dc1a', false], ['dc1b', true]]);
    assert.ok(await dc1b.next((m) => m.delta?.upserts.some((u) => u.id === r.session!.id) === true, fromB));
    const fromA = dc1a.received.length;
    dc1a.connect();
    const snap = await dc1a.next((m) => !!m.snapshot, fromA);
    assert.ok(snap.snapshot!.sessions.some((x) => x.id === r.session!.id), 'dc1a gets the session when it returns');

    dc1b.disconnect();
    await waitFor(async () => !(await call(t.admin.admin, 'ListGateways', {})).gateways.find((g) => g.name === 'dc1b')!.connected);
    const err = await rpcError(connect());
    assert.equal(err.code, grpc.status.UNAVAILABLE);
    assert.match(err.details, /gateway dc1b is not connected to the controller/, 'v6 is served by dc1b alone');
    assert.doesNotMatch(err.details, /dc1a/, 'wiki and db are still usable through dc1a');
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
