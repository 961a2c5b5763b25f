// The Sync fan-out: a snapshot on every attach, ordered deltas only to connected gateways,
// versions that only grow (also across a new fan-out on the same store), acks that resolve
// waiters and feed the latency histograms, a newer stream replacing an older one, and the
// stream opening and closing reported (the clients of its sessions are told), and deltas
// asked for at once leaving in the order asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import { SyncFanout, type SyncStream } from './fanout.js';

class Recorder implements SyncStream {
  readonly sent: SyncDown[] = [];
  ended = false;
  write(m: SyncDown): boolean {
    this.sent.push(m);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { store, close } = await openTestStore();
  t.after(close);
  const gateways = store.gateways;
  await gateways.enroll('dc1', 'serial', 0, '', '');
  await gateways.enroll('dc2', 'serial2', 0, '', '');
  const observed: { kind: string; gateway: string; seconds: number }[] = [];
  const acks: [string, number][] = [];
  const ignored: string[] = [];
  let clock = 1000;
  const make = () => new SyncFanout({
    gateways,
    snapshot: (g) => [{ id: `live-on-${g}` }],
    onAck: (g, v) => {
      acks.push([g, v]);
    },
    log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream),
    metrics: {
      ackSeconds: { observe: (l, seconds) => observed.push({ kind: 'ack', gateway: l.gateway, seconds }) },
      revocationSeconds: { observe: (l, seconds) => observed.push({ kind: 'revocation', gateway: l.gateway, seconds }) },
      ignoredAcks: { inc: (l) => ignored.push(`${l.gateway}/${l.reason}`) },
    },
    now: () => clock,
  });
  return { gateways, observed, acks, ignored, make, tick: (ms: number) => { clock += ms; } };
}

test('attach sends a snapshot; deltas go only to connected gateways, in version order', async (t) => {
  const { make } = await setup(t);
  const f = make();
  const s1 = new Recorder();
  assert.equal(await f.attach('dc1', s1), 1);
  assert.deepEqual(s1.sent[0], { snapshot: { version: 1, sessions: [{ id: 'live-on-dc1' }] } });
  const versions = await f.publish(new Map([['dc1', { upserts: [{ id: 'a' }], removes: [] }], ['dc2', { upserts: [{ id: 'b' }], removes: [] }]]));
  assert.deepEqual([...versions], [['dc1', 2]]);
  await f.publish(new Map([['dc1', { upserts: [], removes: ['a'] }]]));
  assert.deepEqual(s1.sent.map((m) => m.snapshot?.version ?? m.delta?.version), [1, 2, 3]);
  // An empty change sends nothing.
  assert.equal((await f.publish(new Map([['dc1', { upserts: [], removes: [] }]]))).size, 0);
});

test('deltas asked for one after the other leave in that order, without waiting for each other', async (t) => {
  const { make } = await setup(t);
  const f = make();
  const s1 = new Recorder();
  await f.attach('dc1', s1);
  const sends = ['a', 'b', 'c', 'd'].map((id) => f.publish(new Map([['dc1', { upserts: [{ id }], removes: [] }]])));
  const versions = (await Promise.all(sends)).map((v) => v.get('dc1'));
  assert.deepEqual(versions, [2, 3, 4, 5]);
  assert.deepEqual(s1.sent.slice(1).map((m) => [m.delta?.version, m.delta?.upserts?.[0]?.id]), [[2, 'a'], [3, 'b'], [4, 'c'], [5, 'd']]);
});

test('acks resolve waiters, record the gateway state and feed the histograms', async (t) => {
  const { make, gateways, observed, acks, tick } = await setup(t);
  const f = make();
  const s = new Recorder();
  await f.attach('dc1', s);
  const v = (await f.publish(new Map([['dc1', { upserts: [], removes: ['a', 'b'] }]]))).get('dc1')!;
  const waiting = f.waitForAck('dc1', v, 1000);
  tick(40);
  await f.ack('dc1', s, v, 1234, '');
  await waiting;
  assert.deepEqual(acks, [['dc1', v]]);
  assert.equal((await gateways.get('dc1'))!.appliedVersion, v);
  assert.equal((await gateways.get('dc1'))!.lastApplyUs, 1234);
  assert.deepEqual(observed.filter((o) => o.kind === 'revocation').map((o) => o.seconds), [0.04, 0.04]);
  assert.equal(observed.filter((o) => o.kind === 'ack').length, 2, 'snapshot and delta');
});

test('an ack for a version never sent, or from a replaced stream, is ignored', async (t) => {
  const { make, gateways, ignored } = await setup(t);
  const f = make();
  const old = new Recorder();
  await f.attach('dc1', old);
  const current = new Recorder();
  await f.attach('dc1', current);
  assert.ok(old.ended, 'the older stream is ended');
  await f.ack('dc1', old, 2, 1, '');
  await f.ack('dc1', current, 99, 1, '');
  assert.equal((await gateways.get('dc1'))!.appliedVersion, 0);
  assert.deepEqual(ignored, ['dc1/never_sent'], 'the forged ack is counted; the replaced stream\'s is not an attack');
  assert.equal(f.detach('dc1', old), false);
  assert.equal(f.detach('dc1', current), true);
  assert.equal(f.isConnected('dc1'), false);
});

test('an apply error gets a fresh snapshot; a waiter times out', async (t) => {
  const { make } = await setup(t);
  const f = make();
  const s = new Recorder();
  await f.attach('dc1', s);
  await f.ack('dc1', s, 1, 0, 'nft failed');
  assert.ok(s.sent.at(-1)!.snapshot, 'a snapshot follows an error');
  await assert.rejects(f.waitForAck('dc1', 50, 20), /did not acknowledge within 20 ms/);
});

test('repeated error acks cost a bounded number of snapshots; the rest coalesce into one later', async (t) => {
  const { make, ignored } = await setup(t);
  const f = make();
  const s = new Recorder();
  await f.attach('dc1', s);
  await Promise.all(Array.from({ length: 200 }, () => f.ack('dc1', s, 1, 0, 'nft failed')));
  const snapshots = s.sent.filter((m) => m.snapshot).length;
  assert.equal(snapshots, 1 + 3, 'the attach snapshot and the burst');
  assert.equal(ignored.filter((r) => r === 'dc1/throttled').length, 200 - 3);
  f.close();
});

test('versions keep growing across a new fan-out on the same store (controller restart)', async (t) => {
  const { make } = await setup(t);
  const first = make();
  await first.attach('dc1', new Recorder());
  await first.publish(new Map([['dc1', { upserts: [{ id: 'x' }], removes: [] }]]));
  const second = make();
  assert.equal(await second.attach('dc1', new Recorder()), 3);
});

test('a stream opening (after its snapshot) and the current stream closing are reported; a replaced stream closing is not', async (t) => {
  const { store, close } = await openTestStore();
  t.after(close);
  const gateways = store.gateways;
  await gateways.enroll('dc1', 'serial', 0, '', '');
  const seen: string[] = [];
  const old = new Recorder();
  const current = new Recorder();
  const f: SyncFanout = new SyncFanout({
    gateways, snapshot: () => [], onAck: () => undefined, log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream),
    onConnectivity: (g, connected) => seen.push(`${g} ${connected ? 'up' : 'down'}, stream ${f.isConnected(g) ? 'held' : 'gone'}, ${old.sent.length + current.sent.length} sent`),
  });
  await f.attach('dc1', old);
  await f.attach('dc1', current);
  f.detach('dc1', old);
  f.detach('dc1', current);
  assert.deepEqual(seen, ['dc1 up, stream held, 1 sent', 'dc1 up, stream held, 2 sent', 'dc1 down, stream gone, 2 sent'], 'each snapshot goes before the news');
});
