// The Sync fan-out around the gateways' change log: a snapshot on every attach, consistent
// with the version it carries; logged versions sent as deltas in version order, only to the
// streams this fan-out holds; resume from the version a gateway applied (only the missing
// deltas), a snapshot when versions are missing; acks that resolve waiters (on any
// controller of the database) and feed the latency histograms; a newer stream replacing an
// older one, and the stream opening and closing reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import { Store } from '../store/store.js';
import type { Notifier } from '../store/notifications.js';
import { SyncFanout, type LoggedChange } from './fanout.js';
import { RecordingStream } from '../../test/support/sync-stream.js';

class Recorder extends RecordingStream {
  versions(): number[] {
    return this.sent.map((m) => Number(m.snapshot?.version ?? m.delta?.version));
  }
}

const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);

const change = (c: Partial<LoggedChange>): LoggedChange => ({ upserts: [], removes: [], config: false, ...c });

async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !(await cond()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(await cond(), what);
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const opened = await openTestStore();
  t.after(opened.close);
  const { store, database } = opened;
  await database.notifier.start();
  await store.gateways.enroll('dc1', 'serial', 0, '', '');
  await store.gateways.enroll('dc2', 'serial2', 0, '', '');
  const observed: { kind: string; gateway: string; seconds: number }[] = [];
  const acks: [string, number][] = [];
  const ignored: string[] = [];
  const made: SyncFanout[] = [];
  t.after(() => {
    for (const f of made) f.close();
    return Promise.resolve();
  });
  let clock = 1000;
  const make = (over: { store?: Store; notifier?: Notifier; config?: () => { issuer: string } } = {}) => {
    const f = new SyncFanout({
      store: over.store ?? store,
      notifier: over.notifier ?? database.notifier,
      snapshot: async (tx, g) => (await tx.changeLog.since(g, 0, 1000)).flatMap((r) => r.upserts).map((id) => ({ id })),
      entries: (_g, ids) => ids.map((id) => ({ id })),
      ...(over.config && { config: over.config }),
      onAck: (g, v) => {
        acks.push([g, v]);
      },
      log,
      metrics: {
        ackSeconds: { observe: (l, seconds) => observed.push({ kind: 'ack', gateway: l.gateway, seconds }) },
        revocationSeconds: { observe: (l, seconds) => observed.push({ kind: 'revocation', gateway: l.gateway, seconds }) },
        ignoredAcks: { inc: (l) => ignored.push(`${l.gateway}/${l.reason}`) },
      },
      now: () => clock,
    });
    made.push(f);
    return f;
  };
  /** Logs `changes` in one transaction of `on` (default: the store) through `f`, and waits until `f` sent them. */
  const record = async (f: SyncFanout, changes: [string, Partial<LoggedChange>][], on: Store = store) => {
    const versions = await on.transaction((tx) => f.record(tx, new Map(changes.map(([g, c]) => [g, change(c)]))));
    await f.flush(versions);
    return versions;
  };
  return { store, opened, observed, acks, ignored, make, record, tick: (ms: number) => { clock += ms; } };
}

test('logged versions are sent as deltas in version order, only to attached gateways; unknown gateways get no version', async (t) => {
  const { make, record, store } = await setup(t);
  const f = make();
  const s1 = new Recorder();
  assert.equal(await f.attach('dc1', s1), 1);
  assert.deepEqual(s1.sent[0], { snapshot: { version: 1, sessions: [] } });
  const versions = await record(f, [['dc1', { upserts: ['a'] }], ['dc2', { upserts: ['b'] }], ['nowhere', { upserts: ['c'] }]]);
  assert.deepEqual([...versions], [['dc1', 2], ['dc2', 1]], 'dc2 is logged though not attached here; an unknown gateway is not');
  await record(f, [['dc1', { removes: ['a'] }]]);
  assert.deepEqual(s1.versions(), [1, 2, 3]);
  assert.deepEqual(s1.sent[1], { delta: { version: 2, upserts: [{ id: 'a' }], removes: [] } });
  assert.deepEqual(s1.sent[2], { delta: { version: 3, upserts: [], removes: ['a'] } });
  // An empty change logs nothing.
  assert.equal((await record(f, [['dc1', {}]])).size, 0);
  assert.equal((await store.gateways.get('dc1'))!.desiredVersion, 3);
});

test('versions logged one after the other leave in that order', async (t) => {
  const { make, store } = await setup(t);
  const f = make();
  const s1 = new Recorder();
  await f.attach('dc1', s1);
  const logged = await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.transaction((tx) => f.record(tx, new Map([['dc1', change({ upserts: [id] })]])))));
  assert.deepEqual(logged.map((v) => v.get('dc1')).sort(), [2, 3, 4, 5]);
  await until(() => s1.sent.length === 5, 'every version sent');
  assert.deepEqual(s1.versions(), [1, 2, 3, 4, 5]);
});

test('a snapshot holds exactly the changes up to the version it carries', async (t) => {
  const { make, record } = await setup(t);
  const f = make();
  await record(f, [['dc1', { upserts: ['a'] }]]);
  await record(f, [['dc1', { upserts: ['b'] }]]);
  const s = new Recorder();
  assert.equal(await f.attach('dc1', s), 3);
  await record(f, [['dc1', { upserts: ['c'] }]]);
  assert.deepEqual(s.sent, [
    { snapshot: { version: 3, sessions: [{ id: 'a' }, { id: 'b' }] } },
    { delta: { version: 4, upserts: [{ id: 'c' }], removes: [] } },
  ], 'nothing logged before the snapshot is sent again after it');
});

test('a gateway resuming from the version it applied gets only the missing versions, with its configuration', async (t) => {
  const { make, record } = await setup(t);
  let issuer = 'one';
  const f = make({ config: () => ({ issuer }) });
  const first = new Recorder();
  await f.attach('dc1', first);
  await record(f, [['dc1', { upserts: ['a'] }]]);
  f.detach('dc1', first);
  await record(f, [['dc1', { upserts: ['b'] }]]);
  await record(f, [['dc1', { removes: ['a'] }]]);
  issuer = 'two';
  const second = new Recorder();
  assert.equal(await f.attach('dc1', second, 2), 5);
  assert.deepEqual(second.sent, [
    { delta: { version: 3, upserts: [{ id: 'b' }], removes: [] } },
    { delta: { version: 4, upserts: [], removes: ['a'] } },
    { delta: { version: 5, upserts: [], removes: [], config: { issuer: 'two' } } },
  ]);
  // A version the log never had (a gateway ahead of the database) gets a snapshot.
  const third = new Recorder();
  await f.attach('dc1', third, 99);
  assert.ok(third.sent[0]?.snapshot);
});

test('a version missing from the log (pruned) costs a snapshot, on resume and while sending', async (t) => {
  const { make, record, store } = await setup(t);
  const f = make();
  const s = new Recorder();
  await f.attach('dc1', s);
  await record(f, [['dc1', { upserts: ['a'] }]]);
  await record(f, [['dc1', { upserts: ['b'] }]]);
  await store.changeLog.prune('dc1', 3);
  f.detach('dc1', s);
  const resumed = new Recorder();
  await f.attach('dc1', resumed, 1);
  assert.deepEqual(resumed.sent, [{ snapshot: { version: 4, sessions: [{ id: 'b' }] } }]);
  // Versions 5 and 6 logged, 5 pruned before this fan-out reads them.
  const versions = await store.transaction(async (tx) => {
    await f.record(tx, new Map([['dc1', change({ upserts: ['c'] })]]));
    const v = await f.record(tx, new Map([['dc1', change({ upserts: ['d'] })]]));
    await tx.changeLog.prune('dc1', 6);
    return v;
  });
  await f.flush(versions);
  assert.equal(resumed.sent.length, 2);
  assert.ok(resumed.sent[1]!.snapshot, 'a snapshot instead of version 6 after a missing 5');
});

test('acks resolve waiters, record the gateway state, prune what was applied long ago and feed the histograms', async (t) => {
  const { make, store, observed, acks, tick, record } = await setup(t);
  const f = make();
  const s = new Recorder();
  await f.attach('dc1', s);
  const v = (await record(f, [['dc1', { removes: ['a', 'b'] }]])).get('dc1')!;
  const waiting = f.waitForAck('dc1', v, 1000);
  tick(40);
  await f.ack('dc1', s, v, 1234, '');
  await waiting;
  assert.deepEqual(acks, [['dc1', v]]);
  assert.equal((await store.gateways.get('dc1'))!.appliedVersion, v);
  assert.equal((await store.gateways.get('dc1'))!.lastApplyUs, 1234);
  assert.deepEqual(observed.filter((o) => o.kind === 'revocation').map((o) => o.seconds), [0.04, 0.04]);
  assert.equal(observed.filter((o) => o.kind === 'ack').length, 2, 'snapshot and delta');
  assert.equal(await store.changeLog.oldest('dc1'), 1, 'applied, but not long ago: kept');
  await record(f, [['dc1', { upserts: ['c'] }]]);
  tick(3_600_001);
  await f.ack('dc1', s, v + 1, 1, '');
  assert.equal(await store.changeLog.oldest('dc1'), undefined, 'applied an hour ago: pruned');
});

test('an ack for a version never sent, or from a replaced stream, is ignored', async (t) => {
  const { make, store, ignored } = await setup(t);
  const f = make();
  const old = new Recorder();
  await f.attach('dc1', old);
  const current = new Recorder();
  await f.attach('dc1', current);
  assert.ok(old.ended, 'the older stream is ended');
  await f.ack('dc1', old, 2, 1, '');
  await f.ack('dc1', current, 99, 1, '');
  assert.equal((await store.gateways.get('dc1'))!.appliedVersion, 0);
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
});

test('versions keep growing across a new fan-out on the same store (controller restart)', async (t) => {
  const { make, record } = await setup(t);
  const first = make();
  await first.attach('dc1', new Recorder());
  await record(first, [['dc1', { upserts: ['x'] }]]);
  first.close();
  const second = make();
  assert.equal(await second.attach('dc1', new Recorder()), 3);
});

test('a stream opening (after its snapshot) and the current stream closing are reported; a replaced stream closing is not', async (t) => {
  const { store, close, database } = await openTestStore();
  t.after(close);
  await store.gateways.enroll('dc1', 'serial', 0, '', '');
  const seen: string[] = [];
  const old = new Recorder();
  const current = new Recorder();
  const f: SyncFanout = new SyncFanout({
    store, notifier: database.notifier, snapshot: () => [], entries: () => [], onAck: () => undefined, log,
    onConnectivity: (g, connected) => seen.push(`${g} ${connected ? 'up' : 'down'}, stream ${f.isConnected(g) ? 'held' : 'gone'}, ${old.sent.length + current.sent.length} sent`),
  });
  t.after(() => Promise.resolve(f.close()));
  await f.attach('dc1', old);
  await f.attach('dc1', current);
  f.detach('dc1', old);
  f.detach('dc1', current);
  assert.deepEqual(seen, ['dc1 up, stream held, 1 sent', 'dc1 up, stream held, 2 sent', 'dc1 down, stream gone, 2 sent'], 'each snapshot goes before the news');
});

/** A notifier whose notifications are lost until `gap()` says so (a dropped listening connection). */
class LossyNotifier implements Notifier {
  private readonly gaps: (() => void)[] = [];
  start(): Promise<void> {
    return Promise.resolve();
  }
  notify(): Promise<void> {
    return Promise.resolve();
  }
  listen(): () => void {
    return () => undefined;
  }
  onGap(handler: () => void): () => void {
    this.gaps.push(handler);
    return () => undefined;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  reportErrorsTo(): void {}
  gap(): void {
    for (const handler of this.gaps) handler();
  }
}

test('after notifications were lost, every held stream reads its log again and every waiter the applied version', async (t) => {
  const { make, store } = await setup(t);
  const notifier = new LossyNotifier();
  const holder = make({ notifier });
  const waiter = make({ notifier });
  const s = new Recorder();
  await holder.attach('dc1', s);
  const versions = await store.transaction((tx) => waiter.record(tx, new Map([['dc1', change({ upserts: ['a'] })]])));
  const v = versions.get('dc1')!;
  let released = false;
  const waiting = waiter.waitForAck('dc1', v, 10_000).then(() => {
    released = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(s.sent.length, 1, 'the notification was lost: nothing sent yet');
  notifier.gap();
  await until(() => s.sent.length === 2, 'the version sent after the gap');
  await holder.ack('dc1', s, v, 1, '');
  assert.equal(released, false, 'the ack\'s notification was lost too');
  notifier.gap();
  await waiting;
});

test('two controllers on one PostgreSQL: a change committed through one reaches the stream held by the other, whose ack releases a waiter on the first', async (t) => {
  const { opened, make, store } = await setup(t);
  if (!opened.openSecond) {
    t.skip('one controller on SQLite');
    return;
  }
  const second = await opened.openSecond();
  await second.notifier.start();
  const storeB = new Store(second.kysely, second.dialect);
  const a = make();
  const b = make({ store: storeB, notifier: second.notifier });
  const stream = new Recorder();
  await a.attach('dc1', stream);
  // Connect on B: logged in B's transaction, sent by A (woken by the notification).
  const versions = await storeB.transaction((tx) => b.record(tx, new Map([['dc1', change({ upserts: ['from-b'] })]])));
  await b.flush(versions);
  assert.equal(b.isConnected('dc1'), false);
  const v = versions.get('dc1')!;
  const waiting = b.waitForAck('dc1', v, 10_000);
  await until(() => stream.sent.length === 2, 'the change reached the stream held by A');
  assert.deepEqual(stream.sent[1], { delta: { version: v, upserts: [{ id: 'from-b' }], removes: [] } });
  await a.ack('dc1', stream, v, 1, '');
  await waiting;
  assert.equal((await store.gateways.get('dc1'))!.appliedVersion, v);
});
