// Unit tests for `wicket status`: resources with their gateway, handshake age and bytes,
// redundant gateways' health and carries, IPv6 and DNS, and the reason a session ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatus, renderStatus } from './status.js';
import type { LoginState, SessionRecord } from './state.js';

const now = Date.UTC(2030, 0, 1, 12);
const login: LoginState = {
  controller: 'ctl:8444', caFingerprint: 'a'.repeat(64), apiEndpoint: 'ctl:8443', username: 'alice',
  deviceId: 'd'.repeat(32), deviceName: 'laptop', certExpiresAtMs: now + 3_600_000, admin: false,
};
const session: SessionRecord = {
  sessionId: 's1', interface: 'wk0', overlayAddress: '100.64.0.2', wgPublicKey: 'ME', createdAtMs: now - 60_000,
  expiresAtMs: now + 1_800_000, state: 'active', endReason: '', endedAtMs: 0,
  gateways: [{ gateway: 'dc1', endpoint: '198.18.0.2:51820', publicKey: 'GW1', allowedIps: ['10.20.0.10/32'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true, healthy: true, carries: ['10.20.0.10/32'] },
    { gateway: 'dc2', endpoint: '198.18.1.2:51820', publicKey: 'GW2', allowedIps: ['10.30.0.0/24'], standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true, healthy: true, carries: ['10.30.0.0/24'] }],
  routes: ['10.20.0.10/32', '10.30.0.0/24'],
  entitlements: [
    { resource: 'wiki', gateway: 'dc1', destination: '10.20.0.10/32', protocol: 'tcp', portFrom: 443, portTo: 443, grant: 'eng', expiresAtMs: 0, http: null, standbyGateways: [] },
    { resource: 'db', gateway: 'dc2', destination: '10.30.0.0/24', protocol: 'tcp', portFrom: 5432, portTo: 5433, grant: 'dba', expiresAtMs: 0, http: null, standbyGateways: [] },
  ],
  agentPid: 1, controller: 'ctl:8443', overlayIpv6: 'fd6b:7769:636b::2', dnsForwarder: '100.64.0.2', dnsSetup: { resolver: 'none', domains: [], note: 'the session has no resource names' },
};
const stats = { publicKey: 'ME', listenPort: 1, peers: [
  { publicKey: 'GW1', endpoint: '198.18.0.2:51820', allowedIps: [], latestHandshakeMs: now - 42_000, rxBytes: 1234, txBytes: 99 },
] };

test('active session: resources with gateway, handshake age and bytes per gateway', () => {
  const r = buildStatus(login, session, stats, true, now);
  assert.deepEqual(r.resources.map((x) => [x.resource, x.gateway, x.ports]), [['wiki', 'dc1', 'tcp/443'], ['db', 'dc2', 'tcp/5432-5433']]);
  // A login.json from before controller lists reads as its one controller.
  assert.deepEqual([r.controllers, r.controller_in_use], [['ctl:8444'], 'ctl:8443']);
  assert.deepEqual(r.gateways.map((g) => [g.gateway, g.handshakeAgeMs, g.rxBytes, g.txBytes]), [['dc1', 42_000, 1234, 99], ['dc2', null, 0, 0]]);
  const text = renderStatus(r, now);
  assert.match(text, /user: +alice/);
  assert.match(text, /address: +100\.64\.0\.2/);
  assert.match(text, /expires: +2030-01-01T12:30:00Z \(in 30m\)/);
  assert.match(text, /dc1 +198\.18\.0\.2:51820 +up +42s ago +1234 +99 +10\.20\.0\.10\/32/);
  assert.match(text, /dc2 +198\.18\.1\.2:51820 +up +never/);
});

test('an HTTP resource shows as its URL via the gateway proxy\'s address, in text and JSON', () => {
  const withHttp = { ...session, entitlements: [...session.entitlements,
    { resource: 'docs', gateway: 'dc1', destination: '100.127.255.254', protocol: 'tcp', portFrom: 80, portTo: 80, grant: 'eng-docs', expiresAtMs: 0,
      http: { hostname: 'docs.corp.example', methods: ['GET', 'HEAD'], paths: ['/docs/*'] }, standbyGateways: [] }] };
  const r = buildStatus(login, withHttp, stats, true, now);
  assert.deepEqual(r.http, [{ resource: 'docs', gateway: 'dc1', url: 'http://docs.corp.example', via: '100.127.255.254', methods: ['GET', 'HEAD'], paths: ['/docs/*'], grant: 'eng-docs' }]);
  assert.deepEqual(r.resources.map((x) => x.resource), ['wiki', 'db'], 'network resources only');
  assert.deepEqual(JSON.parse(JSON.stringify(r)).http[0].url, 'http://docs.corp.example');
  assert.match(renderStatus(r, now), /docs +dc1 +http:\/\/docs\.corp\.example via 100\.127\.255\.254 +GET,HEAD +\/docs\/\* +eng-docs/);
  assert.doesNotMatch(renderStatus(buildStatus(login, session, stats, true, now), now), /HTTP RESOURCE/, 'no HTTP table without HTTP resources');
});

test('an ended session says why', () => {
  const ended = { ...session, state: 'revoked', endReason: 'revoked by admin root', endedAtMs: now - 1000 };
  const r = buildStatus(login, ended, undefined, false, now);
  assert.deepEqual(r.resources, []);
  assert.match(renderStatus(r, now), /session: +s1 revoked at 2030-01-01T11:59:59Z: revoked by admin root/);
});

test('not logged in', () => {
  assert.match(renderStatus(buildStatus(undefined, undefined, undefined, false, now), now), /not logged in/);
});

test('JSON: overlay_ipv6, dns and dns_setup, and per gateway its health, what it carries and stands by for', () => {
  const redundant: SessionRecord = {
    ...session,
    gateways: [
      { ...session.gateways[0]!, dnsNames: ['*.corp.internal'], healthy: false, connected: true, carries: ['100.127.0.1/32'] },
      { ...session.gateways[1]!, standbyIps: ['10.20.0.10/32'], dnsNames: ['*.corp.internal'], carries: ['10.20.0.10/32', '10.30.0.0/24'] },
    ],
    dnsSetup: { resolver: 'resolvectl', domains: ['~corp.internal'], note: '' },
  };
  const r = JSON.parse(JSON.stringify(buildStatus(login, redundant, stats, true, now)));
  assert.equal(r.overlay_ipv6, 'fd6b:7769:636b::2');
  assert.deepEqual(r.dns, ['100.64.0.2']);
  assert.deepEqual(r.dns_setup, { resolver: 'resolvectl', domains: ['~corp.internal'], note: '' });
  assert.deepEqual(r.gateways.map((g: Record<string, unknown>) => [g.gateway, g.endpoint, g.healthy, g.connected, g.carries, g.standby_for]), [
    ['dc1', '198.18.0.2:51820', false, true, ['100.127.0.1/32'], []],
    ['dc2', '198.18.1.2:51820', true, true, ['10.20.0.10/32', '10.30.0.0/24'], ['10.20.0.10/32']],
  ]);
  assert.equal(r.session.address, '100.64.0.2', 'existing fields unchanged');
  assert.deepEqual(r.gateways[0].allowedIps, ['10.20.0.10/32']);
  const text = renderStatus(buildStatus(login, redundant, stats, true, now), now);
  assert.match(text, /address: +100\.64\.0\.2, fd6b:7769:636b::2/);
  assert.match(text, /dns: +100\.64\.0\.2; system resolver \(resolvectl\) sends ~corp\.internal there/);
  assert.match(text, /dc1 +198\.18\.0\.2:51820 +not answering/);
});

test('no names: dns is empty; without systemd-resolved the note says what to do', () => {
  const r = buildStatus(login, session, stats, true, now);
  assert.deepEqual(r.dns, []);
  assert.doesNotMatch(renderStatus(r, now), /^dns:/m);
  const named = { ...session, gateways: [{ ...session.gateways[0]!, dnsNames: ['db.corp.internal'] }],
    dnsSetup: { resolver: 'none' as const, domains: ['~db.corp.internal'], note: 'systemd-resolved is not running: point the system resolver at 100.64.0.2 for db.corp.internal' } };
  const n = buildStatus(login, named, stats, true, now);
  assert.deepEqual(n.dns, ['100.64.0.2']);
  assert.match(renderStatus(n, now), /dns: +100\.64\.0\.2; systemd-resolved is not running: point the system resolver/);
  assert.equal(buildStatus(login, { ...session, state: 'revoked' }, undefined, false, now).overlay_ipv6, null);
});
