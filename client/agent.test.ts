// Unit tests for the session agent against an in-memory controller stream and tunnel:
// live updates, revocation, expiry, reconnects and refused sessions; health moving a down
// gateway's destinations to its standby; DNS answers routed before the reply; the resolver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { Metadata, status } from '@grpc/grpc-js';
import { createLogger } from '../common/log.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import type { SessionEvent__Output } from '../proto/generated/wicket/v1/SessionEvent.js';
import type { HeartbeatResponse__Output } from '../proto/generated/wicket/v1/HeartbeatResponse.js';
import type { Session__Output } from '../proto/generated/wicket/v1/Session.js';
import { SessionAgent, type AgentOptions } from './agent.js';
import type { AgentApi, EventStream } from './api.js';
import type { TunnelPlan } from './plan.js';
import { StateDir, type SessionRecord } from './state.js';
import type { TunnelOps } from './tunnel.js';

class FakeStream extends EventEmitter implements EventStream {
  cancelled = false;
  /** The controller (index) it was opened on. */
  controller = -1;
  cancel(): void { this.cancelled = true; }
}

function serviceError(code: status, details: string): Error {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

const GW_KEY = publicKeyOf(generatePrivateKey());

function setup(overrides: Partial<SessionRecord> = {}, extra: Partial<AgentOptions> = {}, presharedKeys: Record<string, string> = { dc1: generatePresharedKey() }, extraApi: { endpoints?: string[] } = {}) {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'wicket-agent-')));
  state.saveSessionSecrets({ privateKey: generatePrivateKey(), presharedKeys });
  state.saveSession({
    sessionId: 's1', interface: 'wkt0', overlayAddress: '100.64.0.9', wgPublicKey: 'PUB', createdAtMs: Date.now(),
    expiresAtMs: Date.now() + 3_600_000, state: 'active', endReason: '', endedAtMs: 0,
    gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW_KEY, allowedIps: ['10.20.0.10/32'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true, healthy: true, carries: [] }],
    routes: ['10.20.0.10/32'], entitlements: [], agentPid: 0, controller: '', overlayIpv6: '', dnsForwarder: '', dnsSetup: { resolver: 'none', domains: [], note: '' }, ...overrides,
  });
  const calls: string[] = [];
  const updates: { plan: TunnelPlan; current: readonly string[] }[] = [];
  const tunnel: TunnelOps = {
    create: async () => { calls.push('create'); },
    update: async (_i, _a, plan, current) => { calls.push('update'); updates.push({ plan, current }); },
    destroy: async (ifname) => { calls.push(`destroy ${ifname}`); },
    stats: async () => ({ publicKey: '', listenPort: 0, peers: [] }),
  };
  const streams: FakeStream[] = [];
  let heartbeat: (id: string) => Promise<HeartbeatResponse__Output> = async () => ({ session: null, intervalMs: 60_000 });
  const uses: number[] = [];
  let current = 0;
  const api: AgentApi = {
    endpoints: extraApi.endpoints ?? ['ctl:8443'],
    current: () => current,
    use: (i) => { current = i; uses.push(i); },
    watch: () => { const s = new FakeStream(); s.controller = current; streams.push(s); return s; },
    heartbeat: (id) => { heartbeats.push(current); return heartbeat(id); },
  };
  const heartbeats: number[] = [];
  const logLines: string[] = [];
  const log = createLogger('test', new Writable({ write(chunk, _e, cb) { logLines.push(String(chunk)); cb(); } }));
  const agent = new SessionAgent({
    state, api, tunnel, log, posture: async () => ({ os: 'linux', osVersion: '', clientVersion: '', diskEncryption: '', firewall: '', hostname: '' }),
    backoffMs: { initial: 5, max: 20 }, ...extra,
  });
  return { state, agent, calls, updates, streams, logLines, uses, heartbeats, setHeartbeat: (f: typeof heartbeat) => { heartbeat = f; } };
}

const session = (over: Partial<Session__Output> = {}): Session__Output => ({
  id: 's1', username: 'alice', deviceId: 'd', overlayAddress: '100.64.0.9', wgPublicKey: 'PUB', createdAtMs: 1,
  expiresAtMs: Date.now() + 7_200_000, state: 'active', endReason: '', entitlements: [], acks: [], rxBytes: 0, txBytes: 0,
  lastHandshakeMs: 0, posture: null, deviceName: '', overlayIpv6: '', ...over,
});

const event = (kind: string, over: Partial<SessionEvent__Output> = {}): SessionEvent__Output => ({ kind, session: session(), gateways: [], message: '', ...over });

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
}

test('an update replaces peers and routes and records them', async () => {
  const t = setup();
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  const psk = generatePresharedKey();
  const ent = { resource: 'db', gateway: 'dc1', destination: '10.20.1.0/24', protocol: 'tcp', portFrom: 5432, portTo: 5432, grant: 'g', expiresAtMs: 5, http: null, standbyGateways: [] };
  t.streams[0]!.emit('data', event('updated', {
    session: session({ entitlements: [ent] }),
    gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW_KEY, presharedKey: psk, allowedIps: ['10.20.1.0/24'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true }],
  }));
  await until(() => t.state.session()?.routes[0] === '10.20.1.0/24');
  assert.deepEqual(t.updates[0]!.current, ['10.20.0.10/32']);
  assert.deepEqual(t.updates[0]!.plan.routes, ['10.20.1.0/24']);
  assert.equal(t.state.sessionSecrets()?.presharedKeys.dc1, psk);
  assert.deepEqual(t.state.session()?.entitlements, [ent]);
  t.agent.stop();
  assert.equal((await run).state, 'stopped');
  assert.equal(t.calls.includes('destroy wkt0'), false, 'stopping the agent leaves the tunnel to wicket down');
});

test('revocation tears the interface down and records why', async () => {
  const t = setup();
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  t.streams[0]!.emit('data', event('revoked', { message: 'revoked by admin root' }));
  const r = await run;
  assert.deepEqual(r, { state: 'revoked', reason: 'revoked by admin root' });
  assert.ok(t.calls.includes('destroy wkt0'));
  const s = t.state.session()!;
  assert.equal(s.state, 'revoked');
  assert.equal(s.endReason, 'revoked by admin root');
  assert.ok(s.endedAtMs > 0);
  assert.equal(existsSync(t.state.sessionKeyPath), false);
  assert.ok(t.streams[0]!.cancelled);
});

test('a broken stream is reopened and the session followed on it', async () => {
  const t = setup();
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  t.streams[0]!.emit('error', serviceError(status.UNAVAILABLE, 'connection refused'));
  await until(() => t.streams.length === 2);
  t.streams[1]!.emit('end');
  await until(() => t.streams.length === 3);
  t.streams[2]!.emit('data', event('state', { session: session({ state: 'expired', endReason: 'session TTL reached' }) }));
  assert.deepEqual(await run, { state: 'expired', reason: 'session TTL reached' });
  assert.ok(t.logLines.some((l) => l.includes('reconnecting')));
});

test('with several controllers, a broken stream moves to the next, which is kept and shown, and the session is read again', async () => {
  const t = setup({}, {}, undefined, { endpoints: ['a:1', 'b:2', 'c:3'] });
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  assert.equal(t.streams[0]!.controller, 0);
  const beats = t.heartbeats.length;
  t.streams[0]!.emit('error', serviceError(status.UNAVAILABLE, 'No connection established'));
  await until(() => t.streams.length === 2);
  assert.equal(t.streams[1]!.controller, 1);
  t.streams[1]!.emit('data', event('state'));
  await until(() => t.state.session()?.controller === 'b:2');
  // The reopened stream's first answer is followed by one read of the session.
  await until(() => t.heartbeats.length === beats + 1);
  assert.equal(t.heartbeats.at(-1), 1);
  // A healthy stream that ends goes on to the next controller, then round to the first.
  t.streams[1]!.emit('end');
  await until(() => t.streams.length === 3);
  assert.equal(t.streams[2]!.controller, 2);
  t.streams[2]!.emit('error', serviceError(status.UNAVAILABLE, 'No connection established'));
  await until(() => t.streams.length === 4);
  assert.equal(t.streams[3]!.controller, 0);
  t.agent.stop();
  assert.equal((await run).state, 'stopped');
});

test('a session ended while the stream was switching controllers is ended by the read after reopening', async () => {
  const t = setup({}, {}, undefined, { endpoints: ['a:1', 'b:2'] });
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  t.streams[0]!.emit('error', serviceError(status.UNAVAILABLE, 'No connection established'));
  await until(() => t.streams.length === 2);
  t.setHeartbeat(async () => ({ session: session({ state: 'revoked', endReason: 'revoked by admin root' }), intervalMs: 60_000 }));
  t.streams[1]!.emit('data', event('expiring'));
  assert.deepEqual(await run, { state: 'revoked', reason: 'revoked by admin root' });
});

test('a controller that refuses the session ends it', async () => {
  const t = setup();
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  t.streams[0]!.emit('error', serviceError(status.PERMISSION_DENIED, 'certificate revoked'));
  const r = await run;
  assert.equal(r.state, 'ended');
  assert.match(r.reason, /PERMISSION_DENIED: certificate revoked/);
  assert.equal(t.state.session()?.state, 'ended');
});

test('a heartbeat answer with an ended session ends it', async () => {
  const t = setup();
  t.setHeartbeat(async () => ({ session: session({ state: 'revoked', endReason: 'posture: disk encryption off' }), intervalMs: 1000 }));
  const r = await t.agent.run();
  assert.deepEqual(r, { state: 'revoked', reason: 'posture: disk encryption off' });
});

test('the session ends at its expiry even without the controller', async () => {
  const t = setup({ expiresAtMs: Date.now() + 30 });
  const r = await t.agent.run();
  assert.equal(r.state, 'expired');
  assert.ok(t.calls.includes('destroy wkt0'));
});

test('an agent for an ended session does nothing', async () => {
  const t = setup({ state: 'revoked', endReason: 'x' });
  assert.equal((await t.agent.run()).state, 'revoked');
  assert.equal(t.streams.length, 0);
});

test('a stream that ends right after "revoked" is not reopened', async () => {
  const t = setup();
  const run = t.agent.run();
  await until(() => t.streams.length === 1);
  t.streams[0]!.emit('data', event('revoked', { message: 'revoked by admin root' }));
  t.streams[0]!.emit('end');
  assert.equal((await run).state, 'revoked');
  await new Promise((r) => setTimeout(r, 30)); // longer than the 5 ms backoff
  assert.equal(t.streams.length, 1);
  assert.equal(t.logLines.some((l) => l.includes('reconnecting')), false);
});

test('an approaching certificate expiry is warned about', async () => {
  const t = setup();
  t.state.saveLogin({ controller: 'c:1', caFingerprint: 'a'.repeat(64), apiEndpoint: 'c:2', username: 'alice', deviceId: 'd', deviceName: 'n', certExpiresAtMs: Date.now() + 600_000 + 20, admin: false }, 'CERT', 'CA');
  const run = t.agent.run();
  await until(() => t.logLines.some((l) => l.includes('login certificate expires at')));
  t.agent.stop();
  await run;
  assert.equal(t.logLines.filter((l) => l.includes('login certificate expires at')).length, 1);
});

const GW_B = publicKeyOf(generatePrivateKey());
const gwRecord = (gateway: string, publicKey: string, service: string, allowedIps: string[], standbyIps: string[], dnsNames: string[]) => ({
  gateway, endpoint: '198.18.0.2:51820', publicKey, allowedIps: [`${service}/32`, ...allowedIps], standbyIps, serviceAddresses: [service],
  dnsNames, connected: true, healthy: true, carries: [],
});

/** A fake clock, probe answers per service address, and the tick that runs the prober's timer once a second. */
function probeClock(addresses: string[]) {
  const c = { now: 0, timers: [] as (() => void)[], alive: new Map(addresses.map((a) => [a, true])) };
  const deps = {
    probe: async (address: string) => c.alive.get(address)!,
    schedule: (fn: () => void) => { c.timers.push(fn); return { cancel: () => undefined }; },
    now: () => c.now,
  };
  const tick = async () => { c.now += 1000; c.timers.at(-1)!(); await new Promise((r) => setTimeout(r, 5)); };
  return { alive: c.alive, deps, tick };
}

test('a gateway that stops answering hands its destinations to its standby in one tunnel change, and gets them back after the hold-down', async () => {
  const { alive, deps, tick } = probeClock(['100.127.0.1', '100.127.0.2']);
  const t = setup({
    gateways: [gwRecord('dc1a', GW_KEY, '100.127.0.1', ['10.20.0.10/32'], [], []), gwRecord('dc1b', GW_B, '100.127.0.2', [], ['10.20.0.10/32'], [])],
    routes: ['10.20.0.10/32', '100.127.0.1/32', '100.127.0.2/32'],
  }, deps, { dc1a: generatePresharedKey(), dc1b: generatePresharedKey() });
  const run = t.agent.run();
  const carries = () => Object.fromEntries(t.state.session()!.gateways.map((g) => [g.gateway, g.carries]));
  alive.set('100.127.0.1', false);
  await tick();
  await tick();
  assert.equal(t.updates.length, 0, 'two misses are not enough');
  await tick();
  await until(() => t.updates.length === 1);
  assert.deepEqual(t.updates[0]!.plan.carries, { dc1a: ['100.127.0.1/32'], dc1b: ['10.20.0.10/32', '100.127.0.2/32'] });
  assert.deepEqual(t.updates[0]!.plan.routes, t.updates[0]!.current, 'no route changes: only AllowedIPs move');
  assert.deepEqual(carries(), { dc1a: ['100.127.0.1/32'], dc1b: ['10.20.0.10/32', '100.127.0.2/32'] });
  assert.equal(t.state.session()!.gateways[0]!.healthy, false);
  alive.set('100.127.0.1', true);
  for (let i = 0; i < 10; i++) await tick();
  assert.equal(t.updates.length, 1, 'no fail-back inside the hold-down');
  await tick();
  await until(() => t.updates.length === 2);
  assert.deepEqual(t.updates[1]!.plan.carries, { dc1a: ['10.20.0.10/32', '100.127.0.1/32'], dc1b: ['100.127.0.2/32'] });
  t.agent.stop();
  await run;
});

test('the forwarder routes an answered name through its gateway before replying; the resolver is set and reverted', async () => {
  // The gateway's DNS service: a stub on 127.0.0.1 answering app.corp.internal with 10.20.0.10.
  const upstream = dgram.createSocket('udp4');
  upstream.on('message', (m, from) => {
    const q = dnsPacket.decode(m);
    upstream.send(dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 5, data: '10.20.0.10' }] }), from.port, from.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
  const resolverCalls: string[] = [];
  const t = setup({
    gateways: [gwRecord('dc1', GW_KEY, '127.0.0.1', [], [], ['*.corp.internal'])],
    routes: ['127.0.0.1/32'],
    entitlements: [{ resource: 'apps', gateway: 'dc1', destination: '*.corp.internal', protocol: 'tcp', portFrom: 443, portTo: 443, grant: 'g', expiresAtMs: 0, http: null, standbyGateways: [] }],
  }, {
    dns: { port: 0, address: '127.0.0.1', upstreamPort: upstream.address().port },
    resolver: { resolvedRuns: async () => true, resolvectl: async (args) => { resolverCalls.push(args.join(' ')); } },
  });
  const run = t.agent.run();
  try {
    await until(() => t.state.session()!.dnsForwarder === '127.0.0.1');
    await until(() => resolverCalls.length === 2);
    assert.deepEqual(resolverCalls, ['dns wkt0 127.0.0.1', 'domain wkt0 ~corp.internal']);
    assert.deepEqual(t.state.session()!.dnsSetup, { resolver: 'resolvectl', domains: ['~corp.internal'], note: '' });
    const port = (t.agent as unknown as { forwarder: { ports: { udp: number } } }).forwarder.ports.udp;
    const reply = await new Promise<Buffer>((resolve) => {
      const c = dgram.createSocket('udp4');
      c.on('message', (m) => { c.close(); resolve(m); });
      c.send(dnsPacket.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'app.corp.internal' }] }), port, '127.0.0.1');
    });
    assert.equal(dnsPacket.decode(reply).answers!.length, 1);
    assert.equal(t.updates.length, 1, 'the route was in place when the reply came');
    assert.deepEqual(t.updates[0]!.plan.carries, { dc1: ['10.20.0.10/32', '127.0.0.1/32'] });
    // The grant goes: the learned address goes with it.
    t.streams[0]!.emit('data', event('updated', { gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW_KEY, presharedKey: generatePresharedKey(), allowedIps: ['127.0.0.1/32'], standbyIps: [], serviceAddresses: ['127.0.0.1'], dnsNames: [], connected: true }] }));
    await until(() => t.updates.length === 2);
    assert.deepEqual(t.updates[1]!.plan.routes, ['127.0.0.1/32']);
    await until(() => resolverCalls.length === 3);
    assert.equal(resolverCalls[2], 'revert wkt0');
    t.streams[0]!.emit('data', event('revoked', { message: 'revoked by admin root' }));
    assert.equal((await run).state, 'revoked');
  } finally {
    t.agent.stop();
    upstream.close();
  }
});

test('a learned name moves to the standby only once the standby has answered it, and back the same way', async () => {
  // Two gateway DNS services on the same port: dc1a at 127.0.0.2, dc1b at 127.0.0.3.
  const asked: string[] = [];
  let holdB: (() => void)[] | undefined = [];
  const upstream = async (address: string, port: number) => {
    const s = dgram.createSocket('udp4');
    s.on('message', (m, from) => {
      const q = dnsPacket.decode(m);
      const question = q.questions![0]!;
      asked.push(`${address} ${question.type} ${question.name}`);
      const answers = question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 30, data: '10.20.0.10' }] : [];
      const send = () => s.send(dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers }), from.port, from.address);
      if (address === '127.0.0.3' && holdB) holdB.push(send); else send();
    });
    await new Promise<void>((r) => s.bind(port, address, r));
    return s;
  };
  const a = await upstream('127.0.0.2', 0);
  const b = await upstream('127.0.0.3', a.address().port);
  const { alive, deps, tick } = probeClock(['127.0.0.2', '127.0.0.3']);
  const t = setup({
    gateways: [gwRecord('dc1a', GW_KEY, '127.0.0.2', [], [], ['*.corp.internal']), gwRecord('dc1b', GW_B, '127.0.0.3', [], [], ['*.corp.internal'])],
    routes: ['127.0.0.2/32', '127.0.0.3/32'],
    entitlements: [{ resource: 'apps', gateway: 'dc1a', destination: '*.corp.internal', protocol: 'tcp', portFrom: 443, portTo: 443, grant: 'g', expiresAtMs: 0, http: null, standbyGateways: ['dc1b'] }],
  }, {
    dns: { port: 0, address: '127.0.0.1', upstreamPort: a.address().port }, ...deps,
  }, { dc1a: generatePresharedKey(), dc1b: generatePresharedKey() });
  const run = t.agent.run();
  const last = () => t.updates.at(-1)!.plan.carries;
  try {
    await until(() => t.state.session()!.dnsForwarder === '127.0.0.1');
    const port = (t.agent as unknown as { forwarder: { ports: { udp: number } } }).forwarder.ports.udp;
    await new Promise<void>((resolve) => {
      const c = dgram.createSocket('udp4');
      c.on('message', () => { c.close(); resolve(); });
      c.send(dnsPacket.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'app.corp.internal' }] }), port, '127.0.0.1');
    });
    assert.deepEqual(last(), { dc1a: ['10.20.0.10/32', '127.0.0.2/32'], dc1b: ['127.0.0.3/32'] });
    alive.set('127.0.0.2', false);
    for (let i = 0; i < 3; i++) await tick();
    await until(() => asked.includes('127.0.0.3 A app.corp.internal'));
    assert.deepEqual(last(), { dc1a: ['10.20.0.10/32', '127.0.0.2/32'], dc1b: ['127.0.0.3/32'] }, 'dc1b has not answered: the address stays with dc1a');
    const held = holdB!;
    holdB = undefined;
    for (const send of held) send();
    await until(() => last().dc1b!.includes('10.20.0.10/32'));
    assert.deepEqual(last(), { dc1a: ['127.0.0.2/32'], dc1b: ['10.20.0.10/32', '127.0.0.3/32'] });
    // dc1a returns: it is asked again before the address goes back.
    asked.length = 0;
    alive.set('127.0.0.2', true);
    for (let i = 0; i < 11; i++) await tick();
    await until(() => last().dc1a!.includes('10.20.0.10/32'));
    assert.ok(asked.includes('127.0.0.2 A app.corp.internal'));
  } finally {
    t.agent.stop();
    await run;
    a.close();
    b.close();
  }
});
