// Unit tests for the state directory: device key persistence and modes, schema checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateDir, resolveStateDir, type SessionRecord } from './state.js';

const tmp = () => new StateDir(join(mkdtempSync(join(tmpdir(), 'wicket-state-')), 'home'));

test('the device key is created once, 0600, and reused', () => {
  const s = tmp();
  const a = s.deviceKeys();
  assert.equal(statSync(s.deviceKeyPath).mode & 0o777, 0o600);
  assert.equal(statSync(s.dir).mode & 0o777, 0o700);
  const b = s.deviceKeys();
  assert.equal(a.privateKeyPem, b.privateKeyPem);
  assert.equal(a.publicKeyPem, b.publicKeyPem);
});

const session: SessionRecord = {
  sessionId: 's1', interface: 'wk0', overlayAddress: '100.64.0.2', wgPublicKey: 'PUB', createdAtMs: 1, expiresAtMs: 2,
  state: 'active', endReason: '', endedAtMs: 0, gateways: [], routes: [], entitlements: [], agentPid: 0, controller: '',
  overlayIpv6: '', dnsForwarder: '', dnsSetup: { resolver: 'none', domains: [], note: '' },
};

test('session secrets are 0600 and deleted with the session', () => {
  const s = tmp();
  s.saveSession(session);
  s.saveSessionSecrets({ privateKey: 'K', presharedKeys: { dc1: 'P' } });
  assert.equal(statSync(s.sessionKeyPath).mode & 0o777, 0o600);
  assert.deepEqual(s.sessionSecrets(), { privateKey: 'K', presharedKeys: { dc1: 'P' } });
  assert.equal(s.updateSession((x) => ({ ...x, agentPid: 42 }))?.agentPid, 42);
  s.deleteSession();
  assert.equal(existsSync(s.sessionKeyPath), false);
  assert.equal(s.session(), undefined);
});

test('damaged files are reported, not trusted', () => {
  const s = tmp();
  s.saveSession(session);
  writeFileSync(s.sessionPath, JSON.stringify({ ...session, interface: 'a-name-that-is-far-too-long' }));
  assert.throws(() => s.session(), /session\.json is damaged \(interface:/);
  writeFileSync(s.sessionPath, '{');
  assert.throws(() => s.session(), /not valid JSON/);
});

test('credentials need a login', () => {
  assert.throws(() => tmp().credentials(), /not logged in/);
});

test('state dir: flag, then WICKET_HOME, then ~/.wicket', () => {
  assert.equal(resolveStateDir('/x', { WICKET_HOME: '/y' }), '/x');
  assert.equal(resolveStateDir(undefined, { WICKET_HOME: '/y' }), '/y');
  assert.match(resolveStateDir(undefined, {}), /\.wicket$/);
});
