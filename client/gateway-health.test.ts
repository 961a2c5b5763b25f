// Unit tests for gateway health: the state machine on a fake clock (3 misses down, or one miss
// after the controller's connected=false; up after 10 s of answers while connected) and the prober on a fake clock with a fake
// sender, plus the real DNS probe against a stub on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { PROBE_NAME } from '../common/dns-names.js';
import { GatewayProber, HealthTracker, probeAt, type Scheduler } from './gateway-health.js';

/** A tracker on a fake clock: `probe` counts one probe and advances the clock by a second. */
function tracked() {
  let now = 0;
  const t = new HealthTracker(() => now);
  return { t, probe: (gw: string, answered: boolean) => { const changed = t.probed(gw, answered); now += 1000; return changed; } };
}

test('down after 3 misses in a row; up again only after answering continuously for the hold-down', () => {
  const { t, probe } = tracked();
  t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]);
  assert.deepEqual([...t.down()], []);
  assert.equal(probe('a', false), false);
  assert.equal(probe('a', false), false);
  assert.equal(probe('a', true), false, 'an answer resets the count');
  assert.equal(probe('a', false), false);
  assert.equal(probe('a', false), false);
  assert.equal(probe('a', false), true, 'third miss in a row');
  assert.deepEqual([...t.down()], ['a']);
  for (let i = 0; i < 5; i++) assert.equal(probe('a', true), false);
  assert.equal(probe('a', false), false, 'a miss restarts the hold-down');
  for (let i = 0; i < 10; i++) assert.equal(probe('a', true), false, `answer ${i + 1} is inside the hold-down`);
  assert.equal(t.healthy('a'), false);
  assert.equal(probe('a', true), true, 'answers for 10 s in a row: up');
  assert.equal(t.healthy('a'), true);
  assert.equal(probe('unknown', false), false);
});

test('the controller\'s connected=false counts only once a probe misses after it', () => {
  const { t, probe } = tracked();
  t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]);
  // A controller restart: every gateway reported disconnected for a moment, probes still answer.
  assert.equal(t.setGateways([{ gateway: 'a', connected: false }, { gateway: 'b', connected: false }]), false);
  assert.equal(probe('a', true), false);
  assert.equal(probe('b', true), false);
  assert.equal(t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]), false);
  assert.equal(probe('a', false), false, 'the report was withdrawn: one miss is not enough');
  assert.deepEqual([...t.down()], []);
  // A real loss: the report and a miss after it.
  probe('b', false);
  assert.equal(t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: false }]), false);
  assert.equal(probe('b', false), true, 'one miss since the report corroborates it');
  assert.deepEqual([...t.down()], ['b']);
  for (let i = 0; i < 12; i++) assert.equal(probe('b', true), false, 'answers do not count while the controller says disconnected');
  t.setGateways([{ gateway: 'a', connected: true }, { gateway: 'b', connected: true }]);
  for (let i = 0; i < 10; i++) assert.equal(probe('b', true), false);
  assert.equal(probe('b', true), true);
  t.setGateways([{ gateway: 'c', connected: false }]);
  assert.deepEqual([...t.down()], [], 'gone gateways are forgotten; a new one starts up');
  assert.equal(probe('c', false), true, 'and goes down at its first miss when reported disconnected');
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
  let now = 0;
  const tracker = new HealthTracker(() => now);
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
  for (let i = 0; i < 2; i++) await tick();
  assert.deepEqual(changes, [['a']], 'inside the hold-down');
  now += 10_000;
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
