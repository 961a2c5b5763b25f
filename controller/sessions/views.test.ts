// What a gateway is sent for a session with HTTP entitlements: the rule to its proxy
// (service address, tcp/80), the groups, one HttpGrant per HTTP entitlement with its expiry
// capped at the session's; the client routes the service address. And routeHttp: an HTTP
// entitlement goes to its gateway's service address, or becomes a denial without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entitlement } from '../policy/index.js';
import type { SessionRecord } from './session-store.js';
import { clientPeer, gatewaySession } from './views.js';
import { routeHttp } from './decision.js';

const http = { hostname: 'wiki.corp.example', methods: ['GET'], paths: ['/docs/*'] };
const e = (over: Partial<Entitlement> = {}): Entitlement => ({
  resource: 'db', gateway: 'dc1', destination: '10.20.0.10', protocol: 'tcp', portFrom: 5432, portTo: 5432, grant: 'g', expiresAt: null, http: null, standbyGateways: [], ...over,
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
  const g = gatewaySession(s, 'dc1', 'psk');
  assert.deepEqual(g.groups, ['eng', 'idp:staff']);
  assert.deepEqual(g.rules!.map((r) => [r.destination, r.protocol, r.portFrom, r.portTo]), [
    ['10.20.0.10/32', 'tcp', 5432, 5432], ['100.127.255.254/32', 'tcp', 80, 80], ['100.127.255.254/32', 'tcp', 80, 80]]);
  assert.deepEqual(g.httpGrants, [
    { resource: 'wiki', grant: 'read', access: http, expiresAtMs: 5_000 },
    { resource: 'wiki', grant: 'all', access: { hostname: 'wiki.corp.example', methods: [], paths: [] }, expiresAtMs: 10_000 },
  ], 'one per grant, never past the session; none of another gateway');
  assert.deepEqual(clientPeer(s, 'dc1', 'gw:51820', 'PUB', 'psk').allowedIps, ['10.20.0.10/32', '100.127.255.254/32']);
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
