// Unit tests of the data plane's apply paths against recording fakes of nft, the WireGuard
// peers and conntrack (no root, no namespaces): what a snapshot and a delta write, in which
// order, how removed elements leave (delete or expire), that a failed apply is reported and
// forces a snapshot, and that the spoofed counter and denied set are read through the runner.
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger } from '../../common/log.js';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { WireGuardDataPlane, type DesiredSession } from './dataplane.js';
import { NftRunnerFake } from './nft-runner.fake.js';
import { PeerDriverFake } from './peer-driver.fake.js';
import type { RemovalMode } from './ruleset.js';

function session(id: string, overlayAddress: string, port = 80): DesiredSession {
  const expiresAtMs = Date.now() + 60_000;
  return {
    id, overlayAddress, publicKey: publicKeyOf(generatePrivateKey()), presharedKey: generatePresharedKey(), expiresAtMs,
    rules: [{ destination: '198.19.0.10', protocol: 'tcp', portFrom: port, portTo: port, expiresAtMs }],
  };
}

function fakePlane(removal?: RemovalMode) {
  const log: string[] = [];
  const nft = new NftRunnerFake(log);
  const peers = new PeerDriverFake(log);
  const flushed: string[][] = [];
  const plane = new WireGuardDataPlane({
    interfaceName: 'wkunit0', privateKey: generatePrivateKey(), removal, nft, peers,
    flushConntrack: async (blocks) => { flushed.push(blocks); },
  });
  return { plane, nft, peers, log, flushed };
}

/** The ms timeout of the one added element of `overlay` in `text`. */
function addedTimeout(text: string, overlay: string, port: number): number {
  const m = new RegExp(`^add element inet wicket allow_exact \\{ ${overlay.replace(/\./g, '\\.')} \\. 198\\.19\\.0\\.10 \\. tcp \\. ${port} timeout (\\d+)ms \\}$`, 'm').exec(text);
  assert.ok(m, `no add of ${overlay} port ${port} in:\n${text}`);
  return Number(m[1]);
}

test('a snapshot onto an empty system adds the peer and the elements in one transaction', async () => {
  const { plane, nft, peers } = fakePlane();
  const s1 = session('s1', '100.64.0.2');
  const r = await plane.applySnapshot(1, [s1]);
  assert.deepEqual({ ...r, applyUs: 0, phases: undefined }, { version: 1, sessions: 1, peersAdded: 1, peersRemoved: 0, elementsAdded: 1, elementsDeleted: 0, applyUs: 0, phases: undefined });
  const { prepareUs, nftUs, peersUs } = r.phases!;
  for (const us of [prepareUs, nftUs, peersUs]) assert.ok(us >= 0 && us <= r.applyUs, `each part of the apply time is within it: ${JSON.stringify(r)}`);
  assert.equal(nft.applied.length, 1);
  assert.equal(nft.applied[0].trim().split('\n').length, 1);
  const timeout = addedTimeout(nft.applied[0], '100.64.0.2', 80);
  assert.ok(timeout > 55_000 && timeout <= 60_000, `timeout ${timeout}`);
  assert.deepEqual(peers.added, [[{ publicKey: s1.publicKey, presharedKey: s1.presharedKey, allowedIps: ['100.64.0.2/32'] }]]);
  assert.deepEqual(peers.removed, []);
  assert.equal(plane.sessionOwner('overlay', '100.64.0.2'), 's1');
  assert.equal(plane.sessionOwner('publicKey', s1.publicKey), 's1');
  await plane.close();
});

test('a snapshot removes what the system holds beyond it: stale peer first, its elements, then its flows', async () => {
  const { plane, nft, peers, log, flushed } = fakePlane();
  const stale = publicKeyOf(generatePrivateKey());
  peers.peers.set(stale, { publicKey: stale, allowedIps: ['100.64.0.9/32'] });
  nft.sets.set('allow_exact', JSON.stringify({ nftables: [{ set: { family: 'inet', name: 'allow_exact', table: 'wicket', elem: [
    { elem: { val: { concat: ['100.64.0.9', '198.19.0.10', 'tcp', 22] }, timeout: 60, expires: 30, counter: { packets: 0, bytes: 0 } } },
  ] } }] }));
  const r = await plane.applySnapshot(7, [session('s1', '100.64.0.2')]);
  assert.equal(r.peersRemoved, 1);
  assert.equal(r.elementsDeleted, 1);
  assert.deepEqual(peers.removed, [[stale]]);
  assert.deepEqual(log, ['wg remove', 'nft apply', 'wg add'], 'the removed peer goes before anything is added');
  const lines = nft.applied[0].trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), [
    'add element inet wicket allow_exact { 100.64.0.9 . 198.19.0.10 . tcp . 22 timeout 1000ms }',
    'delete element inet wicket allow_exact { 100.64.0.9 . 198.19.0.10 . tcp . 22 }',
  ]);
  addedTimeout(nft.applied[0], '100.64.0.2', 80);
  assert.deepEqual(flushed, [], 'conntrack is flushed later, in a batch');
  await plane.close();
  assert.deepEqual(flushed, [['100.64.0.9/32']]);
});

test('a delta with removal by delete: the ended session\'s peer and elements go, the new one comes, flows of the old freed', async () => {
  const { plane, nft, peers, log, flushed } = fakePlane('delete');
  const s1 = session('s1', '100.64.0.2');
  const s2 = session('s2', '100.64.0.3');
  await plane.applySnapshot(1, [s1]);
  log.length = 0;
  const r = await plane.applyDelta(2, [s2], ['s1']);
  assert.deepEqual({ ...r, applyUs: 0, phases: undefined }, { version: 2, sessions: 1, peersAdded: 1, peersRemoved: 1, elementsAdded: 1, elementsDeleted: 1, applyUs: 0, phases: undefined });
  assert.deepEqual(log, ['wg remove', 'nft apply', 'wg add']);
  assert.deepEqual(peers.removed, [[s1.publicKey]]);
  assert.equal(peers.added[1][0].publicKey, s2.publicKey);
  const text = nft.applied[1];
  assert.match(text, /^add element inet wicket allow_exact \{ 100\.64\.0\.2 \. 198\.19\.0\.10 \. tcp \. 80 timeout 1000ms \}\ndelete element inet wicket allow_exact \{ 100\.64\.0\.2 \. 198\.19\.0\.10 \. tcp \. 80 \}\n/);
  addedTimeout(text, '100.64.0.3', 80);
  assert.equal(plane.sessionOwner('overlay', '100.64.0.2'), undefined);
  assert.equal(plane.sessionOwner('overlay', '100.64.0.3'), 's2');
  await plane.close();
  assert.deepEqual(flushed, [['100.64.0.2/32']]);
});

test('a delta with removal by expiry: an ended session\'s interval elements expire and its exact ones are deleted; a narrowed session\'s are deleted', async () => {
  const { plane, nft, peers } = fakePlane('expire');
  const ranged = (id: string, overlay: string): DesiredSession => {
    const s = session(id, overlay);
    s.rules.push({ ...s.rules[0], destination: '198.19.1.0/28', protocol: 'udp', portFrom: 53, portTo: 53 });
    return s;
  };
  const s1 = ranged('s1', '100.64.0.2');
  const s2 = ranged('s2', '100.64.0.3');
  await plane.applySnapshot(1, [s1, s2]);
  await plane.applyDelta(2, [], ['s1']);
  assert.equal(nft.applied[1], [
    'add element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 1000ms }',
    'delete element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.1.0/28 . udp . 53 timeout 1000ms expires 1ms }',
  ].join('\n') + '\n');
  assert.deepEqual(peers.removed, [[s1.publicKey]]);
  // s2's range moves from port 53 to 54: its overlay also gets an element, so the old one is
  // deleted (an expiring element would still overlap the new one in the kernel's eyes).
  const r = await plane.applyDelta(3, [{ ...s2, rules: [s2.rules[0], { ...s2.rules[1], portFrom: 54, portTo: 54 }] }], []);
  assert.equal(r.peersAdded, 0, 'same key, same PSK: the peer stays');
  assert.match(nft.applied[2], /^add element inet wicket allow \{ 100\.64\.0\.3 \. 198\.19\.1\.0\/28 \. udp \. 53 timeout 1000ms \}\ndelete element inet wicket allow \{ 100\.64\.0\.3 \. 198\.19\.1\.0\/28 \. udp \. 53 \}\nadd element inet wicket allow \{ 100\.64\.0\.3 \. 198\.19\.1\.0\/28 \. udp \. 54 timeout \d+ms \}\n$/);
  await plane.close();
});

test('a failed apply is reported, and the data plane then takes only a snapshot', async () => {
  const { plane, nft } = fakePlane();
  const s1 = session('s1', '100.64.0.2');
  await plane.applySnapshot(1, [s1]);
  nft.failNext = new Error('nft: Error: Could not process rule: No such file or directory');
  await assert.rejects(plane.applyDelta(2, [], ['s1']), /Could not process rule/);
  await assert.rejects(plane.applyDelta(3, [session('s2', '100.64.0.3')], []), /needs a snapshot first/);
  assert.equal(nft.applied.length, 1, 'nothing applied after the failure');
  const r = await plane.applySnapshot(4, [s1]);
  assert.equal(r.version, 4);
  assert.equal(nft.applied.length, 2);
  assert.equal((await plane.applyDelta(5, [], ['s1'])).sessions, 0, 'deltas are taken again');
  await plane.close();
});

test('the spoofed counter and the denied set are read through the runner', async () => {
  const { plane, nft } = fakePlane();
  assert.equal(await plane.readSpoofed(), 0);
  nft.counters.set('spoofed', '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"counter": {"family": "inet", "name": "spoofed", "table": "wicket", "handle": 1, "packets": 400, "bytes": 16000}}]}');
  assert.equal(await plane.readSpoofed(), 400);
  nft.sets.set('denied', '{"nftables": [{"set": {"family": "inet", "name": "denied", "table": "wicket", "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.20", "tcp", 22]}, "counter": {"packets": 4, "bytes": 240}}}]}}]}');
  assert.deepEqual(await plane.readDenied(), [{ overlay: '100.64.0.2', destination: '198.19.0.20', protocol: 'tcp', port: 22, packets: 4, bytes: 240 }]);
  await plane.close();
});

test('names: elements from the name source; a refresh adds and deletes only what changed, flushes nothing, and retain follows the sessions', async () => {
  const resolved = new Map<string, string[]>([['app.corp.internal', ['198.19.0.20']], ['*.lab.internal', []]]);
  const retained: string[][] = [];
  const log: string[] = [];
  const nft = new NftRunnerFake(log);
  const flushed: string[][] = [];
  const plane = new WireGuardDataPlane({
    interfaceName: 'wkunit0', privateKey: generatePrivateKey(), nft, peers: new PeerDriverFake(log),
    flushConntrack: async (blocks) => { flushed.push(blocks); },
    names: { addresses: (d) => resolved.get(d) ?? [], retain: (names) => retained.push([...names].sort()) },
  });
  const s1 = session('s1', '100.64.0.2');
  s1.rules.push({ ...s1.rules[0], destination: 'app.corp.internal', portFrom: 443, portTo: 443 }, { ...s1.rules[0], destination: '*.lab.internal', portFrom: 22, portTo: 22 });
  await plane.applySnapshot(1, [s1, session('s2', '100.64.0.3')]);
  assert.match(nft.applied[0], /100\.64\.0\.2 \. 198\.19\.0\.20 \. tcp \. 443 /);
  assert.deepEqual(retained, [['*.lab.internal', 'app.corp.internal']]);
  assert.deepEqual(plane.sessionNames('s1'), ['app.corp.internal', '*.lab.internal']);
  assert.deepEqual(plane.sessionNames('s2'), []);

  resolved.set('app.corp.internal', ['198.19.0.20', '198.19.0.21', 'fd20::21']);
  const grown = await plane.refreshNames(['app.corp.internal']);
  assert.deepEqual([grown.elementsAdded, grown.elementsDeleted, grown.version], [1, 0, 1]);
  assert.match(nft.applied[1], /^add element inet wicket allow_exact \{ 100\.64\.0\.2 \. 198\.19\.0\.21 \. tcp \. 443 timeout \d+ms \}\n$/);

  resolved.set('app.corp.internal', ['198.19.0.21']);
  const shrunk = await plane.refreshNames(['app.corp.internal']);
  assert.deepEqual([shrunk.elementsAdded, shrunk.elementsDeleted, shrunk.peersAdded, shrunk.peersRemoved], [0, 1, 0, 0]);
  assert.doesNotMatch(nft.applied[2], /198\.19\.0\.21|198\.19\.0\.10/, 'elements of addresses that stay are not touched');
  assert.match(nft.applied[2], /delete element inet wicket allow_exact \{ 100\.64\.0\.2 \. 198\.19\.0\.20 \. tcp \. 443 \}/);
  resolved.set('*.lab.internal', ['198.19.1.1']);
  assert.equal((await plane.refreshNames(['*.lab.internal'])).elementsAdded, 1);
  assert.equal((await plane.refreshNames(['other.corp.internal'])).elementsAdded, 0, 'a name nobody holds changes nothing');
  assert.equal(nft.applied.length, 4);

  // A burst of refreshes queued behind one another is one apply with every name in it.
  resolved.set('app.corp.internal', ['198.19.0.22']);
  resolved.set('*.lab.internal', ['198.19.1.1', '198.19.1.2']);
  const burst = await Promise.all([plane.refreshNames(['app.corp.internal']), plane.refreshNames(['*.lab.internal']), plane.refreshNames(['app.corp.internal'])]);
  assert.deepEqual(burst.map((r) => [r.elementsAdded, r.elementsDeleted]), [[2, 1], [2, 1], [2, 1]]);
  assert.equal(nft.applied.length, 5, 'one apply for the burst');

  await plane.applyDelta(2, [], ['s1']);
  assert.deepEqual(retained.at(-1), [], 'no session holds a name any more');
  assert.deepEqual(plane.sessionNames('s1'), []);
  await plane.close();
  assert.deepEqual(flushed, [['100.64.0.2/32']], 'only the removed session\'s flows were flushed');
});

test('IPv6: the peer gets its /128, IPv6 destinations go to allow6 under the IPv6 overlay, removal frees both overlays\' flows', async () => {
  const { plane, nft, peers, flushed } = fakePlane('delete');
  const s1: DesiredSession = { ...session('s1', '100.64.0.2'), overlayIpv6: 'fd6b:7769:636b::2' };
  s1.rules.push({ ...s1.rules[0], destination: 'fd20::10' }, { ...s1.rules[0], destination: 'fd20::/64', protocol: 'icmp', portFrom: 0, portTo: 0 });
  await plane.applySnapshot(1, [s1]);
  assert.deepEqual(peers.added[0][0].allowedIps, ['100.64.0.2/32', 'fd6b:7769:636b::2/128']);
  assert.match(nft.applied[0], /^add element inet wicket allow6_exact \{ fd6b:7769:636b::2 \. fd20::10 \. tcp \. 80 timeout \d+ms \}$/m);
  assert.match(nft.applied[0], /^add element inet wicket allow6_icmp \{ fd6b:7769:636b::2 \. fd20::\/64 timeout \d+ms \}$/m);
  assert.equal(plane.sessionOwner('overlay', 'fd6b:7769:636b::2'), 's1', 'denied6 entries are attributed');
  // The same listed back from the kernel: a second snapshot has nothing to do.
  nft.sets.set('allow6_exact', JSON.stringify({ nftables: [{ set: { name: 'allow6_exact', elem: [{ elem: { val: { concat: ['fd6b:7769:636b::2', 'fd20::10', 'tcp', 80] }, expires: 59, counter: { packets: 0, bytes: 0 } } }] } }] }));
  nft.sets.set('allow6_icmp', JSON.stringify({ nftables: [{ set: { name: 'allow6_icmp', elem: [{ elem: { val: { concat: ['fd6b:7769:636b::2', { prefix: { addr: 'fd20::', len: 64 } }] }, expires: 59, counter: { packets: 0, bytes: 0 } } }] } }] }));
  nft.sets.set('allow_exact', JSON.stringify({ nftables: [{ set: { name: 'allow_exact', elem: [{ elem: { val: { concat: ['100.64.0.2', '198.19.0.10', 'tcp', 80] }, expires: 59, counter: { packets: 0, bytes: 0 } } }] } }] }));
  const again = await plane.applySnapshot(2, [s1]);
  assert.deepEqual([again.peersAdded, again.elementsAdded, again.elementsDeleted], [0, 0, 0]);
  await plane.applyDelta(3, [], ['s1']);
  assert.match(nft.applied.at(-1)!, /^delete element inet wicket allow6_exact \{ fd6b:7769:636b::2 \. fd20::10 \. tcp \. 80 \}$/m);
  await plane.close();
  assert.deepEqual(flushed, [['100.64.0.2/32', 'fd6b:7769:636b::2/128']]);
});

test('IPv6: removing many sessions flushes their IPv6 overlays in blocks like the IPv4 ones, sparing a session that stays', async () => {
  const { plane, flushed } = fakePlane();
  const sessions = Array.from({ length: 6 }, (_, i): DesiredSession => ({ ...session(`s${i}`, `100.64.0.${i + 2}`), overlayIpv6: `fd6b:7769:636b::${i + 2}` }));
  await plane.applySnapshot(1, sessions);
  await plane.applyDelta(2, [], ['s0', 's1', 's2', 's3', 's4']);
  await plane.close();
  // 100.64.0.2-6 go, .7 stays: .0/30, .4/31, .6/32, and the same offsets in the prefix (three runs each, not five).
  assert.deepEqual(flushed, [['100.64.0.0/30', '100.64.0.4/31', '100.64.0.6/32', 'fd6b:7769:636b::/126', 'fd6b:7769:636b::4/127', 'fd6b:7769:636b::6/128']]);
});

test('IPv6: a session without an IPv6 overlay, or with one outside the prefix, gets IPv4 only', async () => {
  const { plane, nft, peers } = fakePlane();
  const v6rule = { ...session('x', '100.64.0.9').rules[0], destination: 'fd20::10' };
  const old = session('s1', '100.64.0.2');
  old.rules.push(v6rule);
  const outside: DesiredSession = { ...session('s2', '100.64.0.3'), overlayIpv6: 'fd99::3' };
  outside.rules.push(v6rule);
  await plane.applySnapshot(1, [old, outside]);
  assert.deepEqual(peers.added[0].map((p) => p.allowedIps), [['100.64.0.2/32'], ['100.64.0.3/32']]);
  assert.doesNotMatch(nft.applied[0], /allow6/);
  assert.match(nft.applied[0], /100\.64\.0\.3 \. 198\.19\.0\.10/);
  await plane.close();
});

test('IPv6: the once-per-session warning is forgotten with the session (a session back later is warned again), and sessionHasIpv6 says who has IPv6', async () => {
  const lines: string[] = [];
  const logger = createLogger('test', new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
  const plane = new WireGuardDataPlane({
    interfaceName: 'wkunit0', privateKey: generatePrivateKey(), nft: new NftRunnerFake(), peers: new PeerDriverFake(), logger,
    flushConntrack: async () => undefined,
  });
  const outside: DesiredSession = { ...session('s1', '100.64.0.2'), overlayIpv6: 'fd99::2' };
  const inside: DesiredSession = { ...session('s2', '100.64.0.3'), overlayIpv6: 'fd6b:7769:636b::3' };
  const warnings = () => lines.filter((l) => l.includes('outside the gateway')).length;
  await plane.applySnapshot(1, [outside, inside]);
  await plane.applyDelta(2, [outside], []);
  assert.equal(warnings(), 1, 'once while the session lasts');
  assert.deepEqual([plane.sessionHasIpv6('s1'), plane.sessionHasIpv6('s2'), plane.sessionHasIpv6('nobody')], [false, true, false]);
  await plane.applyDelta(3, [], ['s1']);
  await plane.applyDelta(4, [outside], []);
  assert.equal(warnings(), 2, 'removed, then back: warned again');
  await plane.close();
});

test('IPv6: where IPv6 forwarding cannot be enabled the gateway runs IPv4 only, said once', async () => {
  const lines: string[] = [];
  const logger = createLogger('test', new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
  const nft = new NftRunnerFake();
  const peers = new PeerDriverFake();
  const plane = new WireGuardDataPlane({
    interfaceName: 'wkunit0', privateKey: generatePrivateKey(), nft, peers, logger, removal: 'delete',
    flushConntrack: async () => undefined, ipv6ForwardingPath: '/nonexistent/ipv6/forwarding',
  });
  assert.equal(await plane.enableIpv6(), false, 'no refusal to start');
  const s1: DesiredSession = { ...session('s1', '100.64.0.2'), overlayIpv6: 'fd6b:7769:636b::2' };
  s1.rules.push({ ...s1.rules[0], destination: 'fd20::10' });
  const s2: DesiredSession = { ...session('s2', '100.64.0.3'), overlayIpv6: 'fd6b:7769:636b::3' };
  s2.rules.push({ ...s2.rules[0], destination: 'fd20::10' });
  await plane.applySnapshot(1, [s1, s2]);
  assert.deepEqual(peers.added[0].map((p) => p.allowedIps), [['100.64.0.2/32'], ['100.64.0.3/32']]);
  assert.doesNotMatch(nft.applied[0], /allow6/);
  assert.equal(plane.sessionHasIpv6('s1'), false);
  assert.equal(lines.filter((l) => l.includes('IPv6')).length, 1, `said once:\n${lines.join('')}`);
  await plane.close();
});

test('denied6 is read beside denied, IPv6 as RFC 5952 text', async () => {
  const { plane, nft } = fakePlane();
  nft.sets.set('denied6', '{"nftables": [{"set": {"family": "inet", "name": "denied6", "table": "wicket", "elem": [{"elem": {"val": {"concat": ["fd6b:7769:636b::2", "fd20:0::20", "udp", 53]}, "counter": {"packets": 1, "bytes": 80}}}]}}]}');
  assert.deepEqual(await plane.readDenied(), [{ overlay: 'fd6b:7769:636b::2', destination: 'fd20::20', protocol: 'udp', port: 53, packets: 1, bytes: 80 }]);
  await plane.close();
});

test('more sessions than the interface takes peers are refused before anything changes', async () => {
  const log: string[] = [];
  const nft = new NftRunnerFake(log);
  const peers = new PeerDriverFake(log, 2);
  const plane = new WireGuardDataPlane({ interfaceName: 'wkunit0', privateKey: generatePrivateKey(), removal: 'delete', nft, peers, flushConntrack: async () => undefined });
  const [s1, s2, s3] = [session('s1', '100.64.0.2'), session('s2', '100.64.0.3'), session('s3', '100.64.0.4')];
  await assert.rejects(plane.applySnapshot(1, [s1, s2, s3]), /3 sessions need as many WireGuard peers, and this interface takes at most 2/);
  assert.deepEqual(log, [], 'nothing reached nft or WireGuard');
  await plane.applySnapshot(2, [s1, s2]);
  log.length = 0;
  await assert.rejects(plane.applyDelta(3, [s3], []), /takes at most 2/);
  assert.deepEqual(log, []);
  assert.equal(plane.sessionCount, 2);
  // Replacing a session, or updating one in place, stays within the limit.
  await plane.applyDelta(4, [s3], ['s1']);
  await plane.applyDelta(5, [{ ...s2, rules: [] }], []);
  assert.equal(plane.sessionCount, 2);
  assert.deepEqual([...peers.peers.keys()].sort(), [s2.publicKey, s3.publicKey].sort());
});
