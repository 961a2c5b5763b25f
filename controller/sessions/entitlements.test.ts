// Entitlement helpers: routes, gateway sets, session expiry, change detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entitlement } from '../policy/index.js';
import { isNameDestination } from '../../common/dns-names.js';
import { destinationCidr, entitlementsEqual, gatewaysOf, ruleDestination, sameGroups, sessionExpiry } from './entitlements.js';

const e = (over: Partial<Entitlement> = {}): Entitlement => ({
  resource: 'wiki', gateway: 'dc1', destination: '10.20.0.10', protocol: 'tcp', portFrom: 443, portTo: 443, grant: 'g', expiresAt: null, http: null, standbyGateways: [], ...over,
});

test('destinations become canonical CIDRs', () => {
  assert.equal(destinationCidr('10.20.0.10'), '10.20.0.10/32');
  assert.equal(destinationCidr('10.20.1.7/24'), '10.20.1.0/24');
  assert.equal(destinationCidr('10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(destinationCidr('FD20::0010'), 'fd20::10/128');
  assert.equal(destinationCidr('fd20::1:2/64'), 'fd20::/64');
  assert.throws(() => destinationCidr('db.corp.internal'));
});

test('a rule carries an address as its CIDR and a name or wildcard as it is', () => {
  assert.equal(ruleDestination('10.20.0.10'), '10.20.0.10/32');
  assert.equal(ruleDestination('fd20::10'), 'fd20::10/128');
  assert.equal(ruleDestination('db.corp.internal'), 'db.corp.internal');
  assert.equal(ruleDestination('*.corp.internal'), '*.corp.internal');
  assert.equal(isNameDestination('10.20.0.10'), false);
  assert.equal(isNameDestination('fd20::/64'), false);
});

test('gateways are unique and sorted', () => {
  assert.deepEqual(gatewaysOf([e({ gateway: 'dc2' }), e(), e({ gateway: 'dc2' })]), ['dc1', 'dc2']);
  assert.deepEqual(gatewaysOf([]), []);
  assert.deepEqual(gatewaysOf([e({ gateway: 'dc1b', standbyGateways: ['dc1a', 'dc0'] }), e()]), ['dc0', 'dc1', 'dc1a', 'dc1b'], 'standbys too');
});

test('a session ends at the certificate expiry unless every entitlement ends sooner', () => {
  assert.equal(sessionExpiry([e()], 5000), 5000);
  assert.equal(sessionExpiry([e({ expiresAt: 3000 }), e({ expiresAt: 4000 })], 5000), 4000);
  assert.equal(sessionExpiry([e({ expiresAt: 3000 }), e()], 5000), 5000);
  assert.equal(sessionExpiry([e({ expiresAt: 9000 })], 5000), 5000);
});

test('entitlement sets compare regardless of order and notice any field', () => {
  const a = [e(), e({ resource: 'db', portFrom: 5432, portTo: 5432 })];
  assert.ok(entitlementsEqual(a, [...a].reverse()));
  assert.ok(!entitlementsEqual(a, [e()]));
  assert.ok(!entitlementsEqual([e()], [e({ expiresAt: 1 })]));
  assert.ok(!entitlementsEqual([e()], [e({ portTo: 444 })]));
  assert.ok(!entitlementsEqual([e()], [e({ standbyGateways: ['dc2'] })]));
});

test('a change of an HTTP grant\'s methods or paths is a change; groups compare in order', () => {
  const http = { hostname: 'wiki.corp.example', methods: ['GET'], paths: ['/docs/*'] };
  assert.equal(entitlementsEqual([e({ http })], [e({ http: { ...http } })]), true);
  assert.equal(entitlementsEqual([e({ http })], [e({ http: { ...http, paths: ['/docs/**'] } })]), false);
  assert.equal(entitlementsEqual([e({ http })], [e({ http: { ...http, methods: [] } })]), false);
  assert.equal(sameGroups(['a', 'b'], ['a', 'b']), true);
  assert.equal(sameGroups(['a'], ['a', 'b']), false);
});
