// What a gateway is sent for a session with HTTP entitlements: the rule to its proxy
// (service address, tcp/80), the groups, one HttpGrant per HTTP entitlement with its expiry
// capped at the session's; the client routes the service address. And routeHttp: an HTTP
// entitlement goes to its gateway's service address, or becomes a denial without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entitlement } from '../policy/index.js';
import type { SessionRecord } from './session-store.js';
import { clientPeer, gatewaySession, type GatewayFacts } from './views.js';
import { routeHttp } from './decision.js';

const http = { hostname: 'wiki.corp.example', methods: ['GET'], paths: ['/docs/*'] };
const e = (over: Partial<Entitlement> = {}): Entitlement => ({
  resource: 'db', gateway: 'dc1', destination: '10.20.0.10', protocol: 'tcp', portFrom: 5432, portTo: 5432, grant: 'g', expiresAt: null, http: null, standbyGateways: [], ...over,
});
const facts = (name: string, over: Partial<GatewayFacts> = {}): GatewayFacts => ({
  name, endpoint: 'gw:51820', publicKey: 'PUB', serviceAddress: '100.127.255.254', serviceAddressIpv6: 'fd6b:7769:636b::3f:fffe', connected: true, ...over,
});
const session = (entitlements: Entitlement[]): SessionRecord => ({
  id: 's1', user: 'alice', deviceId: 'd1', certSerial: 'c1', overlayAddress: '100.64.0.2', wgPublicKey: 'K', posture: {} as never, mfa: true,
  createdAtMs: 0, expiresAtMs: 10_000, state: 'active', endedAtMs: null, endReason: '', entitlements, groups: ['eng', 'idp:staff'], lastHeartbeatMs: 0,
});

test('HTTP entitlements become a rule to the proxy and one HttpGrant each; groups go along', () => {
  const s = session([
    e(),
    e({ resource: 'wiki', destination: '100.127.255.254', portFrom: 80, portTo: 80, grant: 'read', http, expiresAt: 5_000 }),
    e({ resource: 'wiki', destination: '100.127.255.254', portFrom: 80, portTo: 80, grant: 'all', http: { hostname: 'wiki.corp.example', methods: [], paths: [] }, expiresAt: 99_000 }),
    e({ resource: 'other', gateway: 'dc2', destination: '100.127.255.253', portFrom: 80, portTo: 80, http: { ...http, hostname: 'other.corp.example' } }),
  ]);
  const g = gatewaySession(s, 'fd6b:7769:636b::2', { name: 'dc1', serviceAddress: '' }, 'psk');
  assert.deepEqual(g.groups, ['eng', 'idp:staff']);
  assert.deepEqual(g.rules!.map((r) => [r.destination, r.protocol, r.portFrom, r.portTo]), [
    ['10.20.0.10/32', 'tcp', 5432, 5432], ['100.127.255.254/32', 'tcp', 80, 80], ['100.127.255.254/32', 'tcp', 80, 80]]);
  assert.deepEqual(g.httpGrants, [
    { resource: 'wiki', grant: 'read', access: http, expiresAtMs: 5_000 },
    { resource: 'wiki', grant: 'all', access: { hostname: 'wiki.corp.example', methods: [], paths: [] }, expiresAtMs: 10_000 },
  ], 'one per grant, never past the session; none of another gateway');
  assert.deepEqual(clientPeer(s, facts('dc1'), 'psk').allowedIps, ['10.20.0.10/32', '100.127.255.254/32']);
});

test('an HTTP entitlement gets its gateway\'s service address; without one it is a denial', () => {
  const list = [e(), e({ resource: 'wiki', destination: '', http }), e({ resource: 'app', gateway: 'dc2', destination: '', http })];
  const lookups: string[] = [];
  const r = routeHttp(list, (g) => {
    lookups.push(g);
    return g === 'dc1' ? '100.127.255.254' : '';
  });
  assert.deepEqual(r.entitlements.map((x) => [x.resource, x.destination]), [['db', '10.20.0.10'], ['wiki', '100.127.255.254']]);
  assert.deepEqual(r.denials.map((d) => d.resource), ['app']);
  assert.match(r.denials[0].message, /gateway dc2 has no service address yet/);
  assert.deepEqual(lookups, ['dc1', 'dc2'], 'one lookup per gateway');
});

test('a session is on every gateway of an entitlement: rules on each, routes on the primary, standby routes on the others', () => {
  const s = session([
    e({ gateway: 'dc1a', standbyGateways: ['dc1b'] }),
    e({ resource: 'v6', gateway: 'dc1a', standbyGateways: ['dc1b'], destination: 'fd20::10', protocol: 'udp' }),
    e({ resource: 'v6net', gateway: 'dc1b', destination: 'fd20:0:0:1::/64' }),
    e({ resource: 'names', gateway: 'dc1a', standbyGateways: ['dc1b'], destination: '*.corp.internal', portFrom: 443, portTo: 443, expiresAt: 7_000 }),
    e({ resource: 'db2', gateway: 'dc1b', destination: 'db.corp.internal' }),
  ]);
  const a = clientPeer(s, facts('dc1a', { serviceAddress: '100.127.255.254', serviceAddressIpv6: 'fd6b:7769:636b::3f:fffe' }), 'pa');
  const b = clientPeer(s, facts('dc1b', { serviceAddress: '100.127.255.253', serviceAddressIpv6: 'fd6b:7769:636b::3f:fffd', connected: false }), 'pb');
  assert.deepEqual(a, {
    gateway: 'dc1a', endpoint: 'gw:51820', publicKey: 'PUB', presharedKey: 'pa',
    allowedIps: ['10.20.0.10/32', '100.127.255.254/32', 'fd20::10/128'], standbyIps: [],
    serviceAddresses: ['100.127.255.254', 'fd6b:7769:636b::3f:fffe'], dnsNames: ['*.corp.internal'], connected: true,
  });
  assert.deepEqual(b, {
    gateway: 'dc1b', endpoint: 'gw:51820', publicKey: 'PUB', presharedKey: 'pb',
    allowedIps: ['100.127.255.253/32', 'fd20:0:0:1::/64'], standbyIps: ['10.20.0.10/32', 'fd20::10/128'],
    serviceAddresses: ['100.127.255.253', 'fd6b:7769:636b::3f:fffd'], dnsNames: ['*.corp.internal', 'db.corp.internal'], connected: false,
  });

  const rules = (g: string, service: string) => gatewaySession(s, 'fd6b:7769:636b::2', { name: g, serviceAddress: service }, 'psk').rules!.map((r) => [r.destination, r.protocol, r.portFrom, r.expiresAtMs]);
  assert.deepEqual(rules('dc1a', '100.127.255.254'), [
    ['10.20.0.10/32', 'tcp', 5432, 10_000], ['fd20::10/128', 'udp', 5432, 10_000], ['*.corp.internal', 'tcp', 443, 7_000],
    ['100.127.255.254/32', 'udp', 53, 10_000], ['100.127.255.254/32', 'tcp', 53, 10_000]]);
  assert.deepEqual(rules('dc1b', '100.127.255.253'), [
    ['10.20.0.10/32', 'tcp', 5432, 10_000], ['fd20::10/128', 'udp', 5432, 10_000], ['fd20:0:0:1::/64', 'tcp', 5432, 10_000],
    ['*.corp.internal', 'tcp', 443, 7_000], ['db.corp.internal', 'tcp', 5432, 10_000],
    ['100.127.255.253/32', 'udp', 53, 10_000], ['100.127.255.253/32', 'tcp', 53, 10_000]]);
  assert.deepEqual(rules('dc2', '100.127.255.252').map((r) => r[0]), ['100.127.255.252/32', '100.127.255.252/32'], 'no entitlement of another gateway');
  assert.equal(gatewaySession(s, 'fd6b:7769:636b::2', { name: 'dc1a', serviceAddress: '' }, 'psk').rules!.some((r) => r.portFrom === 53), false, 'no DNS rule before the gateway has a service address');
  assert.equal(gatewaySession(s, 'fd6b:7769:636b::2', { name: 'dc1a', serviceAddress: '' }, 'psk').overlayIpv6, 'fd6b:7769:636b::2');
});
