// Unit tests for bringing a session up and down against an in-memory controller and tunnel:
// a fresh key per session, files and modes, clean undo on failure, clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import type { ConnectResponse__Output } from '../proto/generated/wicket/v1/ConnectResponse.js';
import type { ControllerApi } from './api.js';
import { down, up } from './session-lifecycle.js';
import { StateDir } from './state.js';
import type { TunnelOps } from './tunnel.js';

const GW = publicKeyOf(generatePrivateKey());
const posture = { os: 'linux', osVersion: '6', clientVersion: '0.1.0', diskEncryption: 'true', firewall: 'true', hostname: 'h' };

function setup(connect: (key: string) => Promise<ConnectResponse__Output>, tunnelFails = false) {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'wicket-session-')));
  state.saveLogin({ controller: 'c:1', caFingerprint: 'a'.repeat(64), apiEndpoint: 'c:2', username: 'alice', deviceId: 'd', deviceName: 'n', certExpiresAtMs: Date.now() + 3_600_000, admin: false }, 'CERT', 'CA');
  state.deviceKeys();
  const log: string[] = [];
  const keys: string[] = [];
  const api: ControllerApi = {
    endpoint: 'c:2',
    endpoints: ['c:2'],
    current: () => 0,
    use: () => undefined,
    connect: async (key) => { keys.push(key); return connect(key); },
    disconnect: async (id) => { log.push(`disconnect ${id}`); },
    listResources: async () => ({ resources: [] }),
    heartbeat: async () => ({ session: null, intervalMs: 0 }),
    watch: () => { throw new Error('not used'); },
    close: () => undefined,
  };
  const tunnel: TunnelOps = {
    create: async (ifname, privateKey, address, plan) => {
      log.push(`create ${ifname} ${publicKeyOf(privateKey)} ${address.ipv4} ${address.ipv6} ${plan.routes.join(',')}`);
      if (tunnelFails) throw new Error('wireguard-go failed');
    },
    update: async () => undefined,
    destroy: async (ifname) => { log.push(`destroy ${ifname}`); },
    stats: async () => ({ publicKey: '', listenPort: 0, peers: [] }),
  };
  return { state, api, tunnel, log, keys };
}

const reply = (id: string, wgPublicKey: string): ConnectResponse__Output => ({
  session: {
    id, username: 'alice', deviceId: 'd', overlayAddress: '100.64.0.5', wgPublicKey, createdAtMs: 1, expiresAtMs: Date.now() + 60_000,
    state: 'active', endReason: '', entitlements: [], acks: [], rxBytes: 0, txBytes: 0, lastHandshakeMs: 0, posture: null, deviceName: '', overlayIpv6: 'FD6B:7769:636b::5',
  },
  gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: GW, presharedKey: generatePresharedKey(), allowedIps: ['10.20.0.10'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true }],
  denials: [{ resource: 'db', code: 'no_grant', message: 'no grant gives alice db' }],
});

test('up: fresh key pair per session, private key only on disk 0600, tunnel from the reply', async () => {
  const t = setup(async (key) => reply(`s${Math.random()}`, key));
  const a = await up(t.state, t.api, t.tunnel, { interface: 'wkt1', posture });
  assert.equal(a.denials[0]!.code, 'no_grant');
  const secrets = t.state.sessionSecrets()!;
  assert.equal(publicKeyOf(secrets.privateKey), t.keys[0]);
  assert.equal(statSync(t.state.sessionKeyPath).mode & 0o777, 0o600);
  assert.equal(t.log[0], `create wkt1 ${t.keys[0]} 100.64.0.5 fd6b:7769:636b::5 10.20.0.10/32`);
  assert.equal(JSON.stringify(t.state.session()).includes(secrets.privateKey), false);
  await assert.rejects(up(t.state, t.api, t.tunnel, { interface: 'wkt1', posture }), /already up on wkt1: run wicket down first/);
  await down(t.state, t.api, t.tunnel);
  assert.equal(existsSync(t.state.sessionKeyPath), false);
  assert.equal(t.state.session(), undefined);
  assert.ok(t.log.includes(`disconnect ${a.session.sessionId}`));
  await up(t.state, t.api, t.tunnel, { interface: 'wkt1', posture });
  assert.notEqual(t.keys[0], t.keys[1]);
});

test('up: a refused Connect is a clear error and leaves nothing behind', async () => {
  const t = setup(async () => { throw Object.assign(new Error('x'), { code: status.UNAVAILABLE, details: 'gateway dc1 is not connected', metadata: new Metadata() }); });
  await assert.rejects(up(t.state, t.api, t.tunnel, { posture }), /cannot start a session: UNAVAILABLE: gateway dc1 is not connected/);
  assert.equal(t.state.session(), undefined);
  assert.deepEqual(t.log, []);
});

test('up: an unreachable controller is named', async () => {
  const t = setup(async () => { throw Object.assign(new Error('x'), { code: status.UNAVAILABLE, details: 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2. Resolution note: ', metadata: new Metadata() }); });
  await assert.rejects(up(t.state, t.api, t.tunnel, { posture }), /^Error: cannot start a session: the controller at c:2 cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:2\)$/);
});

test('up: a tunnel failure disconnects the session and removes its files', async () => {
  const t = setup(async (key) => reply('s9', key), true);
  await assert.rejects(up(t.state, t.api, t.tunnel, { interface: 'wkt2', posture }), /wireguard-go failed/);
  assert.deepEqual(t.log.slice(1), ['destroy wkt2', 'disconnect s9']);
  assert.equal(t.state.session(), undefined);
  assert.equal(existsSync(t.state.sessionKeyPath), false);
});

test('up: an invalid gateway from the controller is refused and undone', async () => {
  const t = setup(async (key) => ({ ...reply('s3', key), gateways: [{ gateway: 'dc1', endpoint: 'x', publicKey: GW, presharedKey: 'bad', allowedIps: ['10.0.0.1'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true }] }));
  await assert.rejects(up(t.state, t.api, t.tunnel, { posture }), /invalid gateway #0 \(dc1\)/);
  assert.ok(t.log.includes('disconnect s3'));
});

test('up: an invalid IPv6 overlay address from the controller is refused and undone', async () => {
  for (const bad of ['100.64.0.5', 'fd00::/64', 'not-an-address']) {
    const t = setup(async (key) => {
      const r = reply('s4', key);
      return { ...r, session: { ...r.session!, overlayIpv6: bad } };
    });
    await assert.rejects(up(t.state, t.api, t.tunnel, { posture }), /invalid IPv6 overlay address/);
    assert.ok(t.log.includes('disconnect s4'));
    assert.equal(t.log.some((l) => l.startsWith('create')), false);
    assert.equal(t.state.session(), undefined);
  }
});

test('up: bad interface names and expired logins are refused before Connect', async () => {
  const t = setup(async (key) => reply('s4', key));
  await assert.rejects(up(t.state, t.api, t.tunnel, { interface: 'a-very-long-interface-name', posture }), /invalid interface name "a-very-long-interface-name"/);
  t.state.saveLogin({ ...t.state.login()!, certExpiresAtMs: Date.now() - 1 }, 'CERT', 'CA');
  await assert.rejects(up(t.state, t.api, t.tunnel, { posture }), /login expired .* run wicket login again/);
  assert.deepEqual(t.keys, []);
});
