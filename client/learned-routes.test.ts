// Unit tests for learned DNS routes: carried by the answering gateway, kept until TTL plus the
// margin on a fake clock, never evicted while live, pruned when the name is no longer granted,
// and addresses that are the client's own connectivity refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearnedRoutes, LearnedRoutesFull, refusedAddress, TTL_MARGIN_SECONDS } from './learned-routes.js';

test('answers become host CIDRs carried by the gateway that answered', () => {
  const l = new LearnedRoutes();
  assert.equal(l.add('app.corp.internal', 'dc1a', ['10.20.0.10', 'fd20::10'], 30), true);
  assert.equal(l.add('app.corp.internal', 'dc1a', ['10.20.0.10'], 30), false, 'the same answer again changes nothing');
  assert.deepEqual(l.list(), [{ cidr: '10.20.0.10/32', gateway: 'dc1a' }, { cidr: 'fd20::10/128', gateway: 'dc1a' }]);
  assert.equal(l.add('app.corp.internal', 'dc1b', ['10.20.0.10'], 30), true, 'another gateway\'s answer moves it');
  assert.deepEqual(l.list(), [{ cidr: '10.20.0.10/32', gateway: 'dc1b' }, { cidr: 'fd20::10/128', gateway: 'dc1a' }]);
  assert.deepEqual(l.names(), new Map([['app.corp.internal', new Set(['dc1b', 'dc1a'])]]));
});

test('an entry lives until its TTL plus the margin; full of live entries a new address is refused, not evicted', () => {
  let now = 1_000_000;
  const l = new LearnedRoutes(2, () => now);
  l.add('a.corp.internal', 'dc1', ['10.0.0.1'], 30);
  l.add('b.corp.internal', 'dc1', ['10.0.0.2'], 300);
  assert.throws(() => l.add('c.corp.internal', 'dc1', ['10.0.0.3'], 30), LearnedRoutesFull);
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.0.0.1/32', '10.0.0.2/32'], 'nothing changed');
  assert.equal(l.add('a.corp.internal', 'dc1', ['10.0.0.1'], 30), false, 'a known address still refreshes when full');
  now += (30 + TTL_MARGIN_SECONDS) * 1000 - 1;
  assert.equal(l.expire(), false, 'an app may still use the cached answer');
  now += 1;
  assert.equal(l.expire(), true);
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.0.0.2/32']);
  assert.equal(l.add('c.corp.internal', 'dc1', ['10.0.0.3'], 30), true, 'room again');
  now += 10 ** 12;
  assert.equal(l.add('d.corp.internal', 'dc1', ['10.0.0.4'], 10 ** 9), true, 'expired entries make room at add');
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.0.0.4/32']);
  now += (86_400 + TTL_MARGIN_SECONDS) * 1000;
  assert.equal(l.expire(), true, 'a huge TTL is capped at a day');
});

test('entries whose name is no longer covered are dropped', () => {
  const l = new LearnedRoutes();
  l.add('app.corp.internal', 'dc1', ['10.20.0.10'], 30);
  l.add('x.wild.internal', 'dc1', ['10.20.0.11'], 30);
  assert.equal(l.prune(['*.wild.internal']), true);
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.20.0.11/32']);
  assert.equal(l.prune(['*.wild.internal']), false);
  l.prune([]);
  assert.deepEqual(l.list(), []);
});

test('addresses that are the client\'s own connectivity are refused', () => {
  const guard = { own: ['100.64.0.7', 'fd6b:7769:636b::6440:7', '100.127.0.1'], overlay: ['fd6b:7769:636b::6440:7/64'], endpointHosts: ['198.51.100.4', 'fd10::1', 'gw.example.com'] };
  for (const [address, refused] of [
    ['10.20.0.10', false], ['fd20::10', false], ['100.64.0.8', false], ['8.8.8.8', false],
    ['198.51.100.4', true], ['fd10::1', true], ['127.0.0.1', true], ['::1', true], ['169.254.1.1', true],
    ['fe80::1', true], ['0.0.0.0', true], ['::', true], ['224.0.0.251', true], ['ff02::fb', true],
    ['255.255.255.255', true], ['100.64.0.7', true], ['100.127.0.1', true], ['fd6b:7769:636b::1', true],
    ['::ffff:127.0.0.1', true], ['::ffff:198.51.100.4', true],
  ] as const) {
    assert.equal(refusedAddress(address, guard) !== undefined, refused, address);
  }
});
