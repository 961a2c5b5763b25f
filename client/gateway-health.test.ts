// Unit tests for gateway health: the state machine (3 misses down, 2 answers while connected
// up, the controller's connected=false at once) and the prober on a fake clock with a fake
// sender, plus the real DNS probe against a stub on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { PROBE_NAME } from '../common/dns-names.js';
import { GatewayProber, HealthTracker, probeAt, type Scheduler } from './gateway-health.js';

test('down after 3 misses in a row, up after 2 answers; a single answer resets the misses', () => {
  const t = new HealthTracker();
  t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]);
  assert.deepEqual([...t.down()], []);
  assert.equal(t.probed('a', false), false);
  assert.equal(t.probed('a', false), false);
  assert.equal(t.probed('a', true), false, 'an answer resets the count');
  assert.equal(t.probed('a', false), false);
  assert.equal(t.probed('a', false), false);
  assert.equal(t.probed('a', false), true, 'third miss in a row');
  assert.deepEqual([...t.down()], ['a']);
  assert.equal(t.probed('a', true), false);
  assert.equal(t.probed('a', false), false, 'a miss restarts the answers');
  assert.equal(t.probed('a', true), false);
  assert.equal(t.probed('a', true), true);
  assert.equal(t.healthy('a'), true);
  assert.equal(t.probed('unknown', false), false);
});

test('the controller\'s connected=false is down at once; up again only after 2 answers with connected=true', () => {
  const t = new HealthTracker();
  t.setGateways([{ gateway: 'a', connected: true }]);
  assert.equal(t.setGateways([{ gateway: 'a', connected: false }]), true);
  assert.equal(t.healthy('a'), false);
  t.probed('a', true);
  t.probed('a', true);
  assert.equal(t.healthy('a'), false, 'answers do not count against the controller\'s word');
  assert.equal(t.setGateways([{ gateway: 'a', connected: true }]), false, 'connected alone is not enough');
  t.probed('a', true);
  assert.equal(t.probed('a', true), true);
  assert.equal(t.healthy('a'), true);
  t.setGateways([{ gateway: 'b', connected: false }]);
  assert.deepEqual([...t.down()], ['b'], 'gone gateways are forgotten; a new one starts as the controller says');
});

test('the prober probes every gateway each interval and reports changes, on a fake clock', async () => {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Scheduler = (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    timers.push(t);
    return { cancel: () => { t.cancelled = true; } };
  };
  const tick = async () => {
    const t = timers.at(-1)!;
    assert.equal(t.ms, 1000);
    t.fn();
    await new Promise((r) => setImmediate(r));
  };
  const alive = new Map([['100.127.0.1', true], ['100.127.0.2', true]]);
  const sent: string[] = [];
  const changes: string[][] = [];
  const tracker = new HealthTracker();
  tracker.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]);
  const prober = new GatewayProber({
    tracker, schedule, onChange: (down) => changes.push([...down]),
    targets: () => [{ gateway: 'a', address: '100.127.0.1' }, { gateway: 'b', address: '100.127.0.2' }],
    send: async (address, timeoutMs) => { assert.equal(timeoutMs, 1000); sent.push(address); return alive.get(address)!; },
  });
  prober.start();
  await tick();
  assert.deepEqual(sent, ['100.127.0.1', '100.127.0.2']);
  alive.set('100.127.0.1', false);
  for (let i = 0; i < 3; i++) await tick();
  assert.deepEqual(changes, [['a']]);
  alive.set('100.127.0.1', true);
  await tick();
  await tick();
  assert.deepEqual(changes, [['a'], []]);
  prober.stop();
  assert.equal(timers.at(-1)!.cancelled, true);
});

test('the DNS probe counts any answer to its query, and a silent address as a miss', async () => {
  const server = dgram.createSocket('udp4');
  const names: string[] = [];
  server.on('message', (msg, from) => {
    const q = dnsPacket.decode(msg);
    names.push(q.questions![0]!.name);
    server.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 3, questions: q.questions }), from.port, from.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  try {
    const port = server.address().port;
    assert.equal(await probeAt('127.0.0.1', port, 1000), true);
    assert.deepEqual(names, [PROBE_NAME]);
    server.removeAllListeners('message');
    assert.equal(await probeAt('127.0.0.1', port, 50), false);
  } finally {
    server.close();
  }
});
