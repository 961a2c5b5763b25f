// Unit tests for the split-tunnel plan: validation of the controller's gateways, peers,
// routes and the route diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffRoutes, normalizeCidr, parseGateways, planTunnel, PERSISTENT_KEEPALIVE_SECONDS, routeName, standbyOrderOf } from './plan.js';

const KEY_A = 'YGn8Aqz7hQhS0yQkT7RtDkXb8m0vH2cQd2y6r9kq8Fk=';
const KEY_B = 'gN2yGZ4dWk0yQ9nR5cXq0s1Y3bT2aV6eJ7uP8iL9oMw=';
const PSK = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

const gw = (name: string, key: string, allowedIps: string[]) => ({
  gateway: name, endpoint: '198.18.0.2:51820', publicKey: key, presharedKey: PSK, allowedIps, standbyIps: [], serviceAddresses: [], dnsNames: [], connected: true,
});

test('one peer per gateway, AllowedIPs only the entitled destinations, routes for those only', () => {
  const plan = planTunnel(parseGateways([gw('dc1', KEY_A, ['10.20.0.10', '10.20.1.0/24']), gw('dc2', KEY_B, ['10.30.0.5/32'])]));
  assert.deepEqual(plan.routes, ['10.20.0.10/32', '10.20.1.0/24', '10.30.0.5/32']);
  assert.equal(plan.peers.length, 2);
  assert.deepEqual(plan.peers[0], {
    publicKey: KEY_A, presharedKey: PSK, endpoint: '198.18.0.2:51820',
    allowedIps: ['10.20.0.10/32', '10.20.1.0/24'], persistentKeepalive: PERSISTENT_KEEPALIVE_SECONDS,
  });
  assert.deepEqual(plan.peers[1]!.allowedIps, ['10.30.0.5/32']);
});

test('a gateway with no entitled destination gets no peer, whatever its other fields', () => {
  const plan = planTunnel(parseGateways([{ ...gw('dc1', KEY_A, []), endpoint: '' }, gw('dc2', KEY_B, ['10.30.0.5'])]));
  assert.deepEqual(plan.peers.map((p) => p.publicKey), [KEY_B]);
});

test('a destination claimed by two gateways is refused', () => {
  assert.throws(() => planTunnel(parseGateways([gw('dc1', KEY_A, ['10.0.0.0/24']), gw('dc2', KEY_B, ['10.0.0.7/24'])])),
    /10\.0\.0\.0\/24 is routed to both gateway dc1 and gateway dc2/);
});

test('invalid gateways from the network are refused naming the field', () => {
  assert.throws(() => parseGateways([gw('dc1', 'not-a-key', ['10.0.0.1'])]), /gateway #0 \(dc1\): publicKey/);
  assert.throws(() => parseGateways([gw('dc1', KEY_A, ['10.0.0.300'])]), /allowedIps\.0: "10\.0\.0\.300" is not an address/);
  assert.throws(() => parseGateways([{ ...gw('dc1', KEY_A, ['10.0.0.1']), endpoint: 'nohost' }]), /endpoint/);
});

test('CIDRs are normalised to their network address', () => {
  assert.equal(normalizeCidr('10.1.2.3/8'), '10.0.0.0/8');
  assert.equal(normalizeCidr('10.1.2.3'), '10.1.2.3/32');
  assert.equal(normalizeCidr('fd00::1'), 'fd00::1/128');
  assert.equal(normalizeCidr('fd00::1/64'), 'fd00::/64');
});

test('applying a route diff to the current routes gives the desired routes', () => {
  const cidrs = fc.uniqueArray(fc.integer({ min: 0, max: 40 }).map((n) => `10.0.${n}.0/24`));
  fc.assert(fc.property(cidrs, cidrs, (current, desired) => {
    const { add, remove } = diffRoutes(current, desired);
    const result = new Set(current.filter((r) => !remove.includes(r)).concat(add));
    assert.deepEqual([...result].sort(), [...new Set(desired)].sort());
    assert.equal(add.some((r) => current.includes(r)), false);
  }));
});

const KEY_C = 'mF2pQz7hQhS0yQkT7RtDkXb8m0vH2cQd2y6r9kq8Fk8=';
const ha = (name: string, key: string, service: string, allowedIps: string[], standbyIps: string[], dnsNames: string[] = []) => ({
  ...gw(name, key, [`${service}/32`, ...allowedIps]), standbyIps, serviceAddresses: [service, `fd6b:7769:636b::${service.split('.')[3]}`], dnsNames,
});
const pair = () => parseGateways([
  ha('dc1a', KEY_A, '100.127.0.1', ['10.20.0.10/32', 'fd20::/64'], ['10.30.0.0/24']),
  ha('dc1b', KEY_B, '100.127.0.2', ['10.30.0.0/24'], ['10.20.0.10/32', 'fd20::/64']),
  ha('dc1c', KEY_C, '100.127.0.3', [], ['10.20.0.10/32']),
]);
/** Every CIDR is on exactly one peer, and the routes are exactly those CIDRs. */
function assertOnePeerEach(plan: ReturnType<typeof planTunnel>): void {
  const all = plan.peers.flatMap((p) => p.allowedIps);
  assert.equal(new Set(all).size, all.length, `a CIDR on two peers: ${all.join(' ')}`);
  assert.deepEqual([...all].sort(), plan.routes);
}

test('standbys: each destination on its primary while all are up; the primary\'s move to the first live standby when it is down, and back', () => {
  const gws = pair();
  const up = planTunnel(gws);
  assertOnePeerEach(up);
  assert.deepEqual(up.carries, {
    dc1a: ['10.20.0.10/32', '100.127.0.1/32', 'fd20::/64'], dc1b: ['10.30.0.0/24', '100.127.0.2/32'], dc1c: ['100.127.0.3/32'],
  });
  const aDown = planTunnel(gws, { down: new Set(['dc1a']) });
  assertOnePeerEach(aDown);
  assert.deepEqual(aDown.carries, {
    dc1a: ['100.127.0.1/32'], dc1b: ['10.20.0.10/32', '10.30.0.0/24', '100.127.0.2/32', 'fd20::/64'], dc1c: ['100.127.0.3/32'],
  }, 'the service address stays: it is how dc1a is probed');
  assert.deepEqual(aDown.routes, up.routes, 'moving between peers changes no route');
  assert.deepEqual(planTunnel(gws, { down: new Set(['dc1a', 'dc1b']) }).carries.dc1c, ['10.20.0.10/32', '100.127.0.3/32']);
  assert.deepEqual(planTunnel(gws, { down: new Set(['dc1a', 'dc1b', 'dc1c']) }).carries, up.carries, 'nobody live: stay on the primary');
  assert.deepEqual(planTunnel(gws, { down: new Set() }), up, 'back when it returns');
});

test('standbys follow the entitlement\'s order, not the list\'s', () => {
  const order = standbyOrderOf([{ gateway: 'dc1a', destination: '10.20.0.10', standbyGateways: ['dc1c', 'dc1b'] },
    { gateway: 'dc1a', destination: 'app.corp.internal', standbyGateways: ['dc1b'] }]);
  assert.deepEqual([...order.keys()], ['dc1a 10.20.0.10/32']);
  const plan = planTunnel(pair(), { down: new Set(['dc1a']), standbyOrder: order });
  assertOnePeerEach(plan);
  assert.deepEqual(plan.carries.dc1c, ['10.20.0.10/32', '100.127.0.3/32']);
  assert.deepEqual(plan.carries.dc1b, ['10.30.0.0/24', '100.127.0.2/32', 'fd20::/64']);
});

test('learned DNS answers are carried by the gateway that answered, even while it is down; a learned CIDR never lands on a second peer', () => {
  const learned = [
    { cidr: '10.20.5.5/32', gateway: 'dc1a' },
    { cidr: 'fd20:1::5/128', gateway: 'dc1a' },
    { cidr: '10.30.0.0/24', gateway: 'dc1a' }, // already dc1b's: stays there
    { cidr: '10.20.5.5/32', gateway: 'dc1b' }, // a second name with the same answer
    { cidr: '10.99.0.1/32', gateway: 'gone' },
    { cidr: '10.40.0.4/32', gateway: 'dc1b' },
  ];
  const up = planTunnel(pair(), { learned });
  assertOnePeerEach(up);
  assert.deepEqual(up.carries.dc1a, ['10.20.0.10/32', '10.20.5.5/32', '100.127.0.1/32', 'fd20:1::5/128', 'fd20::/64']);
  assert.deepEqual(up.carries.dc1b, ['10.30.0.0/24', '10.40.0.4/32', '100.127.0.2/32']);
  // Until dc1b answers those names, dc1a's answers stay on dc1a: dc1b's sets do not hold them.
  const aDown = planTunnel(pair(), { learned, down: new Set(['dc1a']) });
  assertOnePeerEach(aDown);
  assert.deepEqual(aDown.carries.dc1a, ['10.20.5.5/32', '100.127.0.1/32', 'fd20:1::5/128']);
  assert.ok(!aDown.routes.includes('10.99.0.1/32'), 'a gateway the session no longer has carries nothing');
});

test('any set of down gateways gives every CIDR exactly one peer', () => {
  const gws = pair();
  fc.assert(fc.property(fc.subarray(['dc1a', 'dc1b', 'dc1c']), (down) => assertOnePeerEach(planTunnel(gws, { down: new Set(down) }))));
});

test('a standby destination whose primary sent no peer is carried by its standby', () => {
  const plan = planTunnel(parseGateways([ha('dc1b', KEY_B, '100.127.0.2', [], ['10.40.0.0/16'])]));
  assert.deepEqual(plan.carries.dc1b, ['10.40.0.0/16', '100.127.0.2/32']);
});

test('the new gateway fields are validated: IPv6 CIDRs, service addresses, names, IPv6 endpoints', () => {
  const [g] = parseGateways([{ ...ha('dc1', KEY_A, '100.127.0.1', ['FD20::1'], ['fd21::/48'], ['App.Corp.Internal.', '*.corp.internal']), endpoint: '[fd10::1]:51820' }]);
  assert.deepEqual(g!.allowedIps, ['100.127.0.1/32', 'fd20::1/128']);
  assert.deepEqual(g!.standbyIps, ['fd21::/48']);
  assert.deepEqual(g!.dnsNames, ['app.corp.internal', '*.corp.internal']);
  assert.equal(g!.endpoint, '[fd10::1]:51820');
  assert.throws(() => parseGateways([{ ...gw('dc1', KEY_A, ['10.0.0.1']), standbyIps: ['nope'] }]), /standbyIps\.0/);
  assert.throws(() => parseGateways([{ ...gw('dc1', KEY_A, ['10.0.0.1']), dnsNames: ['bad name'] }]), /dnsNames\.0: "bad name" is not a DNS name/);
  assert.throws(() => parseGateways([{ ...gw('dc1', KEY_A, ['10.0.0.1']), serviceAddresses: ['fd00::1'] }]), /serviceAddresses/);
  assert.throws(() => parseGateways([{ ...gw('dc1', KEY_A, ['10.0.0.1']), endpoint: '[fd10::1:51820' }]), /endpoint/);
});

test('a name goes to the gateway of its most specific entitlement, its first live standby while that is down', () => {
  const gws = parseGateways([
    ha('dc1a', KEY_A, '100.127.0.1', [], [], ['app.corp.internal', '*.corp.internal']),
    ha('dc1b', KEY_B, '100.127.0.2', [], [], ['app.corp.internal', '*.corp.internal']),
  ]);
  const ents = [
    { gateway: 'dc1b', destination: '*.corp.internal', standbyGateways: ['dc1a'] },
    { gateway: 'dc1a', destination: 'app.corp.internal', standbyGateways: ['dc1b'] },
  ];
  assert.deepEqual(routeName('app.corp.internal', gws, ents), { pattern: 'app.corp.internal', primary: 'dc1a', standbys: ['dc1b'], carrier: 'dc1a' });
  assert.equal(routeName('app.corp.internal', gws, ents, new Set(['dc1a']))?.carrier, 'dc1b');
  assert.equal(routeName('x.corp.internal', gws, ents)?.carrier, 'dc1b');
  assert.equal(routeName('x.corp.internal', gws, ents, new Set(['dc1b']))?.carrier, 'dc1a');
  assert.equal(routeName('x.corp.internal', gws, ents, new Set(['dc1a', 'dc1b']))?.carrier, 'dc1b', 'nobody live: the primary');
  assert.equal(routeName('corp.internal', gws, ents), undefined, 'a wildcard does not cover its suffix');
  assert.equal(routeName('other.example', gws, ents), undefined);
  assert.equal(routeName('y.corp.internal', gws, [])?.carrier, 'dc1a', 'no entitlement: the first covering gateway');
});
