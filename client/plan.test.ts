// Unit tests for the split-tunnel plan: validation of the controller's gateways, peers,
// routes and the route diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffRoutes, normalizeCidr, parseGateways, planTunnel, PERSISTENT_KEEPALIVE_SECONDS } from './plan.js';

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
