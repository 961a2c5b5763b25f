// Unit tests for the session agent against an in-memory controller stream and tunnel:
// live updates, revocation, expiry, reconnects and refused sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Metadata, status } from '@grpc/grpc-js';
import { createLogger } from '../common/log.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import type { SessionEvent__Output } from '../proto/generated/wicket/v1/SessionEvent.js';
import type { HeartbeatResponse__Output } from '../proto/generated/wicket/v1/HeartbeatResponse.js';
import type { Session__Output } from '../proto/generated/wicket/v1/Session.js';
import { SessionAgent } from './agent.js';
import type { AgentApi, EventStream } from './api.js';
import type { TunnelPlan } from './plan.js';
import { StateDir, type SessionRecord } from './state.js';
import type { TunnelOps } from './tunnel.js';

class FakeStream extends EventEmitter implements EventStream {
  cancelled = false;
  cancel(): void { this.cancelled = true; }
}

function serviceError(code: status, details: string): Error {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

const GW_KEY = publicKeyOf(generatePrivateKey());

function setup(overrides: Partial<SessionRecord> = {}) {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'wicket-agent-')));
  state.saveSessionSecrets({ privateKey: generatePrivateKey(), presharedKeys: { dc1: generatePresharedKey() } });
  state.saveSession({
    sessionId: 's1', interface: 'wkt0', overlayAddress: '100.64.0.9', wgPublicKey: 'PUB', createdAtMs: Date.now(),
    expiresAtMs: Date.now() + 3_600_000, state: 'active', endReason: '', endedAtMs: 0,
    gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW_KEY, allowedIps: ['10.20.0.10/32'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true, healthy: true, carries: [] }],
    routes: ['10.20.0.10/32'], entitlements: [], agentPid: 0, overlayIpv6: '', dnsForwarder: '', dnsSetup: { resolver: 'none', domains: [], note: '' }, ...overrides,
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
  const api: AgentApi = {
    watch: () => { const s = new FakeStream(); streams.push(s); return s; },
    heartbeat: (id) => heartbeat(id),
  };
  const logLines: string[] = [];
  const log = createLogger('test', new Writable({ write(chunk, _e, cb) { logLines.push(String(chunk)); cb(); } }));
  const agent = new SessionAgent({
    state, api, tunnel, log, posture: async () => ({ os: 'linux', osVersion: '', clientVersion: '', diskEncryption: '', firewall: '', hostname: '' }),
    backoffMs: { initial: 5, max: 20 },
  });
  return { state, agent, calls, updates, streams, logLines, setHeartbeat: (f: typeof heartbeat) => { heartbeat = f; } };
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
